"""Best k seeds: IMM (Tang, Shi & Xiao, SIGMOD 2015) and OPIM-C (Tang et al., SIGMOD 2018).

Both return a seed set whose expected spread is at least (1 - 1/e - epsilon)
times the optimum with probability at least 1 - n^-ell (IMM) or 1 - delta
(OPIM-C; we use delta = n^-ell so the two promise the same). IMM fixes the
number of RR sets up front from a lower bound on OPT; OPIM-C doubles two
independent collections until its measured ratio meets the target, which
usually needs far fewer sets (see ``benchmarks/seeds.py``). Two costs are
cut without touching its bounds: R2 is only counted, so its sets stop at
their first seed (hit-and-stop); and on high-influence graphs R1's sets stop
at a few "sentinel" seeds fixed first (HIST; see ``_sentinels``).

IMM follows Chen (CSoNet 2018, arXiv 1808.09363): the final selection uses
RR sets generated afresh after the sampling phase, because reusing the
phase's sets breaks the martingale argument of IMM's Theorem 1.
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
from groundswell.seeds.exact import choose_best_k, exact_p, reach
from groundswell.seeds.greedy import Cover, greedy
from groundswell.seeds.result import Selection, share_ci
from groundswell.seeds.sampling import (
    VALIDATION_BASE,
    RRSets,
    RRSpec,
    hit_count,
    independent_prefix_coverage,
    rr_spec,
    stream_key,
)

APPROX = 1 - 1 / math.e
FINAL_BASE = 1 << 38  # index range of IMM's fresh final sets
R2_BASE = VALIDATION_BASE // 2  # index range of OPIM-C's R2, disjoint from R1
CHECK_SETS = 20_000  # validation sets for the reported estimate
# OPIM-C keeps doubling below n sets and this many stored members (sets cut
# at sentinels are short, so this tracks cost). 2M, not 10M: on ego-Facebook
# (k = 3%, IC p = 0.05) with full sets it halved the sets at the same Monte
# Carlo spread (2,380.6 vs 2,380.8 +- 2.4); with no floor the spread drops to 2,364.
MIN_MEMBERS = 2_000_000
# A first-round greedy pick becomes an OPIM-C sentinel (see ``_sentinels``)
# when it alone covers this share of the sets: a hub that robustly tops them.
SENTINEL_SHARE = 0.05


def log_comb(n: int, k: int) -> float:
    """ln C(n, k)."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def imm_lambda_prime(n: int, k: int, eps_p: float, ell: float) -> float:
    """IMM Eq. (9): lambda' = (2 + 2/3 eps') (ln C(n,k) + ell ln n + ln log2 n) n / eps'^2."""
    return (
        (2 + 2 / 3 * eps_p)
        * (log_comb(n, k) + ell * math.log(n) + math.log(max(math.log2(n), 1.0)))
        * n
        / eps_p**2
    )


def imm_lambda_star(n: int, k: int, eps: float, ell: float) -> float:
    """IMM Eq. (6): lambda* = 2n ((1 - 1/e) alpha + beta)^2 / eps^2 with
    alpha = sqrt(ell ln n + ln 2), beta = sqrt((1 - 1/e)(ln C(n,k) + ell ln n + ln 2))."""
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt(APPROX * (log_comb(n, k) + ell * math.log(n) + math.log(2)))
    return 2 * n * (APPROX * alpha + beta) ** 2 / eps**2


