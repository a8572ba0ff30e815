"""Exact choice where the model allows it: one-step spread with one tie probability.

Under ``direct`` (any ``p``), or ``ic`` with a given ``p`` stopped after at
most one step, the expected reach of a set is an exact sum
(:mod:`groundswell.kernels.direct`), so sampling would only add error: RR
sets pick seeds that cover the sample, not the people. Here we

1. choose by lazy greedy on the exact objective (CELF, Leskovec et al., KDD
   2007): for best-k, at least (1 - 1/e) of the optimum (Nemhauser, Wolsey &
   Fisher 1978); for a target, greedy partial set cover, within a factor
   H(max coverage) of the fewest people (Slavik 1997; no polynomial method
   does better than ln n, Feige 1998);
2. improve the set: drop redundant people, then 1-swaps (add the best, drop
   the least useful) while they raise the reach or let a smaller set reach the
   target;
3. certify: the LP relaxation of partial set cover (solved by HiGHS through
   ``scipy.optimize``) gives a proven lower bound on the fewest people any
   choice needs; on small networks the integer program is solved within a
   time limit, and when HiGHS proves it optimal we say so (and, with ``p =
   1``, use its set if it is smaller and within the budget).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from groundswell.kernels import direct as k
from groundswell.network.graph import Graph
from groundswell.seeds.constraints import Constraints, Resolved

# Swaps tried per call, budgeted as if each were a pass over people and
# ties (most look only near the person dropped, so this is generous).
SWAP_WORK = 3_000_000_000
LP_SECONDS = 120.0  # the LP's time limit from the command line (a page passes less)
MILP_MAX_NODES = 3000  # solve the integer program below this many people
MILP_SECONDS = 10.0
DUAL_SECONDS = 3.0  # a safety limit on the quick bound (100 steps: ~0.3 s on 20,000 people)
TOL = 1e-9
RELAXED = "integer program with each reach 1 - (1 - p)^c relaxed to c p (HiGHS)"


@dataclass(frozen=True)
class Bound:
    """A proven lower bound on the fewest people any choice needs for a target."""

    people: int
    optimal: bool  # the problem itself (p = 1) was solved to optimality
    method: str
    seconds: float
    # How it was proven: "integer program", "integer program stopped" (its
    # bound at the time limit), "LP relaxation", or "Lagrangian dual" (the
    # quick bound of ``seeds.dual`` when HiGHS did not finish in time).
    kind: str = "LP relaxation"


def exact_p(model: Any) -> float | None:
    """The tie probability when ``model``'s reach is exact here, else ``None``."""
    kind = getattr(model, "kind", None)
    if getattr(model, "never_adopt", 0.0):
        return None
    steps = getattr(model, "max_steps", None)
    p = getattr(model, "p", None)
    if kind == "direct":
        p = 1.0 if p is None else float(p)
    elif kind == "ic" and p is not None and steps is not None and steps <= 1:
        p = float(p)
    else:
        return None
    return 0.0 if steps == 0 else p


def reach(graph: Graph, p: float, seeds: np.ndarray) -> float:
    """Exact expected reach (people, seeds included) of ``seeds``."""
    order = np.ascontiguousarray(seeds, dtype=np.int32)
    return float(k.prefix_reach(graph.indptr, graph.indices, float(p), order)[-1])


def prefix_reach(graph: Graph, p: float, order: np.ndarray) -> np.ndarray:
    """Exact expected reach after each prefix of ``order`` (``out[0]`` = nobody)."""
    order = np.ascontiguousarray(order, dtype=np.int32)
    curve: np.ndarray = k.prefix_reach(graph.indptr, graph.indices, float(p), order)
    return curve


