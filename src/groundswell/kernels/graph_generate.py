"""numba kernel for synthetic graphs: preferential attachment by endpoint sampling.

Called by ``network.generate.barabasi_albert_edges``, which checks the
arguments and builds the ``Graph``.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def barabasi_albert_ties(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Ties ``(src, dst)`` of a Barabási–Albert graph on ``n`` nodes, ``m`` per new node.

    Batagelj & Brandes (Phys. Rev. E 71, 036113, 2005), algorithm "BA": each
    new node draws ``m`` distinct targets uniformly from the list of every
    tie's two endpoints, which is drawing proportional to degree. Reference:
    ``networkx.barabasi_albert_graph`` (the same process; tests compare degree
    distributions).
    """
    ties = m * (n - m)
    src = np.empty(ties, dtype=np.int32)
    dst = np.empty(ties, dtype=np.int32)
    ends = np.empty(2 * ties, dtype=np.int32)  # every tie's two endpoints: degree-weighted pool
    for i in range(m):  # the star: 0 joined to 1..m
        src[i] = i + 1
        dst[i] = 0
        ends[2 * i] = 0
        ends[2 * i + 1] = i + 1
    k = m
    fill = 2 * m
    chosen = np.empty(m, dtype=np.int32)
    for v in range(m + 1, n):
        got = 0
        while got < m:
            t = ends[int(rng.random() * fill)]
            fresh = True
            for j in range(got):
                if chosen[j] == t:
                    fresh = False
                    break
            if fresh:
                chosen[got] = t
                got += 1
        for j in range(m):
            src[k] = v
            dst[k] = chosen[j]
            k += 1
            ends[fill] = chosen[j]
            ends[fill + 1] = v
            fill += 2
    return src, dst
