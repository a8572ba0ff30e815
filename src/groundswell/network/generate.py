"""Synthetic graphs for tests and benchmarks: Barabási–Albert and Erdős–Rényi.

Both return an undirected ``Graph`` with integer labels ``0..n-1`` and take a
``seed`` (see ``groundswell.rng``), so a benchmark graph is reproducible.
"""

from __future__ import annotations

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.kernels.graph_generate import barabasi_albert_ties
from groundswell.network.build import from_arrays
from groundswell.network.graph import Graph
from groundswell.rng import Seed, generator

_DENSE_PAIRS = 4_000_000  # up to this many possible pairs, sample them exactly


def barabasi_albert(n: int, m: int, seed: Seed = None) -> Graph:
    """Preferential-attachment graph with ``m (n - m)`` ties.

    The same process as ``networkx.barabasi_albert_graph``: start from a star
    on ``m + 1`` nodes; each new node joins ``m`` distinct existing nodes drawn
    with probability proportional to degree (Barabási & Albert, Science 286,
    1999), by uniform draws from the list of edge endpoints (Batagelj &
    Brandes, Phys. Rev. E 71, 036113, 2005). One million nodes with ``m = 10``
    take a few seconds.

    Examples
    --------
    >>> g = barabasi_albert(100, 3, seed=1)
    >>> g.n, g.m
    (100, 291)
    """
    src, dst = barabasi_albert_edges(n, m, seed)
    return from_arrays(src, dst, n=n, deduplicate=False)[0]


def barabasi_albert_edges(n: int, m: int, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The ties of ``barabasi_albert(n, m, seed)`` as ``(src, dst)`` int32 arrays (new -> old)."""
    if not (isinstance(m, int | np.integer) and isinstance(n, int | np.integer)) or not 1 <= m < n:
        raise InvalidInput(
            f"need integers 1 <= m < n for a Barabási–Albert graph, got n={n}, m={m}"
        )
    if n >= 2**31:
        raise InvalidInput(f"n={n} is more nodes than a Graph holds (2**31 - 1)")
    src, dst = barabasi_albert_ties(int(n), int(m), generator(seed))
    return src, dst


def erdos_renyi(n: int, p_or_m: float | int, seed: Seed = None, *, directed: bool = False) -> Graph:
    """Uniform random graph: G(n, p) for a float ``p``, G(n, M) for an int ``M``.

    G(n, p) draws ``M ~ Binomial(N, p)`` over the ``N`` possible ties and then
    a uniform M-subset, which is the same distribution (Erdős & Rényi 1959;
    Gilbert 1959) and costs O(M) instead of O(n²).

    Examples
    --------
    >>> erdos_renyi(50, 100, seed=3).m
    100
    """
    if not isinstance(n, int | np.integer) or n < 0:
        raise InvalidInput(f"n must be a non-negative integer, got {n!r}")
    pairs = n * (n - 1) if directed else n * (n - 1) // 2
    rng = generator(seed)
    if isinstance(p_or_m, float | np.floating):
        if not 0.0 <= p_or_m <= 1.0:
            raise InvalidInput(f"p must lie between 0 and 1, got {p_or_m}")
        ties = int(rng.binomial(pairs, p_or_m)) if pairs else 0
    elif isinstance(p_or_m, int | np.integer) and not isinstance(p_or_m, bool):
        ties = int(p_or_m)
        if not 0 <= ties <= pairs:
            raise InvalidInput(f"m must lie between 0 and {pairs} for n={n}, got {ties}")
    else:
        raise InvalidInput(f"give p as a float or m as an int, got {p_or_m!r}")
    keys = _distinct_pairs(n, ties, pairs, directed, rng)
    src, dst = keys // n, keys % n
    return from_arrays(src, dst, n=n, directed=directed, deduplicate=False)[0]


def _distinct_pairs(
    n: int, ties: int, pairs: int, directed: bool, rng: np.random.Generator
) -> np.ndarray:
    """``ties`` distinct keys ``i * n + j`` (i < j unless directed), uniformly at random."""
    if pairs <= _DENSE_PAIRS:
        i, j = np.nonzero(~np.eye(n, dtype=bool)) if directed else np.triu_indices(n, 1)
        every = i.astype(np.int64) * n + j
        keys: np.ndarray = rng.choice(every, size=ties, replace=False)
        return keys
    got = np.empty(0, dtype=np.int64)
    while got.size < ties:
        # Uniform ordered pairs, keep the valid ones, merge; oversample a little.
        draw = int((ties - got.size) * 1.1) + 16
        i = rng.integers(0, n, size=draw, dtype=np.int64)
        j = rng.integers(0, n, size=draw, dtype=np.int64)
        ok = i != j if directed else i < j
        got = np.unique(np.concatenate([got, i[ok] * n + j[ok]]))
    # A uniform ``ties``-subset of a uniform random set of distinct pairs.
    if got.size > ties:
        got = rng.choice(got, size=ties, replace=False)
    return got