def lazy_greedy(
    graph: Graph,
    p: float,
    resolved: Resolved,
    max_seeds: int,
    stop_value: float = math.inf,
    by_ratio: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """CELF order of new seeds and the exact reach after each (forced first, uncounted).

    With a cost budget and ``by_ratio`` None, the better of unit-cost and
    gain / cost greedy (Leskovec et al. 2007, Sec. 3.1).
    """
    runs = ([False, True] if resolved.costed else [False]) if by_ratio is None else [by_ratio]
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    for ratio in runs:
        order, after, forced_value = k.celf(
            graph.indptr,
            graph.indices,
            float(p),
            resolved.candidate,
            resolved.forced,
            resolved.cost,
            float(resolved.budget),
            int(max_seeds),
            float(stop_value),
            ratio,
        )
        value = float(after[-1]) if after.size else forced_value
        if best is None or value > best[2] + TOL:
            best = (order, np.concatenate([[forced_value], after]), value)
    assert best is not None
    return best[0], best[1]


def improve(
    graph: Graph,
    p: float,
    resolved: Resolved,
    seeds: np.ndarray,
    target_value: float | None,
    max_swaps: int | None = None,
) -> tuple[np.ndarray, int]:
    """Drop redundant seeds and swap (``kernels.direct.improve``); new seeds in greedy order.

    Costed budgets are left alone: a swap could break the budget.
    """
    seeds = np.asarray(seeds, dtype=np.int32)
    if resolved.costed:
        return seeds[~np.isin(seeds, resolved.forced)], 0
    forced = np.zeros(graph.n, dtype=np.bool_)
    forced[resolved.forced] = True
    if max_swaps is None:
        max_swaps = max(100, SWAP_WORK // (graph.n + graph.stored_edges + 1))
    rev = graph.reverse()
    chosen, _value, swaps = k.improve(
        graph.indptr,
        graph.indices,
        rev.indptr,
        rev.indices,
        float(p),
        resolved.candidate,
        np.ascontiguousarray(seeds, dtype=np.int32),
        forced,
        -1.0 if target_value is None else float(target_value),
        int(max_swaps),
        TOL,
    )
    return order_greedily(graph, p, resolved, chosen), int(swaps)


def order_greedily(graph: Graph, p: float, resolved: Resolved, chosen: np.ndarray) -> np.ndarray:
    """The new seeds in ``chosen`` (a mask), most useful first: the curve reads well."""
    pick = chosen & ~_mask(graph.n, resolved.forced)
    only = Resolved(pick, resolved.forced, resolved.cost, math.inf, False)
    order, _ = lazy_greedy(graph, p, only, int(pick.sum()), by_ratio=False)
    rest = np.setdiff1d(np.nonzero(pick)[0], order)  # adding nothing, kept by the caller
    return np.concatenate([order, rest]).astype(np.int32)


def allowed(resolved: Resolved, seeds: np.ndarray) -> bool:
    """Whether ``seeds`` obeys the choice's constraints: the already active all in,
    every other person a candidate (consented, not excluded), and their cost
    within the budget (the already active are never charged)."""
    seeds = np.unique(np.asarray(seeds, dtype=np.int64))
    if not np.isin(resolved.forced, seeds).all():
        return False
    new = seeds[~np.isin(seeds, resolved.forced)]
    if not resolved.candidate[new].all():
        return False
    return not resolved.costed or float(resolved.cost[new].sum()) <= resolved.budget


def _mask(n: int, ids: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=np.bool_)
    mask[ids] = True
    return mask


def lower_bound(
    graph: Graph,
    p: float,
    resolved: Resolved,
    target_value: float,
    *,
    milp_nodes: int = MILP_MAX_NODES,
    seconds: float = MILP_SECONDS,
    lp_seconds: float = LP_SECONDS,
    upper: float | None = None,
) -> tuple[Bound | None, np.ndarray | None]:
    """Proven fewest people (already-active included) any choice needs to reach ``target_value``.

    Partial set cover as an LP (Kearns 1990; Slavik 1997): minimise
    ``sum x_u`` subject to ``y_v <= x_v + p sum_{u -> v} x_u``, ``sum y_v >=
    target``, ``0 <= x, y <= 1``, non-candidates at 0 and the already active
    at 1. Any seed set gives a feasible point (``1 - (1 - p)^c <= c p``), so
    the LP optimum, rounded up, bounds every choice from below. HiGHS solves
    to a relative gap of about 1e-7: we take a millionth off before
    rounding up so the bound stays a bound. The integer program (below
    ``milp_nodes`` people) gets ``seconds``, the LP ``lp_seconds``; when the
    LP does not finish in time, the Lagrangian dual of the same LP
    (:mod:`groundswell.seeds.dual`, weaker but proven, a fraction of a
    second) stands in, steered by ``upper`` (a count known to reach the
    target); ``lp_seconds = 0`` goes to it directly. Returns (bound, set)
    where the set is the integer program's best with ``p = 1`` (an exact
    optimum when ``bound.optimal``), else None. ``(None, None)`` when no
    choice reaches the target.
    """
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    start = time.perf_counter()
    n = graph.n
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(graph.indptr))
    rows = np.concatenate([graph.indices.astype(np.int64), np.arange(n), np.arange(n)])
    cols = np.concatenate([src, np.arange(n), n + np.arange(n)])
    vals = np.concatenate([np.full(src.size, -p), -np.ones(n), np.ones(n)])
    cover = sp.csr_matrix((vals, (rows, cols)), shape=(n, 2 * n))
    total = sp.csr_matrix(np.concatenate([np.zeros(n), -np.ones(n)]))
    a_ub = sp.vstack([cover, total]).tocsr()
    b_ub = np.concatenate([np.zeros(n), [-float(target_value)]])
    c = np.concatenate([np.ones(n), np.zeros(n)])
    lo = np.zeros(2 * n)
    hi = np.ones(2 * n)
    hi[:n] = resolved.candidate.astype(np.float64)
    lo[resolved.forced] = 1.0
    hi[resolved.forced] = 1.0
    if n <= milp_nodes:
        res = milp(
            c,
            integrality=np.concatenate([np.ones(n), np.zeros(n)]),
            bounds=Bounds(lo, hi),
            constraints=LinearConstraint(a_ub, -np.inf, b_ub),
            options={"time_limit": seconds},
        )
        if res.status == 2:  # infeasible: no choice reaches the target
            return None, None
        # With p = 1 the program is the problem itself: HiGHS's best set so far
        # (optimal or not) is a real choice, which the caller counts again.
        found = None
        if p >= 1.0 and res.x is not None:
            found = np.nonzero(res.x[:n] > 0.5)[0].astype(np.int32)
        if res.status == 0:
            people = _round_up(res.fun)
            how = "integer program (HiGHS)" if p >= 1.0 else RELAXED
            kind = "integer program" if p >= 1.0 else "LP relaxation"
            bound = Bound(people, p >= 1.0, how, time.perf_counter() - start, kind)
            return bound, found
        dual = getattr(res, "mip_dual_bound", None)
        if dual is not None and np.isfinite(dual):
            people = _round_up(dual)
            how = "integer program's bound (HiGHS, stopped at its time limit)"
            seconds_used = time.perf_counter() - start
            return Bound(people, False, how, seconds_used, "integer program stopped"), found
    if lp_seconds > 0:
        # Interior point then crossover: about 3x faster than dual simplex on GitHub.
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=b_ub,
            bounds=np.column_stack([lo, hi]),
            method="highs-ipm",
            options={"time_limit": lp_seconds},
        )
        if res.status == 2:
            return None, None
        if res.status == 0:
            used = time.perf_counter() - start
            return Bound(_round_up(res.fun), False, "LP relaxation (HiGHS)", used), None
        if res.status != 1:  # 1: stopped at the time limit; anything else is no bound
            return None, None
    if upper is None:
        return None, None
    from groundswell.seeds.dual import lagrangian_bound

    people = lagrangian_bound(graph, p, resolved, target_value, upper, DUAL_SECONDS)
    if people <= 0:  # nothing proven worth saying
        return None, None
    how = "Lagrangian dual of the LP relaxation (Fisher 1981)" + (
        f": the LP did not finish within {lp_seconds:g} s" if lp_seconds > 0 else ""
    )
    used = time.perf_counter() - start
    return Bound(people, False, how, used, "Lagrangian dual"), None


