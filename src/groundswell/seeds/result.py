"""What a seed selection returns, and the Monte Carlo check beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from groundswell.network.graph import Graph
from groundswell.rng import Seed


@dataclass(frozen=True, eq=False)
class Selection:
    """Chosen seeds with the selection's own estimate of their reach.

    ``seeds`` lists the already-active people first (``forced`` of them), then
    the chosen ones in the order greedy picked them. ``estimate`` is the
    expected reach (people, seeds included) from RR sets independent of those
    used to choose, with a normal-approximation 95% interval.
    """

    seeds: np.ndarray
    forced: int
    method: str
    model: str
    n: int
    estimate: float
    estimate_ci95: tuple[float, float]
    rr_sets: int
    seconds: float
    guarantee: str | None = None
    notes: list[str] = field(default_factory=list)
    # Target mode: reach share (independent RR estimate) after i seeds, i = 0..len.
    curve: np.ndarray | None = None
    target: float | None = None
    reached: bool | None = None
    # Exact models (``seeds.exact``): the reach is a count or an exact
    # expectation, so ``verified`` is it; ``lower_bound`` is the proven fewest
    # people any choice needs for ``target`` (``optimal``: this choice is one).
    verified: float | None = None
    # Target mode over RR sets: the whole greedy order (forced first) that
    # ``seeds`` is a prefix of, so a check that falls short can add more.
    order: np.ndarray | None = None
    lower_bound: int | None = None
    # How ``lower_bound`` was proven (``seeds.exact.Bound.method``), in a line.
    lower_bound_method: str | None = None
    optimal: bool = False

    @property
    def seed_share(self) -> float:
        return len(self.seeds) / self.n if self.n else 0.0


@dataclass(frozen=True)
class Check:
    """Independent Monte Carlo check of a seed set (``groundswell.spread.simulate``)."""

    runs: int
    reach_mean: float
    reach_ci95: tuple[float, float]


def share_ci(covered: int, sets: int, n: int) -> tuple[float, tuple[float, float]]:
    """Reach estimate n * covered / sets with a 95% normal interval (IMM Lemma 2)."""
    if sets == 0:
        return 0.0, (0.0, float(n))
    f = covered / sets
    half = 1.96 * math.sqrt(max(f * (1 - f), 0.0) / sets)
    return n * f, (n * max(f - half, 0.0), n * min(f + half, 1.0))


def monte_carlo(
    graph: Graph,
    model: Any,
    seeds: np.ndarray,
    *,
    runs: int = 1000,
    seed: Seed = 0,
    executor: Any = None,
) -> Check:
    """Reach of ``seeds`` by forward simulation, independent of the RR sets."""
    from groundswell.spread import simulate

    result = simulate(
        graph, model, np.asarray(seeds, dtype=np.int32), runs=runs, seed=seed, executor=executor
    )
    lo, hi = result.reach_ci95
    return Check(runs=result.runs, reach_mean=float(result.reach_mean), reach_ci95=(lo, hi))
