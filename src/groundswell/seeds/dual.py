"""A proven lower bound on the people a target needs, in a fixed time: the LP's Lagrangian dual.

The LP relaxation of partial set cover (:func:`groundswell.seeds.exact.lower_bound`)
is

    minimise sum_u x_u  subject to  y_v <= x_v + p sum_{u -> v} x_u,  sum_v y_v >= T,
    0 <= x, y <= 1,  x_u = 0 for people who may not be asked, x_u = 1 for the already active.

Any seed set reaching ``T`` people (in expectation) is a feasible point, since
``1 - (1 - p)^c <= c p``. Weak Lagrangian duality (Fisher, "The Lagrangian
relaxation method for solving integer programming problems", Management
Science 27(1), 1981) then bounds every choice from below: for any
multipliers ``lam >= 0`` on the target row and ``z >= 0`` on the cover rows,

    L(lam, z) = lam T + sum_v min(0, z_v - lam) + sum_u min(0, 1 - z_u - p sum_{u -> v} z_v)

(the last sum over people who may be asked; the already active add their
term whatever its sign) is at most the LP optimum, hence at most the fewest
people any choice needs. HiGHS may need seconds on a large network; this
needs a few sparse products per step, so a page can always have a bound.

We start from the dual of the harmonic pricing that underlies greedy's own
analysis (Chvatal, "A greedy heuristic for the set-covering problem", Math.
Oper. Res. 4(3), 1979): each person ``v`` priced at ``1 / w_u`` for the
heaviest-weighted ``u`` that can reach them, ``w_u = 1 + p outdeg(u)``, which
leaves no one's term negative, with the best ``lam`` over those prices; then
projected subgradient ascent with Polyak's step towards the greedy count
(Held, Wolfe & Crowder, Math. Programming 6, 1974) while time remains,
keeping the best value seen. Every value kept is a valid bound.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp

from groundswell.kernels import seeds_dual as k
from groundswell.network.graph import Graph
from groundswell.seeds.constraints import Resolved

STEPS = 100  # subgradient steps: a fixed count, so the same question gets the same bound
PATIENCE = 10  # steps without a better bound before the step is halved
SLACK = 1e-6  # taken off (relatively) before rounding up, for floating-point sums


def lagrangian_bound(
    graph: Graph,
    p: float,
    resolved: Resolved,
    target_value: float,
    upper: float,
    seconds: float = 0.5,
) -> int:
    """Fewest people (already active included) any choice reaching ``target_value`` needs.

    ``upper`` is a known count that reaches the target (e.g. greedy's): it
    only steers the step size. Returns a proven bound in at most about
    ``seconds``; 0 when nothing better than zero was proven.

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> from groundswell.seeds.constraints import Constraints
    >>> star, _ = from_arrays([0, 0, 0, 4, 4, 4], [1, 2, 3, 5, 6, 7])
    >>> lagrangian_bound(star, 1.0, Constraints().resolve(star.n), 8.0, upper=2.0)
    2
    """
    start = time.perf_counter()
    n = graph.n
    out = sp.csr_matrix(
        (np.ones(graph.indices.size), graph.indices, graph.indptr), shape=(n, n)
    )  # fmt: skip
    into = out.T.tocsr()
    askable = resolved.candidate.copy()
    forced = np.zeros(n, dtype=np.bool_)
    forced[resolved.forced] = True
    either = (askable | forced).astype(np.float64)

    def value(lam: float, z: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        coef = 1.0 - z - p * (out @ z)  # each person's term per unit of x_u
        x = (forced | (askable & (coef < 0.0))).astype(np.float64)
        y = (z < lam).astype(np.float64)
        total = lam * target_value + float(np.minimum(0.0, z - lam).sum())
        total += float(np.minimum(0.0, coef[askable]).sum()) + float(coef[forced].sum())
        return total, x, y

    # Harmonic prices: v costs 1 / w_u for the heaviest u that may reach v (itself
    # or an in-neighbour who may be asked), so z_u + p sum z_v <= w_u / w_u = 1.
    # Nobody may reach v: no price limit (z_v = lam, adding nothing).
    weight = 1.0 + p * np.diff(graph.indptr).astype(np.float64)
    inv = np.where(either > 0, 1.0 / weight, np.inf)
    price = inv.copy()
    if into.nnz:
        rows = np.repeat(np.arange(n), np.diff(into.indptr))
        np.minimum.at(price, rows, inv[into.indices])
    # Then raise each price as far as the sets allow (a maximal dual), the
    # dearest first, for a few caps lam around where the harmonic bound peaks.
    order = np.lexsort((np.arange(n), -price)).astype(np.int64)
    payer = askable | forced
    best, best_lam, best_z = 0.0, 0.0, np.zeros(n)
    for lam in _candidate_lams(price, target_value):
        for z in (
            np.minimum(price, lam),
            k.raise_prices(into.indptr, into.indices, p, payer, order, lam),
        ):
            got = value(lam, z)[0]
            if got > best:
                best, best_lam, best_z = got, lam, z
    lam, z = best_lam, best_z.copy()
    mu, since = 2.0, 0  # Held, Wolfe & Crowder's step scale, halved when stuck
    for _ in range(STEPS):
        if time.perf_counter() - start > seconds or best >= upper - 0.5 or mu < 1e-4:
            break
        got, x, y = value(lam, z)
        if got > best + 1e-9:
            best, since = got, 0
        else:
            since += 1
            if since >= PATIENCE:
                mu, since = mu / 2, 0
        g_z = y - x - p * (into @ x)
        g_lam = target_value - float(y.sum())
        norm = float(g_z @ g_z) + g_lam * g_lam
        if norm <= 0.0:
            break
        step = mu * max(upper - got, 1e-3) / norm
        z = np.maximum(0.0, z + step * g_z)
        lam = max(0.0, lam + step * g_lam)
    best = max(best, value(lam, z)[0])
    return max(0, math.ceil(best - SLACK * max(1.0, abs(best))))


def _candidate_lams(price: np.ndarray, target_value: float) -> np.ndarray:
    """Where ``lam T - sum_v max(0, lam - price_v)`` may peak: at the prices themselves.

    It is concave in ``lam`` with slope ``T - #{v: price_v < lam}``, so the best
    is the ``ceil(T)``-th lowest price; a few others are tried for the forced terms.
    """
    ranked = np.sort(price[np.isfinite(price)])
    if ranked.size == 0:
        return np.zeros(1)
    at = min(ranked.size - 1, max(0, math.ceil(target_value) - 1))
    picks = sorted({max(0, at - 1), at, min(ranked.size - 1, at + 1)})
    return np.unique(np.concatenate([ranked[picks], ranked[:: max(1, ranked.size // 32)]]))