def _round_up(value: float) -> int:
    return math.ceil(value - 1e-6 * max(1.0, abs(value)))


def choose_best_k(graph: Graph, p: float, resolved: Resolved, k: int) -> tuple[np.ndarray, str]:
    """Best ``k`` new seeds on the exact reach: CELF, swaps, and never below a baseline.

    Every baseline is run under the same constraints and count and scored
    exactly; if one reaches more, local search starts from it instead.
    """
    from groundswell.seeds.baselines import BASELINES

    order, _ = lazy_greedy(graph, p, resolved, k)
    forced = resolved.forced
    # About two passes of swaps: on GitHub (k = 3%) more passes cost seconds
    # for a few people (33,220 -> 33,228 after 3,393 swaps tried).
    swaps = 2 * k + 100
    best, _ = improve(graph, p, resolved, np.concatenate([forced, order]), None, swaps)
    best_value, method = reach(graph, p, np.concatenate([forced, best])), "exact lazy greedy"
    for name, fn in BASELINES.items():
        other = fn(graph, len(best), p=p, seed=0, constraints=_as_constraints(resolved))
        value = reach(graph, p, other)
        if value > best_value + TOL:
            swapped, _ = improve(graph, p, resolved, other, None, swaps)
            best = swapped
            best_value = reach(graph, p, np.concatenate([forced, best]))
            method = f"{name}, improved by swaps"
    return best, method