def best_k(
    graph: Graph,
    model: Any,
    k: int,
    *,
    method: str = "opim-c",
    epsilon: float = 0.1,
    ell: float = 1.0,
    seed: Seed = 0,
    constraints: Constraints | None = None,
    executor: Any = None,
    check_sets: int = CHECK_SETS,
) -> Selection:
    """The best ``k`` new seeds (or the best within ``constraints.budget``).

    Parameters
    ----------
    graph, model : the network and a ``groundswell.spread.Model`` (ic, wc, lt, direct).
    k : new seeds to choose (already-active people come on top).
    method : ``"opim-c"`` (default: same guarantee, fewer RR sets) or ``"imm"``.
    epsilon, ell : approximation slack and failure exponent (probability n^-ell).
    seed : randomness; the same seed gives the same seeds with or without ``executor``.
    executor : a ``groundswell.compute`` executor (``None``: in-process threads).

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> from groundswell.spread.models import Model
    >>> g, _ = from_arrays([0, 0, 0, 4], [1, 2, 3, 5])
    >>> best_k(g, Model("direct"), 1, seed=1).seeds.tolist()
    [0]
    """
    n = graph.n
    if n == 0:
        raise InvalidInput("the graph has no people; load a network with at least one tie")
    if k < 0:
        raise InvalidInput(f"k must be zero or more, got {k}")
    if not 0 < epsilon < APPROX:
        raise InvalidInput(f"epsilon must be between 0 and {APPROX:.3f}, got {epsilon}")
    start = time.perf_counter()
    resolved = (constraints or Constraints()).resolve(n)
    p = exact_p(model)
    if p is not None:
        return _exact(graph, model, p, resolved, k, start)
    exact = deterministic.choose(graph, model, resolved, k=k)
    if exact is not None:
        return exact
    spec = rr_spec(graph, model)
    key = stream_key(seed)
    k_eff = max(1, resolved.max_affordable(k))
    if method == "imm":
        validation, cover, rr_used, ratio = _imm(
            spec, key, resolved, k, k_eff, epsilon, ell, executor
        )
    elif method == "opim-c":
        validation, cover, rr_used, ratio = _opimc(
            spec, key, resolved, k, k_eff, epsilon, ell, executor
        )
    else:
        raise InvalidInput(f"method must be 'imm' or 'opim-c', got {method!r}")
    seeds = np.concatenate([resolved.forced, cover.order]).astype(np.int32)
    if validation is None:
        # IMM chose on its final sets: estimate on fresh ones.
        validation = (
            int(independent_prefix_coverage(spec, key, check_sets, seeds, executor)[-1]),
            check_sets,
        )
    est, ci = share_ci(validation[0], validation[1], n)
    factor = "(1 - 1/e - eps)" if not resolved.costed else "((1 - 1/e) / 2 - eps)"
    guarantee = f"reach >= {factor} x optimum with probability >= 1 - n^-{ell:g}"
    notes = [f"{rr_used} RR sets; epsilon={epsilon:g}"]
    if ratio is not None:
        notes.append(f"measured approximation bound {ratio:.3f}")
    return Selection(
        seeds=seeds,
        forced=int(resolved.forced.size),
        method=method,
        model=_describe(model),
        n=n,
        estimate=est,
        estimate_ci95=ci,
        rr_sets=rr_used,
        seconds=time.perf_counter() - start,
        guarantee=guarantee,
        notes=notes,
    )


# What _imm and _opimc return: the validation (covered, sets) when the choice was
# checked on independent sets, the greedy cover, RR sets used, the measured ratio.
Outcome = tuple[tuple[int, int] | None, Cover, int, float | None]


def _imm(
    spec: RRSpec,
    key: np.uint64,
    resolved: Resolved,
    k: int,
    k_eff: int,
    eps: float,
    ell: float,
    executor: Any,
) -> Outcome:
    """IMM Algorithms 2 (Sampling) and 3 (NodeSelection), with Chen's fresh final sets."""
    n = spec.n
    ell = ell * (1 + math.log(2) / math.log(max(n, 2)))  # Sec. 3.2: overall 1 - n^-ell
    eps_p = math.sqrt(2) * eps
    lam_p = imm_lambda_prime(n, k_eff, eps_p, ell)
    sets = RRSets(spec, key)
    lb = 1.0
    for i in range(1, max(2, math.ceil(math.log2(n)))):
        x = n / 2**i
        sets.extend_to(math.ceil(lam_p / x), executor)  # theta_i = lambda' / x
        cover = greedy(sets, resolved, k)
        if n * cover.covered / sets.count >= (1 + eps_p) * x:
            lb = n * cover.covered / sets.count / (1 + eps_p)  # Alg. 2, line 10
            break
    theta = math.ceil(imm_lambda_star(n, k_eff, eps, ell) / lb)  # Alg. 2, line 12
    final = RRSets(spec, key, base=FINAL_BASE)
    final.extend_to(theta, executor)
    return None, greedy(final, resolved, k), theta, None


