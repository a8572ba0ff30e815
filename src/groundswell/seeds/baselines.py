"""Simple seed choices to compare against: what does the algorithm buy?

Each takes the graph, ``k`` and optional constraints, and returns node ids
(already-active people first). They obey the same constraints as the choice
(consent, exclusions, the already active, the cost budget), so a comparison
at the same count is fair. Influence flows along out-edges, so degree
means out-degree (ties both ways in an undirected graph).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from groundswell.network.graph import Graph
from groundswell.rng import Seed, generator
from groundswell.seeds.constraints import Constraints, Resolved


def _resolve(graph: Graph, constraints: Constraints | None) -> Resolved:
    return (constraints or Constraints()).resolve(graph.n)


def _top(score: np.ndarray, resolved: Resolved, k: int) -> np.ndarray:
    """The ``k`` best-scoring candidates (ties to the smaller id) after the forced."""
    ids = np.nonzero(resolved.candidate)[0]
    order = _affordable(ids[np.lexsort((ids, -score[ids]))], resolved, k)
    return np.concatenate([resolved.forced, order]).astype(np.int32)


def _affordable(order: np.ndarray, resolved: Resolved, k: int) -> np.ndarray:
    """The first ``k`` of ``order`` the cost budget allows (skipping those it cannot):
    a baseline obeys every constraint the choice obeys."""
    if not resolved.costed:
        return order[:k]
    spent = 0.0
    kept: list[int] = []
    for u in order.tolist():
        if len(kept) == k:
            break
        if spent + resolved.cost[u] <= resolved.budget:
            spent += resolved.cost[u]
            kept.append(u)
    return np.array(kept, dtype=np.int64)


def highest_degree(
    graph: Graph, k: int, *, constraints: Constraints | None = None, **_: object
) -> np.ndarray:
    """The ``k`` people with the most ties out.

    >>> from groundswell.network.build import from_arrays
    >>> graph, _ = from_arrays([0, 0, 0, 4, 4, 5], [1, 2, 3, 5, 6, 6])
    >>> highest_degree(graph, 2).tolist()
    [0, 4]
    """
    return _top(graph.out_degree().astype(np.float64), _resolve(graph, constraints), k)


def degree_discount(
    graph: Graph, k: int, *, p: float = 0.01, constraints: Constraints | None = None, **_: object
) -> np.ndarray:
    """DegreeDiscountIC (Chen, Wang & Yang, KDD 2009, Algorithm 4).

    ``dd_v = d_v - 2 t_v - (d_v - t_v) t_v p`` where ``t_v`` counts chosen
    people with a tie to ``v``: a neighbour of a seed is discounted because
    it is likely reached already.
    """
    resolved = _resolve(graph, constraints)
    d = graph.out_degree().astype(np.float64)
    t = np.zeros(graph.n, dtype=np.float64)
    dd = d.copy()
    open_ = resolved.candidate.copy()
    for u in resolved.forced:
        _discount(graph, int(u), d, t, dd, p)
    chosen: list[int] = []
    left = resolved.budget
    for _step in range(min(k, int(open_.sum()))):
        open_ &= resolved.cost <= left  # only those the budget still allows
        if not open_.any():
            break
        score = np.where(open_, dd, -np.inf)
        u = int(np.argmax(score))
        chosen.append(u)
        open_[u] = False
        left -= resolved.cost[u] if resolved.costed else 0.0
        _discount(graph, u, d, t, dd, p)
    return np.concatenate([resolved.forced, np.array(chosen, dtype=np.int32)]).astype(np.int32)


def _discount(graph: Graph, u: int, d: np.ndarray, t: np.ndarray, dd: np.ndarray, p: float) -> None:
    for v in graph.neighbours(u):
        t[v] += 1
        dd[v] = d[v] - 2 * t[v] - (d[v] - t[v]) * t[v] * p


def pagerank(
    graph: Graph,
    k: int,
    *,
    damping: float = 0.85,
    constraints: Constraints | None = None,
    **_: object,
) -> np.ndarray:
    """Top PageRank of the *reversed* graph: influential people reach influential people.

    Power iteration on the sparse transition matrix (Brin & Page 1998),
    dangling mass spread uniformly, stopped at an L1 change below 1e-10.
    """
    import scipy.sparse as sp

    n = graph.n
    rev = graph.reverse()
    out = np.diff(rev.indptr).astype(np.float64)
    # Row u of rev lists who influences u; rank flows u -> those people.
    a = sp.csr_matrix((np.ones(rev.indices.shape[0]), rev.indices, rev.indptr), shape=(n, n))
    inv = np.divide(1.0, out, out=np.zeros(n), where=out > 0)
    transition = (sp.diags(inv) @ a).T.tocsr()
    x = np.full(n, 1.0 / n)
    for _step in range(200):
        dangling = x[out == 0].sum()
        new = damping * (transition @ x + dangling / n) + (1 - damping) / n
        if np.abs(new - x).sum() < 1e-10:
            x = new
            break
        x = new
    return _top(x, _resolve(graph, constraints), k)


def k_core(
    graph: Graph, k: int, *, constraints: Constraints | None = None, **_: object
) -> np.ndarray:
    """Highest k-core number (Kitsak et al., Nature Physics 2010), ties by degree."""
    import igraph as ig

    src = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    g = ig.Graph(n=graph.n, edges=np.column_stack([src, graph.indices]).tolist(), directed=True)
    core = np.asarray(g.coreness(mode="all"), dtype=np.float64)
    deg = graph.out_degree().astype(np.float64)
    score = core * (deg.max(initial=0) + 1) + deg
    return _top(score, _resolve(graph, constraints), k)


def random_choice(
    graph: Graph, k: int, *, seed: Seed = 0, constraints: Constraints | None = None, **_: object
) -> np.ndarray:
    """``k`` candidates chosen uniformly at random."""
    resolved = _resolve(graph, constraints)
    ids = np.nonzero(resolved.candidate)[0]
    rng = generator(seed)
    if resolved.costed:
        pick = _affordable(rng.permutation(ids), resolved, k)
    else:
        pick = rng.choice(ids, size=min(k, ids.size), replace=False)
    return np.concatenate([resolved.forced, np.sort(pick)]).astype(np.int32)


BASELINES: dict[str, Callable[..., np.ndarray]] = {
    "highest-degree": highest_degree,
    "degree-discount": degree_discount,
    "pagerank": pagerank,
    "k-core": k_core,
    "random": random_choice,
}
