"""Seeds with their independent Monte Carlo check, and the baselines beside them.

This is what an organiser reads: the chosen people, the share of everyone
they are, the reach a forward simulation gives them (with its 95% interval),
and what simple choices of the same size reach under the same check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from groundswell.network.graph import Graph
from groundswell.rng import Seed
from groundswell.seeds import deterministic
from groundswell.seeds.baselines import BASELINES
from groundswell.seeds.constraints import Constraints
from groundswell.seeds.exact import exact_p, reach
from groundswell.seeds.result import Check, Selection, monte_carlo


@dataclass(frozen=True, eq=False)
class Report:
    selection: Selection
    check: Check
    baselines: dict[str, tuple[np.ndarray, Check]] = field(default_factory=dict)

    @property
    def verified_share(self) -> float:
        """Exact share where the model allows, else the Monte Carlo check's mean."""
        sel = self.selection
        value = sel.verified if sel.verified is not None else self.check.reach_mean
        return value / sel.n if sel.n else 0.0

    @property
    def reached(self) -> bool | None:
        """ "Target reached" only on a verified figure: the exact reach, or the
        lower end of the Monte Carlo check's 95% interval."""
        sel = self.selection
        if sel.target is None:
            return None
        need = sel.target * sel.n - 1e-9 * sel.n
        value = sel.verified if sel.verified is not None else self.check.reach_ci95[0]
        return bool(sel.reached and value >= need)

    def as_json(self, labels: np.ndarray) -> dict[str, Any]:
        """The ``seeds --json`` document (docs/reference/json.md), plus details under extra keys."""
        sel = self.selection
        out: dict[str, Any] = {
            "n": sel.n,
            "seeds": [_plain(x) for x in labels[sel.seeds].tolist()],
            "seed_share": sel.seed_share,
            "reach_mean": self.check.reach_mean,
            "reach_ci95": list(self.check.reach_ci95),
            "method": sel.method,
            "model": sel.model,
            "reach_share": self.check.reach_mean / sel.n if sel.n else 0.0,
            "mc_runs": self.check.runs,
            "already_active": sel.forced,
            "rr_estimate": sel.estimate,
            "rr_estimate_ci95": list(sel.estimate_ci95),
            "rr_sets": sel.rr_sets,
            "guarantee": sel.guarantee,
            "notes": sel.notes,
            "seconds": sel.seconds,
        }
        if sel.target is not None:
            out["target"] = sel.target
            out["reached"] = self.reached
            out["verified_share"] = self.verified_share
            out["lower_bound"] = sel.lower_bound
            out["lower_bound_method"] = sel.lower_bound_method
            out["optimal"] = sel.optimal
        if self.baselines:
            out["baselines"] = {
                name: {
                    "reach_mean": c.reach_mean,
                    "reach_ci95": list(c.reach_ci95),
                    "seeds": len(s),
                }
                for name, (s, c) in self.baselines.items()
            }
        return out


def check_selection(
    graph: Graph,
    model: Any,
    selection: Selection,
    *,
    runs: int = 1000,
    seed: Seed = 0,
    baselines: bool = False,
    constraints: Constraints | None = None,
    executor: Any = None,
) -> Report:
    """Check ``selection`` (and optionally same-size baselines under the same constraints).

    Where the model's reach is exact (``seeds.exact``, or a deterministic rule:
    ``seeds.deterministic``) the check is that exact figure (``runs`` 0);
    otherwise a Monte Carlo run whose random stream is derived from ``seed``
    but separate from the selection's. A baseline that
    beats the choice (exactly, or beyond noise: its 95% interval wholly above
    the choice's) replaces it, and the notes say which method produced it.
    """
    check_seed = np.random.SeedSequence([_int(seed), 0x5EED])
    p = exact_p(model)
    counted = p is not None or deterministic.rule(model) is not None

    def check_of(seeds: np.ndarray) -> Check:
        if counted:
            value = (
                reach(graph, p, seeds)
                if p is not None
                else deterministic.count(graph, model, seeds)
            )
            return Check(runs=0, reach_mean=value, reach_ci95=(value, value))
        return monte_carlo(graph, model, seeds, runs=runs, seed=check_seed, executor=executor)

    check = check_of(selection.seeds)
    if not counted and selection.target is not None and selection.reached:
        selection, check = _until_verified(selection, check, check_of)
    table: dict[str, tuple[np.ndarray, Check]] = {}
    if baselines:
        k = len(selection.seeds) - selection.forced
        tie_p = getattr(model, "p", None) or 0.01
        for name, fn in BASELINES.items():
            chosen = fn(graph, k, p=tie_p, seed=_int(seed), constraints=constraints)
            table[name] = (chosen, check_of(chosen))
        selection, check = _never_beaten(selection, check, table, counted)
    return Report(selection=selection, check=check, baselines=table)


MAX_TOP_UPS = 12


def _until_verified(
    selection: Selection, check: Check, check_of: Callable[[np.ndarray], Check]
) -> tuple[Selection, Check]:
    """Add people along the greedy order until the Monte Carlo check's lower 95%
    bound reaches the target (at most ``MAX_TOP_UPS`` checks), so "reached"
    rests on the check, never on the RR estimate alone."""
    need = (selection.target or 0.0) * selection.n
    order = selection.order
    if check.reach_ci95[0] >= need or order is None:
        return selection, check
    size, first = len(selection.seeds), len(selection.seeds)
    for _ in range(MAX_TOP_UPS):
        if size >= order.size:
            break
        size = min(order.size, size + max(1, math.ceil(0.05 * size)))
        check = check_of(order[:size])
        if check.reach_ci95[0] >= need:
            break
    ok = check.reach_ci95[0] >= need
    note = (
        f"the independent check's lower 95% bound fell short of the target with {first} "
        f"people; {size - first} more along the same order "
        + ("reach it" if ok else "still do not: the target is not verified as reached")
    )
    seeds = np.asarray(order[:size], dtype=np.int32)
    return replace(selection, seeds=seeds, notes=[*selection.notes, note]), check


def _never_beaten(
    selection: Selection, check: Check, table: dict[str, tuple[np.ndarray, Check]], exact: bool
) -> tuple[Selection, Check]:
    for name, (chosen, other) in table.items():
        beats = (
            other.reach_mean > check.reach_mean + 1e-9
            if exact
            else other.reach_ci95[0] > check.reach_ci95[1]
        )
        if beats and len(chosen) <= len(selection.seeds):
            note = (
                f"the simple choice '{name}' reached more ({other.reach_mean:.1f} against "
                f"{check.reach_mean:.1f}) with the same number of people, so it is returned"
            )
            selection = replace(
                selection,
                seeds=np.asarray(chosen, dtype=np.int32),
                method=f"baseline {name}",
                estimate=other.reach_mean,
                estimate_ci95=other.reach_ci95,
                verified=other.reach_mean if exact else None,
                notes=[*selection.notes, note],
                optimal=False,
            )
            check = other
    return selection, check


def _int(seed: Seed) -> int:
    return int(seed) if isinstance(seed, int | np.integer) else 0


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x
