"""Fewest seeds for a target share: "does the 3% rule hold on this network?"

Greedy on RR sets adds people until the estimated reach passes ``target``
(Goyal, Bonchi, Lakshmanan & Venkatasubramanian, SNAM 2013: greedy for
minimum seeds is a bicriteria approximation, Wolsey's submodular set-cover
bound). Two independent collections keep the estimate honest:

* R1 (``theta`` sets) chooses the order of people;
* R2 (``theta`` fresh sets, never seen by the choice) estimates the reach of
  every prefix of that order: the coverage-versus-seed-share curve. The
  answer is the shortest prefix whose R2 estimate reaches the target.

``theta = ceil(ln(2 / (1 - confidence)) / (2 error^2))`` (Hoeffding) makes a
fixed set's estimated share fall within ``error`` of the truth with
probability ``confidence``: 38,005 sets for error 0.01 at 99.9%.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.network.graph import Graph
from groundswell.rng import Seed
from groundswell.seeds import deterministic
from groundswell.seeds.constraints import Constraints, Resolved
from groundswell.seeds.exact import LP_SECONDS, MILP_SECONDS, choose_for_target, exact_p
from groundswell.seeds.greedy import greedy
from groundswell.seeds.result import Selection, share_ci
from groundswell.seeds.sampling import RRSets, independent_prefix_coverage, rr_spec, stream_key

SATURATION_SLACK = 0.005  # "saturates" = within half a point of the best share
MAX_DOUBLINGS = 4  # of the choosing sample when it runs out before the target


def hoeffding_sets(error: float, confidence: float) -> int:
    """RR sets for a +-``error`` share estimate at ``confidence`` (Hoeffding)."""
    return math.ceil(math.log(2 / (1 - confidence)) / (2 * error**2))


def fewest_seeds(
    graph: Graph,
    model: Any,
    target: float = 0.9,
    *,
    seed: Seed = 0,
    constraints: Constraints | None = None,
    error: float = 0.01,
    confidence: float = 0.999,
    max_seeds: int | None = None,
    max_members: int | None = None,
    executor: Any = None,
    bound_seconds: float = MILP_SECONDS,
    lp_seconds: float = LP_SECONDS,
) -> Selection:
    """The fewest seeds whose expected reach is at least ``target`` of everyone.

    If the target cannot be reached (within ``max_seeds``, the consented
    people or the budget), ``reached`` is False and the selection holds the
    seeds at which reach saturates, with the best achievable share noted.

    ``max_members`` bounds the choosing sample's memory (RR set members): when
    R1 is used up before the target and doubling it would pass the bound, the
    search stops and says the answer needs more seeds than it found, rather
    than doubling into gigabytes (large RR sets under supercritical cascades).

    Where the reach is exact, ``bound_seconds`` and ``lp_seconds`` limit the
    integer program and the LP behind the proven lower bound
    (:func:`groundswell.seeds.exact.lower_bound`); past them a quicker,
    weaker bound stands in and ``lower_bound_method`` says so.

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> from groundswell.spread.models import Model
    >>> g, _ = from_arrays([0, 0, 0, 4], [1, 2, 3, 5])
    >>> sel = fewest_seeds(g, Model("direct"), 0.9, seed=1)
    >>> sel.seeds.tolist(), sel.reached
    ([0, 4], True)
    """
    if not 0 < target <= 1:
        raise InvalidInput(f"target must be a share between 0 and 1, got {target}")
    if not 0 < error < 0.5 or not 0 < confidence < 1:
        raise InvalidInput("error must be in (0, 0.5) and confidence in (0, 1)")
    n = graph.n
    if n == 0:
        raise InvalidInput("the graph has no people; load a network with at least one tie")
    start = time.perf_counter()
    resolved = (constraints or Constraints()).resolve(n)
    limit = n if max_seeds is None else int(max_seeds)
    p = exact_p(model)
    exact = deterministic.choose(graph, model, resolved, target=target, limit=limit)
    if exact is not None:
        return exact
    if p is not None:
        return _exact(graph, model, p, resolved, target, limit, start, bound_seconds, lp_seconds)
    spec = rr_spec(graph, model)
    key = stream_key(seed)
    theta = hoeffding_sets(error, confidence)
    r1 = RRSets(spec, key)
    sample = theta
    capped = False
    for _ in range(MAX_DOUBLINGS + 1):
        r1.extend_to(sample, executor)
        cover = greedy(r1, resolved, limit, by_ratio=resolved.costed)
        order = np.concatenate([resolved.forced, cover.order]).astype(np.int32)
        counts = independent_prefix_coverage(spec, key, theta, order, executor)
        curve = counts / theta
        # When R1 is fully covered before R2 reaches the target, the tail of
        # the order only chased R1's sampled roots: sample more and choose again.
        exhausted = cover.covered == r1.count and order.size < limit + resolved.forced.size
        if curve.max() >= target or not exhausted:
            break
        if max_members is not None and 2 * r1.members.size > max_members:
            capped = True
            break
        sample *= 2
    first = int(resolved.forced.size)
    ok = np.nonzero(curve[first:] >= target)[0]
    notes = [
        f"{r1.count} RR sets to choose and {theta} independent ones to estimate: "
        f"each share within +-{error:g} with probability {confidence:g} (Hoeffding)"
    ]
    if ok.size:
        size, reached = first + int(ok[0]), True
    else:
        best = float(curve[first:].max())
        size = first + int(np.nonzero(curve[first:] >= best - SATURATION_SLACK)[0][0])
        reached = False
        if capped:
            notes.append(
                f"the choosing sample stopped at {r1.count} RR sets (max_members): the target "
                f"may need more than the {order.size} seeds ({order.size / n:.1%}) tried"
            )
        notes.append(
            f"target {target:.0%} not reached under this model and these limits: "
            f"best share {best:.1%}, which {size} seeds ({size / n:.1%}) already give"
        )
    seeds = order[:size]
    est, ci = share_ci(int(counts[size]), theta, n)
    return Selection(
        seeds=seeds,
        forced=first,
        method="greedy-rr-target",
        model=_describe(model),
        n=n,
        estimate=est,
        estimate_ci95=ci,
        rr_sets=r1.count + theta,
        seconds=time.perf_counter() - start,
        guarantee="greedy set cover on RR sets (bicriteria, Goyal et al. 2013); no exact optimum",
        notes=notes,
        curve=curve,
        target=target,
        reached=reached,
        order=order,
    )


def _exact(
    graph: Graph,
    model: Any,
    p: float,
    resolved: Resolved,
    target: float,
    limit: int,
    start: float,
    bound_seconds: float,
    lp_seconds: float,
) -> Selection:
    """``fewest_seeds`` where the reach is exact (``seeds.exact``): no sampling at all."""
    n = graph.n
    got = choose_for_target(graph, p, resolved, target, limit, bound_seconds, lp_seconds)
    seeds, curve, bound = got["seeds"], got["curve"], got["bound"]
    value = float(curve[-1]) * n
    notes = [
        f"reach counted exactly (one step, p = {p:g}): greedy alone needed "
        f"{got['greedy_count']} people; dropping redundant ones and swapping "
        f"({got['swaps']} swaps tried) left {seeds.size}"
    ]
    # How the bound was proven is its own field (lower_bound_method), printed once.
    if not got["reached"]:
        notes.append(
            f"target {target:.0%} not reached: the best is {curve[-1]:.1%} "
            f"with {seeds.size} people ({seeds.size / n:.1%})"
        )
    method = "exact-greedy-target" + ("+swaps" if got["swaps"] else "")
    guarantee = (
        "optimal: the proven lower bound equals this count"
        if got["optimal"]
        else "greedy partial set cover on the exact reach, within H(max ties + 1) of the "
        "fewest (Slavik 1997)"
    )
    return Selection(
        seeds=seeds,
        forced=int(resolved.forced.size),
        method=method,
        model=_describe(model),
        n=n,
        estimate=value,
        estimate_ci95=(value, value),
        rr_sets=0,
        seconds=time.perf_counter() - start,
        guarantee=guarantee,
        notes=notes,
        curve=curve,
        target=target,
        reached=got["reached"],
        verified=value,
        lower_bound=None if bound is None else min(bound.people, int(seeds.size)),
        lower_bound_method=None if bound is None else bound.method,
        optimal=got["optimal"],
    )


def _describe(model: Any) -> str:
    describe = getattr(model, "describe", None)
    return describe() if callable(describe) else str(model)


def error_for_budget(
    graph: Graph,
    model: Any,
    member_budget: int,
    confidence: float = 0.999,
    error: float = 0.01,
    *,
    pilot: int = 200,
    seed: Seed = 99,
) -> float:
    """The additive error ``fewest_seeds`` can promise within ``member_budget`` RR set members.

    A pilot of ``pilot`` sets measures their mean size; ``theta`` sets of
    that size must fit the budget, and Hoeffding's ``theta = ln(2 / (1 - c))
    / (2 error^2)`` gives the error: never below ``error``, rounded up to
    0.001. Under supercritical cascades RR sets hold most of the network, so
    a fixed error would cost gigabytes; a stated looser one keeps time bounded.
    """
    sets = RRSets(rr_spec(graph, model), stream_key(seed))
    sets.extend_to(pilot)
    mean = max(sets.members.size / max(sets.count, 1), 1.0)
    theta = max(member_budget / mean, 1.0)
    needed = math.sqrt(math.log(2 / (1 - confidence)) / (2 * theta))
    return min(max(error, math.ceil(needed * 1000) / 1000), 0.499)
