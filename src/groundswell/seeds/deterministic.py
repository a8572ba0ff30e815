"""Exact choice under deterministic multi-step rules: ``ic`` with ``p = 1`` and ``complex``.

When nobody's choice is left to chance, one pass of the cascade gives a
seed set's reach exactly (:mod:`groundswell.kernels.seeds_reach`), so
sampling would only add error:

* ``ic`` (or ``sir`` with ``recovery = 1``) with ``p = 1``: the reach is the
  people within ``max_steps`` ties of a seed (all steps: everyone reachable).
  It is a coverage function, so lazy greedy on it (CELF, Leskovec et al.,
  KDD 2007) keeps greedy's guarantees: at least (1 - 1/e) of the best k
  (Nemhauser, Wolsey & Fisher 1978), and for a target within H(n) of the
  fewest people (Wolsey 1982, submodular set cover).
* ``complex`` (a threshold of K people or a fraction F of one's ties, Centola
  & Macy 2007) with no one who never adopts: the end state is exact, but not
  submodular, so greedy on it carries no guarantee; with no step limit it
  is computed afresh for every candidate each round.

A work limit (ties scanned) keeps a call bounded: past it the caller falls
back to sampling or to the heuristics of :mod:`groundswell.seeds.complex`.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from groundswell.kernels import seeds_reach as k
from groundswell.network.graph import Graph
from groundswell.seeds.constraints import Resolved
from groundswell.seeds.result import Selection

WORK = 2_000_000_000  # ties scanned by one greedy call before giving up on exactness
UNLIMITED = 2**62


def rule(model: Any) -> str | None:
    """``"reachability"`` or ``"threshold"`` when ``model``'s reach is deterministic, else None.

    ``direct`` and one-step ``ic`` are handled (with any ``p``) by
    :mod:`groundswell.seeds.exact`; this covers the multi-step rules.
    """
    kind = getattr(model, "kind", None)
    if getattr(model, "never_adopt", 0.0):
        return None
    if kind == "complex":
        return "threshold"
    p = getattr(model, "p", None)
    recovery = getattr(model, "recovery", None)
    if kind == "ic" or (kind == "sir" and recovery == 1.0):
        return "reachability" if p is not None and float(p) == 1.0 else None
    return None


def _steps(model: Any) -> int:
    steps = getattr(model, "max_steps", None)
    return UNLIMITED if steps is None else int(steps)


def _need(graph: Graph, model: Any) -> np.ndarray:
    """People each person needs adopting before they do (``spread.models.pack``'s rule)."""
    if rule(model) != "threshold":
        return np.zeros(0, dtype=np.int32)
    if model.threshold is not None:
        return np.full(graph.n, int(model.threshold), dtype=np.int32)
    indeg = graph.in_degree().astype(np.float64)
    return np.maximum(1, np.ceil(float(model.fraction) * indeg - 1e-9)).astype(np.int32)


def count(graph: Graph, model: Any, seeds: np.ndarray) -> float:
    """The exact number of people ``seeds`` reach (themselves included) under ``model``.

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> from groundswell.spread import Model
    >>> path, _ = from_arrays([0, 1, 2, 3], [1, 2, 3, 4], directed=True)
    >>> count(path, Model("ic", p=1.0), np.array([1]))
    4.0
    >>> count(path, Model("ic", p=1.0, max_steps=2), np.array([0]))
    3.0
    """
    order = np.ascontiguousarray(seeds, dtype=np.int32)
    steps = min(_steps(model), graph.n)
    return float(k.cascade_count(graph.indptr, graph.indices, _need(graph, model), steps, order))


def prefix_count(graph: Graph, model: Any, order: np.ndarray) -> np.ndarray:
    """Exact reach after each prefix of ``order`` (``out[0]`` = nobody)."""
    order = np.ascontiguousarray(order, dtype=np.int32)
    if rule(model) == "reachability":
        steps = _steps(model)
        curve: np.ndarray = k.prefix_reachability(
            graph.indptr, graph.indices, min(steps, graph.n), steps >= graph.n, order
        )
        return curve
    return np.array([0.0] + [count(graph, model, order[: i + 1]) for i in range(order.size)])


def greedy(
    graph: Graph,
    model: Any,
    resolved: Resolved,
    max_seeds: int,
    stop_value: float = math.inf,
    work: int = WORK,
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """New seeds in greedy order, the exact reach after each and the forced people's
    reach; None where this model has no exact greedy here or ``work`` ran out."""
    how = rule(model)
    if how == "reachability":
        steps = _steps(model)
        block = steps >= graph.n
        bound = _component_sizes(graph).astype(np.float64)
        order, after, forced_value, ok = k.celf_reachability(
            graph.indptr, graph.indices, min(steps, graph.n), block, bound,
            resolved.candidate, resolved.forced, int(max_seeds), float(stop_value), int(work),
        )  # fmt: skip
    elif how == "threshold" and getattr(model, "max_steps", None) is None:
        order, after, forced_value, ok = k.greedy_threshold(
            graph.indptr, graph.indices, _need(graph, model), resolved.candidate,
            resolved.forced, int(max_seeds), float(stop_value), int(work),
        )  # fmt: skip
    else:
        return None
    if not ok:
        return None
    return order.astype(np.int32), after, float(forced_value)


def _component_sizes(graph: Graph) -> np.ndarray:
    """Each person's weak component size: nobody reaches beyond it."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n = graph.n
    adj = sp.csr_matrix((np.ones(graph.indices.size), graph.indices, graph.indptr), shape=(n, n))
    _, labels = connected_components(adj, directed=True, connection="weak")
    sizes: np.ndarray = np.bincount(labels)[labels]
    return sizes


def choose(
    graph: Graph,
    model: Any,
    resolved: Resolved,
    *,
    k: int | None = None,
    target: float | None = None,
    limit: int | None = None,
) -> Selection | None:
    """The best ``k`` new seeds, or the fewest reaching ``target`` of everyone, on the
    exact reach: a :class:`Selection` whose ``verified`` is that count, or None where
    this model has no exact greedy here (sampling then answers)."""
    start = time.perf_counter()
    n = graph.n
    if rule(model) != "reachability" or (k is not None and resolved.costed):
        return None  # the costed best k keeps sampling's (1 - 1/e) / 2 argument
    need = math.inf if target is None else target * n
    most = (n if limit is None else limit) if k is None else k
    got = greedy(graph, model, resolved, most, need)
    if got is None:
        return None
    order, after, forced_value = got
    seeds = np.concatenate([resolved.forced, order]).astype(np.int32)
    curve = np.concatenate([prefix_count(graph, model, resolved.forced), after]) / n
    value = float(after[-1]) if after.size else forced_value  # a count: no rounding
    steps = getattr(model, "max_steps", None)
    within = "every step" if steps is None else f"within {steps} steps"
    notes = [f"reach counted exactly ({within}, p = 1: reach is who can be reached along ties)"]
    reached = None
    if target is not None:
        reached = bool(value >= need - 1e-9)
        if not reached:
            notes.append(
                f"target {target:.0%} not reached: the best is {value / n:.1%} "
                f"with {seeds.size} people ({seeds.size / n:.1%})"
            )
    return Selection(
        seeds=seeds,
        forced=int(resolved.forced.size),
        method="exact-greedy" + ("-target" if target is not None else ""),
        model=model.describe() if hasattr(model, "describe") else str(model),
        n=n,
        estimate=value,
        estimate_ci95=(value, value),
        rr_sets=0,
        seconds=time.perf_counter() - start,
        guarantee=(
            "greedy on the exact reach (a coverage function): within H(n) of the fewest "
            "(Wolsey 1982)"
            if target is not None
            else "reach >= (1 - 1/e) x optimum (Nemhauser, Wolsey & Fisher 1978), counted exactly"
        ),
        notes=notes,
        curve=curve if target is not None else None,
        target=target,
        reached=reached,
        verified=value,
    )
