"""Greedy maximum coverage over RR sets, with constraints (wraps the lazy kernel)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.kernels import rrsets as k
from groundswell.seeds.constraints import Resolved
from groundswell.seeds.sampling import RRSets


@dataclass(frozen=True, eq=False)
class Cover:
    order: np.ndarray  # chosen nodes, in greedy order (forced excluded)
    covered_after: np.ndarray  # sets covered after each choice
    forced_covered: int
    covered: int  # sets covered by forced + order
    upper: float  # OPIM-C bound on the best coverage of the same size (sets)


def greedy(
    sets: RRSets,
    resolved: Resolved,
    max_seeds: int,
    *,
    stop_covered: int | None = None,
    bound_k: int = 0,
    by_ratio: bool | None = None,
    first: np.ndarray | None = None,
) -> Cover:
    """Best cover of ``sets`` within the count or cost budget.

    With a cost budget, returns the better of unit-cost greedy and cost-benefit
    greedy (gain / cost): Leskovec et al., KDD 2007, Sec. 3.1 ("CELF" budgeted
    variant), which keeps a (1 - 1/e) / 2 factor.

    ``first``: nodes chosen before the greedy ones, in this order, and counted
    among ``max_seeds`` (OPIM-C's sentinels, see ``imm._opimc``).
    """
    ptr, node_sets = sets.index()
    stop = sets.count + 1 if stop_covered is None else int(stop_covered)
    runs = ([False, True] if resolved.costed else [False]) if by_ratio is None else [by_ratio]
    head = np.zeros(0, dtype=np.int32) if first is None else np.asarray(first, dtype=np.int32)
    forced = np.concatenate([resolved.forced, head]).astype(np.int32)
    nf = int(resolved.forced.size)
    best: Cover | None = None
    for by_ratio in runs:
        order, after, forced_after, upper = k.greedy_cover(
            sets.offsets,
            sets.members,
            ptr,
            node_sets,
            resolved.candidate,
            forced,
            resolved.cost,
            resolved.budget,
            int(max_seeds) - head.size,
            stop,
            by_ratio,
            int(bound_k),
        )
        forced_cov = int(forced_after[nf - 1]) if nf else 0
        order = np.concatenate([head, order])
        after = np.concatenate([forced_after[nf:], after])
        covered = int(after[-1]) if after.size else forced_cov
        cover = Cover(order, after, forced_cov, covered, float(upper))
        if best is None or cover.covered > best.covered:
            best = cover
    assert best is not None
    return best