def _as_constraints(resolved: Resolved) -> Constraints:
    return Constraints(
        consented=np.nonzero(resolved.candidate)[0],
        must_include=resolved.forced,
        cost=resolved.cost if resolved.costed else None,
        budget=resolved.budget if resolved.costed else None,
    )


def choose_for_target(
    graph: Graph,
    p: float,
    resolved: Resolved,
    target: float,
    limit: int,
    bound_seconds: float = MILP_SECONDS,
    lp_seconds: float = LP_SECONDS,
) -> dict[str, Any]:
    """Fewest people whose exact reach is at least ``target`` of everyone, with its bound.

    Returns the seeds (already active first), the exact curve along them,
    whether the target is reached, greedy's own count, the swaps made and the
    lower bound.
    """
    n = graph.n
    need = target * n
    forced = resolved.forced
    order, after = lazy_greedy(graph, p, resolved, limit, need - TOL, by_ratio=resolved.costed)
    reached = bool(after[-1] >= need - TOL)
    greedy_count = forced.size + order.size
    swaps, bound, optimal = 0, None, False
    if reached:
        order, swaps = improve(graph, p, resolved, np.concatenate([forced, order]), need)
        bound, exact_set = lower_bound(
            graph, p, resolved, need, seconds=bound_seconds, lp_seconds=lp_seconds,
            upper=float(forced.size + order.size),
        )  # fmt: skip
        if (
            exact_set is not None
            and exact_set.size < forced.size + order.size
            and allowed(resolved, exact_set)  # the program knows no cost budget
            and reach(graph, p, exact_set) >= need - TOL  # counted again, never trusted
        ):
            order = order_greedily(graph, p, resolved, _mask(n, exact_set))
        used = forced.size + order.size
        # A proven bound equal to the count makes this choice one of the fewest.
        optimal = bool(bound is not None and bound.people >= used)
    seeds = np.concatenate([forced, order]).astype(np.int32)
    curve = prefix_reach(graph, p, seeds) / n
    if not reached:
        # Keep only the seeds that still add something (reach saturates).
        best = curve[-1]
        size = forced.size + int(np.nonzero(curve[forced.size :] >= best - TOL / n)[0][0])
        seeds = seeds[:size]
        curve = curve[: size + 1]
    return {
        "seeds": seeds,
        "curve": curve,
        "reached": reached,
        "greedy_count": int(greedy_count),
        "swaps": swaps,
        "bound": bound,
        "optimal": optimal,
    }
