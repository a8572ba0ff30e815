"""Seeds with their independent Monte Carlo check, and the baselines beside them.

This is what an organiser reads: the chosen people, the share of everyone
they are, the reach a forward simulation gives them (with its 95% interval),
and what simple choices of the same size reach under the same check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from groundswell.network.graph import Graph
from groundswell.rng import Seed
from groundswell.seeds.baselines import BASELINES
from groundswell.seeds.constraints import Constraints
from groundswell.seeds.result import Check, Selection, monte_carlo


@dataclass(frozen=True, eq=False)
class Report:
    selection: Selection
    check: Check
    baselines: dict[str, tuple[np.ndarray, Check]] = field(default_factory=dict)

    def as_json(self, labels: np.ndarray) -> dict[str, Any]:
        """The CLI's ``--json`` document (DESIGN.md), plus details under extra keys."""
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
            out["reached"] = sel.reached
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
    """Monte Carlo check of ``selection`` (and optionally of same-size baselines).

    The check's random stream is derived from ``seed`` but separate from the
    selection's, so the check is independent of the RR sets that chose.
    """
    check_seed = np.random.SeedSequence([_int(seed), 0x5EED])
    check = monte_carlo(
        graph, model, selection.seeds, runs=runs, seed=check_seed, executor=executor
    )
    table: dict[str, tuple[np.ndarray, Check]] = {}
    if baselines:
        k = len(selection.seeds) - selection.forced
        p = getattr(model, "p", None) or 0.01
        for name, fn in BASELINES.items():
            chosen = fn(graph, k, p=p, seed=_int(seed), constraints=constraints)
            table[name] = (
                chosen,
                monte_carlo(graph, model, chosen, runs=runs, seed=check_seed, executor=executor),
            )
    return Report(selection=selection, check=check, baselines=table)


def _int(seed: Seed) -> int:
    return int(seed) if isinstance(seed, int | np.integer) else 0


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x
