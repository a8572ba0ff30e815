"""Seeds for complex contagion and fading enthusiasm: a documented heuristic, no guarantee.

When people adopt only after several neighbours have (Centola & Macy, AJS
2007), reach is not submodular in the seed set, so IMM's and greedy's
guarantees do not hold and no RR-set method applies. We try two heuristics
and keep the one whose simulated reach is higher:

1. **Greedy on simulated marginal reach** over a sample of candidates (the
   best-connected ``pool``): seeds are added in batches, each batch the
   candidates whose addition raises the mean reach over ``runs`` simulations
   the most (common random numbers: every evaluation uses the same seed).
2. **Clustered seeding**: seeds placed together, each hub with enough of its
   best-connected neighbours that the people around them see several
   adopters at once, the reinforcement complex contagions need (Centola,
   Science 2010).

The output says plainly that there is no approximation guarantee.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.network.graph import Graph
from groundswell.rng import Seed
from groundswell.seeds import deterministic
from groundswell.seeds.constraints import Constraints, Resolved
from groundswell.seeds.result import Selection

NO_GUARANTEE = (
    "no approximation guarantee: reach under complex contagion is not submodular, "
    "so this is a heuristic (greedy on simulated reach, or clustered seeding)"
)


def complex_seeds(
    graph: Graph,
    model: Any,
    *,
    k: int | None = None,
    target: float | None = None,
    seed: Seed = 0,
    constraints: Constraints | None = None,
    pool: int = 30,
    runs: int = 40,
    steps: int = 10,
) -> Selection:
    """Heuristic seeds for ``k`` new seeds, or for reaching ``target`` of everyone."""
    from groundswell.spread import simulate

    if (k is None) == (target is None):
        raise InvalidInput("give exactly one of k or target")
    start = time.perf_counter()
    n = graph.n
    resolved = (constraints or Constraints()).resolve(n)
    limit = int(resolved.candidate.sum()) if k is None else min(k, int(resolved.candidate.sum()))
    goal = math.inf if target is None else target * n

    counted = deterministic.rule(model) is not None  # nothing left to chance: count once

    def reach(ids: np.ndarray) -> float:
        if ids.size == 0:
            return 0.0
        if counted:
            return deterministic.count(graph, model, ids)
        return float(simulate(graph, model, ids.astype(np.int32), runs=runs, seed=seed).reach_mean)

    clustered = _clustered(graph, model, resolved, limit, goal, reach)
    candidates = {"complex-clustered": clustered}
    if counted:
        got = deterministic.greedy(graph, model, resolved, limit, goal)
        if got is not None:  # greedy on the exact reach, every candidate every round
            order, after, forced_value = got
            ids = np.concatenate([resolved.forced, order]).astype(np.int64)
            value = float(after[-1]) if after.size else forced_value
            candidates["complex-exact-greedy"] = (ids, value)
    if clustered[1] < min(goal, n):  # greedy cannot beat a set that already reaches it
        candidates["complex-greedy-sim"] = _greedy(graph, resolved, limit, goal, pool, steps, reach)

    def rank(item: tuple[str, tuple[np.ndarray, float]]) -> tuple[bool, float, float]:
        ids, value = item[1]
        if target is not None and value >= goal:  # reaching it: the fewest people first
            return True, -float(ids.size), value
        return False, value, -float(ids.size)

    method, (seeds, est) = max(candidates.items(), key=rank)
    notes = [NO_GUARANTEE]
    if counted:
        notes.append("reach counted exactly: nothing is left to chance under this model")
    else:
        notes.append(f"estimate from {runs} simulations per evaluation")
    reached = None if target is None else bool(est >= goal)
    if reached is False:
        notes.append(f"target {target:.0%} not reached: best found {est / n:.1%}")
    return Selection(
        seeds=seeds.astype(np.int32),
        forced=int(resolved.forced.size),
        method=method,
        model=model.describe(),
        n=n,
        estimate=est,
        estimate_ci95=(est, est) if counted else (math.nan, math.nan),
        rr_sets=0,
        seconds=time.perf_counter() - start,
        guarantee=None,
        notes=notes,
        target=target,
        reached=reached,
        verified=est if counted else None,
    )


def _order_by_degree(graph: Graph, resolved: Resolved) -> np.ndarray:
    ids = np.nonzero(resolved.candidate)[0]
    deg = graph.out_degree()
    return ids[np.lexsort((ids, -deg[ids]))]


def _greedy(
    graph: Graph,
    resolved: Resolved,
    limit: int,
    goal: float,
    pool: int,
    steps: int,
    reach: Callable[[np.ndarray], float],
) -> tuple[np.ndarray, float]:
    ranked = _order_by_degree(graph, resolved)
    chosen = list(resolved.forced.tolist())
    current = reach(np.array(chosen, dtype=np.int64))
    batch = max(1, math.ceil(limit / steps))
    added = 0
    while added < limit and current < goal and current < graph.n:
        taken = set(chosen)
        sample = [int(v) for v in ranked if int(v) not in taken][:pool]
        if not sample:
            break
        gains = [reach(np.array([*chosen, v])) for v in sample]
        order = np.argsort(-np.asarray(gains), kind="stable")
        step = [sample[i] for i in order[: min(batch, limit - added)]]
        chosen.extend(step)
        added += len(step)
        current = reach(np.array(chosen))
    return np.array(chosen, dtype=np.int64), current


def _clustered(
    graph: Graph,
    model: Any,
    resolved: Resolved,
    limit: int,
    goal: float,
    reach: Callable[[np.ndarray], float],
) -> tuple[np.ndarray, float]:
    need = model.threshold or 2
    deg = graph.out_degree()
    ranked = _order_by_degree(graph, resolved)
    chosen = list(resolved.forced.tolist())
    taken = set(chosen)
    added = 0
    current = reach(np.array(chosen, dtype=np.int64))
    for hub in ranked:
        if added >= limit or current >= goal:
            break
        if int(hub) in taken:
            continue
        group = [int(hub)]
        nbrs = [
            int(v)
            for v in graph.neighbours(int(hub))
            if resolved.candidate[v] and int(v) not in taken
        ]
        nbrs.sort(key=lambda v: (-deg[v], v))
        group += nbrs[: need - 1]
        group = group[: limit - added]
        chosen.extend(group)
        taken.update(group)
        added += len(group)
        if goal < math.inf:  # target mode: stop at the first group that reaches it
            current = reach(np.array(chosen))
    current = reach(np.array(chosen))
    return np.array(chosen, dtype=np.int64), current