def _opimc(
    spec: RRSpec,
    key: np.uint64,
    resolved: Resolved,
    k: int,
    k_eff: int,
    eps: float,
    ell: float,
    executor: Any,
) -> Outcome:
    """OPIM-C (Tang, Tang, Xiao & Yuan, SIGMOD 2018, Algorithm 2) with minBound."""
    n = spec.n
    delta = 1.0 / n**ell
    alpha = math.sqrt(math.log(6 / delta))
    beta = math.sqrt(APPROX * (log_comb(n, k_eff) + math.log(6 / delta)))
    theta0 = 2 * (APPROX * alpha + beta) ** 2  # theta_max * eps^2 k / n
    theta_max = theta0 * n / (k_eff * eps**2)
    i_max = int(math.log2(max(theta_max / theta0, 1.0))) + 1
    a = math.log(3 * i_max / delta)  # a1 = a2
    r1 = RRSets(spec, key)
    theta = math.ceil(theta0)
    bound_k = 0 if resolved.costed else k_eff
    target = APPROX - eps if not resolved.costed else APPROX / 2 - eps
    sentinels: np.ndarray | None = None
    i = 0
    while True:
        if i == i_max - 1 and r1.stop.size:
            # The last resort rests on plain greedy over full sets (OPIM-C's
            # theta_max argument): drop the sentinels and sample afresh.
            r1 = RRSets(spec, key)
            sentinels = np.zeros(0, dtype=np.int32)
        r1.extend_to(theta, executor)
        if sentinels is None:
            sentinels = _sentinels(r1, resolved, k, k_eff) if i < i_max - 1 else sentinels
            if sentinels is not None and sentinels.size:
                r1.stop = np.zeros(n, dtype=np.bool_)
                r1.stop[sentinels] = True
        # We keep doubling while R1 is small (fewer than n sets and
        # MIN_MEMBERS members): a larger sample costs little there and buys a
        # better seed set. No check can stop the loop then, so skip the checks
        # and jump along the schedule to where R1 should stop being small, by
        # the mean set size so far. Skipping checks keeps the guarantee: the
        # union bound covers any subset of the i_max checks.
        if i < i_max - 1 and r1.count < n and r1.members.size < MIN_MEMBERS:
            mean = max(r1.members.size / r1.count, 1.0)
            while i < i_max - 1 and theta < n and theta * mean < MIN_MEMBERS:
                theta *= 2
                i += 1
            continue
        cover = greedy(r1, resolved, k, bound_k=bound_k, first=sentinels)
        seeds = np.concatenate([resolved.forced, cover.order])
        # R2 is only ever counted against the current seeds, so its sets are
        # searched until their first seed and never stored (hit-and-stop).
        lam2 = hit_count(spec, key, R2_BASE, theta, seeds, executor)
        # Eq. (8)-(9) in coverage units: lower bound on sigma(S*) from R2 and
        # upper bound on sigma(OPT) from R1's greedy bound.
        lower = (math.sqrt(lam2 + 2 * a / 9) - math.sqrt(a / 2)) ** 2 - a / 18
        # (the kernel's bound already counts sets the already-active cover)
        up_cov = cover.upper if bound_k else cover.covered / APPROX
        upper = (math.sqrt(up_cov + a / 2) + math.sqrt(a / 2)) ** 2
        ratio = lower / upper if upper > 0 else 1.0
        if ratio >= target or i == i_max - 1 or cover.covered == r1.count:
            # R2 never influenced the choice: its coverage is an unbiased estimate.
            return (lam2, theta), cover, r1.count + theta, ratio
        theta *= 2
        i += 1
    raise AssertionError("unreachable")


def _sentinels(r1: RRSets, resolved: Resolved, k: int, k_eff: int) -> np.ndarray:
    """Sentinels: the leading greedy picks on R1's first round that each cover
    at least ``SENTINEL_SHARE`` of it, at most k / 4 of them.

    HIST (Guo, Yang, Xiao & Wen, SIGMOD 2020, Sec. 5): once a few sentinels
    are fixed as the first seeds, every later R1 set can stop at its first
    sentinel, because a set holding one is covered by every seed set
    containing them. Greedy then starts from the sentinels (``first``), and
    the minBound taken after them is still an upper bound on the coverage of
    the best k over the full sets: a truncated set is covered either way, and
    the sets left uncovered are whole, so covered(S_i) and every marginal gain
    given S_i are the same over truncated and full sets. R2 is never
    truncated, so the lower bound is untouched; on high-influence graphs
    (one hub reaching half the RR sets) this cuts R1's members several-fold.
    Costed budgets keep plain greedy (its (1 - 1/e) / 2 argument needs it).
    """
    if resolved.costed or k_eff < 4:
        return np.zeros(0, dtype=np.int32)
    cover = greedy(r1, resolved, k)
    gains = np.diff(np.concatenate([[cover.forced_covered], cover.covered_after]))
    lead = gains >= SENTINEL_SHARE * r1.count
    b = int(np.argmin(lead)) if not lead.all() else int(lead.size)
    return cover.order[: min(b, k_eff // 4)].astype(np.int32)


def _exact(
    graph: Graph, model: Any, p: float, resolved: Resolved, k: int, start: float
) -> Selection:
    """``best_k`` where the reach is exact (``seeds.exact``): CELF, swaps, baselines."""
    order, how = choose_best_k(graph, p, resolved, k)
    seeds = np.concatenate([resolved.forced, order]).astype(np.int32)
    value = reach(graph, p, seeds)
    factor = "(1 - 1/e)" if not resolved.costed else "(1 - 1/e) / 2"
    return Selection(
        seeds=seeds,
        forced=int(resolved.forced.size),
        method="exact-greedy",
        model=_describe(model),
        n=graph.n,
        estimate=value,
        estimate_ci95=(value, value),
        rr_sets=0,
        seconds=time.perf_counter() - start,
        guarantee=f"reach >= {factor} x optimum (Nemhauser, Wolsey & Fisher 1978), counted exactly",
        notes=[f"reach counted exactly (one step, p = {p:g}); chosen by {how}"],
        verified=value,
    )


def _describe(model: Any) -> str:
    describe = getattr(model, "describe", None)
    return describe() if callable(describe) else str(model)
