"""Spread models: what a person needs before they adopt, checked and packed for the kernel.

Every model runs in discrete steps from the seeds (step 0). See
:mod:`groundswell.kernels.spread` for the simulation itself.

``ic``
    Independent cascade (Kempe, Kleinberg & Tardos, KDD 2003): a new adopter
    gets one chance to convince each out-neighbour, with probability ``p``, or
    with the graph's per-edge probabilities (``graph.weights``) when ``p`` is
    ``None``.
``wc``
    Weighted cascade (Kempe et al. 2003, section 4): ``p(u, v) = 1 / in-degree(v)``.
``direct``
    Seeds plus each out-neighbour of a seed with probability ``p`` (default 1):
    an independent cascade stopped after one step.
``lt``
    Linear threshold (Kempe et al. 2003): each person draws a threshold
    ``theta ~ U(0, 1]`` per run and adopts once the weight of their adopted
    in-neighbours reaches it. Weights are normalised by in-weight,
    ``b(u, v) = w(u, v) / sum_u' w(u', v)`` (``1 / in-degree(v)`` unweighted), so
    they sum to 1 as the model requires.
``complex``
    Complex contagion (Centola & Macy, AJS 2007): adopt once at least
    ``threshold`` in-neighbours have adopted, or at least a ``fraction`` of them
    (``max(1, ceil(fraction * in-degree))`` people; note that for low-degree
    people a small fraction means a single neighbour).
``sir``
    Enthusiasm that fades: an adopter tries each not-yet-reached out-neighbour
    with probability ``p`` every step while enthusiastic, and loses enthusiasm
    with probability ``recovery`` per step. ``recovery = 1`` is exactly ``ic``.

``never_adopt`` is the share of people (other than seeds) who never adopt,
drawn independently per person and per run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.kernels import spread as k
from groundswell.network.graph import Graph

Kind = Literal["ic", "wc", "lt", "complex", "sir", "direct"]
KINDS: tuple[str, ...] = ("ic", "wc", "lt", "complex", "sir", "direct")
UNLIMITED_STEPS = 2**31 - 1


@dataclass(frozen=True)
class Model:
    """A spread model and its parameters (see the module docstring)."""

    kind: Kind
    p: float | None = None
    threshold: int | None = None
    fraction: float | None = None
    recovery: float | None = None
    never_adopt: float = 0.0
    max_steps: int | None = None

    def __post_init__(self) -> None:
        validate(self)

    def describe(self) -> str:
        """One line naming the model and its parameters, for reports."""
        parts: list[str] = [self.kind]
        for name in ("p", "threshold", "fraction", "recovery", "max_steps"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value}")
        if self.never_adopt:
            parts.append(f"never_adopt={self.never_adopt}")
        return " ".join(parts)


def _check_share(name: str, value: float | None, *, low_open: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise InvalidInput(f"{name} must be a number between 0 and 1, got {value!r}")
    value = float(value)
    if math.isnan(value) or value < 0.0 or value > 1.0 or (low_open and value == 0.0):
        bounds = "(0, 1]" if low_open else "[0, 1]"
        raise InvalidInput(f"{name} must be in {bounds}, got {value}; give a probability")


def validate(model: Model) -> None:
    """Raise ``InvalidInput`` saying what to change if ``model`` is inconsistent.

    A ``Model`` validates itself as it is made:

    >>> Model("complex", threshold=2).describe()
    'complex threshold=2'
    >>> Model("ic", p=1.5)
    Traceback (most recent call last):
    ...
    groundswell.errors.InvalidInput: p must be in [0, 1], got 1.5; give a probability
    """
    kind = model.kind
    if kind not in KINDS:
        raise InvalidInput(f"unknown model {kind!r}; use one of {', '.join(KINDS)}")
    _check_share("p", model.p)
    _check_share("fraction", model.fraction, low_open=True)
    _check_share("recovery", model.recovery, low_open=True)
    _check_share("never_adopt", model.never_adopt)
    if model.never_adopt >= 1.0:
        raise InvalidInput("never_adopt must be below 1: someone has to be able to adopt")
    if model.max_steps is not None and (
        not isinstance(model.max_steps, int | np.integer) or model.max_steps < 0
    ):
        raise InvalidInput(f"max_steps must be a whole number >= 0, got {model.max_steps!r}")
    if model.threshold is not None and (
        not isinstance(model.threshold, int | np.integer) or model.threshold < 1
    ):
        raise InvalidInput(f"threshold must be a whole number >= 1, got {model.threshold!r}")
    if kind == "complex":
        if (model.threshold is None) == (model.fraction is None):
            raise InvalidInput("the complex model needs exactly one of threshold K or fraction F")
    elif model.threshold is not None or model.fraction is not None:
        raise InvalidInput("threshold and fraction apply only to the complex model")
    if kind == "sir":
        if model.recovery is None:
            raise InvalidInput(
                "the sir model needs recovery, the per-step chance of losing enthusiasm"
            )
    elif model.recovery is not None:
        raise InvalidInput("recovery applies only to the sir model")
    if kind in ("wc", "lt", "complex") and model.p is not None:
        raise InvalidInput(f"p does not apply to the {kind} model; leave it out")


@dataclass(frozen=True)
class Packed:
    """Kernel inputs for one (graph, model) pair."""

    edge_value: np.ndarray  # float64 per stored edge, or empty
    need: np.ndarray  # int32 per node, or empty
    fparams: np.ndarray  # float64 [p, recovery, never_adopt, log(1-p)]
    iparams: np.ndarray  # int64 [mode, max_steps, curve_cap, per_edge]


def pack(graph: Graph, model: Model, curve_steps: int) -> Packed:
    """Translate ``model`` on ``graph`` into the kernel's packed arrays."""
    empty_f = np.empty(0, np.float64)
    need = np.empty(0, np.int32)
    edge_value = empty_f
    mode, per_edge = k.CASCADE, False
    p, recovery = 1.0, 1.0
    max_steps = UNLIMITED_STEPS if model.max_steps is None else int(model.max_steps)
    kind = model.kind
    if kind in ("ic", "sir", "direct"):
        if model.p is not None:
            p = float(model.p)
        elif kind == "direct":
            p = 1.0
        else:
            edge_value = _edge_probabilities(graph, kind)
            per_edge = True
        if kind == "sir":
            assert model.recovery is not None  # Model refuses an SIR model without one
            recovery = float(model.recovery)
        if kind == "direct":
            max_steps = min(max_steps, 1)
    elif kind == "wc":
        indeg = graph.in_degree().astype(np.float64)
        edge_value = 1.0 / indeg[graph.indices] if graph.stored_edges else empty_f
        per_edge = True
    elif kind == "lt":
        mode = k.THRESHOLD
        edge_value = _normalised_in_weights(graph)
    else:
        mode = k.COUNT
        if model.threshold is not None:
            need = np.full(graph.n, int(model.threshold), np.int32)
        else:
            assert model.fraction is not None  # Model asks a complex model for one of the two
            indeg = graph.in_degree().astype(np.float64)
            # A small epsilon so 0.25 * 8 is 2 people, not 3 from rounding up 2.0000000001.
            need = np.maximum(1, np.ceil(float(model.fraction) * indeg - 1e-9)).astype(np.int32)
    log_q = math.log1p(-p) if 0.0 < p < 1.0 else 0.0
    cap = max(1, min(int(curve_steps), max_steps))
    return Packed(
        edge_value=np.ascontiguousarray(edge_value, dtype=np.float64),
        need=need,
        fparams=np.array([p, recovery, float(model.never_adopt), log_q], np.float64),
        iparams=np.array([mode, max_steps, cap, int(per_edge)], np.int64),
    )


def _edge_probabilities(graph: Graph, kind: str) -> np.ndarray:
    if graph.weights is None:
        raise InvalidInput(
            f"the {kind} model needs p (e.g. --p 0.05) or per-edge probabilities in the graph"
        )
    w = graph.weights.astype(np.float64)
    bad = ~((w >= 0.0) & (w <= 1.0))
    if bad.any():
        raise InvalidInput(
            f"per-edge probabilities must be in [0, 1]; {int(bad.sum())} edge(s) are not "
            f"(e.g. {w[bad][0]}); rescale the weights or give p"
        )
    return w


def _normalised_in_weights(graph: Graph) -> np.ndarray:
    if graph.stored_edges == 0:
        return np.empty(0, np.float64)
    if graph.weights is None:
        w = np.ones(graph.stored_edges, np.float64)
    else:
        w = graph.weights.astype(np.float64)
        if (w < 0).any() or not np.isfinite(w).all():
            raise InvalidInput("linear threshold weights must be finite and >= 0")
    inweight = np.bincount(graph.indices, weights=w, minlength=graph.n)
    total = inweight[graph.indices]
    # A person whose ties all weigh 0 can only be reached by seeding them.
    share: np.ndarray = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return share
