"""numba kernels for role evidence: CSR arrays in, arrays out.

Each has a slow reference in the tests (networkx or plain Python). Parallel
kernels split the work into one chunk per thread, each with its own scratch
arrays, so results do not depend on the number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def reach2(indptr, indices, chunks):
    """Distinct people within two steps of each node (not counting itself)."""
    n = indptr.shape[0] - 1
    out = np.zeros(n, dtype=np.int64)
    step = (n + chunks - 1) // chunks
    for c in prange(chunks):
        mark = np.full(n, -1, dtype=np.int64)
        for u in range(c * step, min(n, (c + 1) * step)):
            mark[u] = u
            count = 0
            for a in range(indptr[u], indptr[u + 1]):
                v = indices[a]
                if mark[v] != u:
                    mark[v] = u
                    count += 1
                for b in range(indptr[v], indptr[v + 1]):
                    w = indices[b]
                    if mark[w] != u:
                        mark[w] = u
                        count += 1
            out[u] = count
    return out


@njit(cache=True)
def participation(indptr, indices, community, n_communities):
    """Participation coefficient and number of distinct neighbour communities.

    P_i = 1 - sum_s (k_is / k_i)^2 (Guimerà & Amaral, Nature 433, 895-900,
    2005, eq. 2), k_is the ties of i into community s; 0 for isolated nodes.
    """
    n = indptr.shape[0] - 1
    pc = np.zeros(n)
    reached = np.zeros(n, dtype=np.int32)
    counts = np.zeros(n_communities, dtype=np.int64)
    touched = np.empty(n_communities, dtype=np.int64)
    for u in range(n):
        k = indptr[u + 1] - indptr[u]
        if k == 0:
            continue
        t = 0
        for a in range(indptr[u], indptr[u + 1]):
            s = community[indices[a]]
            if counts[s] == 0:
                touched[t] = s
                t += 1
            counts[s] += 1
        total = 0.0
        for j in range(t):
            f = counts[touched[j]] / k
            total += f * f
            counts[touched[j]] = 0
        pc[u] = 1.0 - total
        reached[u] = t
    return pc, reached


@njit(cache=True, parallel=True, nogil=True)
def brandes_sources(indptr, indices, sources, chunks):
    """Sum of Brandes dependencies delta_s(v) over ``sources`` (unweighted BFS).

    Brandes, J. Math. Sociol. 25(2), 163-177, 2001, Algorithm 1; summing over
    a uniform sample of sources and scaling by n / k is Brandes & Pich,
    Int. J. Bifurcation and Chaos 17(7), 2303-2318, 2007.
    """
    n = indptr.shape[0] - 1
    k = sources.shape[0]
    acc = np.zeros((chunks, n))
    step = (k + chunks - 1) // chunks
    for c in prange(chunks):
        dist = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n)
        delta = np.zeros(n)
        order = np.empty(n, dtype=np.int64)
        for j in range(c * step, min(k, (c + 1) * step)):
            s = sources[j]
            dist[s] = 0
            sigma[s] = 1.0
            order[0] = s
            head, tail = 0, 1
            while head < tail:  # BFS; ``order`` doubles as queue and visit stack
                v = order[head]
                head += 1
                for a in range(indptr[v], indptr[v + 1]):
                    w = indices[a]
                    if dist[w] < 0:
                        dist[w] = dist[v] + 1
                        order[tail] = w
                        tail += 1
                    if dist[w] == dist[v] + 1:
                        sigma[w] += sigma[v]
            for i in range(tail - 1, -1, -1):  # dependencies, farthest first
                w = order[i]
                for a in range(indptr[w], indptr[w + 1]):
                    v = indices[a]
                    if dist[v] == dist[w] - 1:
                        delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w])
                if w != s:
                    acc[c, w] += delta[w]
            for i in range(tail):
                w = order[i]
                dist[w] = -1
                sigma[w] = 0.0
                delta[w] = 0.0
    return acc.sum(axis=0)


@njit(cache=True)
def tree_depth(parent):
    """Depth of each node in a forest given by ``parent`` (-1 root); a cycle is cut."""
    n = parent.shape[0]
    depth = np.full(n, -1, dtype=np.int64)
    path = np.empty(n, dtype=np.int64)
    for u in range(n):
        if depth[u] >= 0:
            continue
        length = 0
        v = u
        while v >= 0 and depth[v] < 0 and length < n:
            depth[v] = -2  # on the current path: meeting it again means a cycle
            path[length] = v
            length += 1
            v = parent[v]
        base = depth[v] if v >= 0 and depth[v] >= 0 else -1
        for i in range(length - 1, -1, -1):
            base += 1
            depth[path[i]] = base
    return depth


@njit(cache=True)
def subtree_sizes(parent, depth):
    """People below each node in the forest (recruits, their recruits, ...)."""
    n = parent.shape[0]
    below = np.zeros(n, dtype=np.int64)
    order = np.argsort(-depth)
    for i in range(n):
        u = order[i]
        p = parent[u]
        if p >= 0 and depth[p] < depth[u]:
            below[p] += below[u] + 1
    return below


@njit(cache=True)
def within_two(indptr, indices, active):
    """Which nodes are active or one or two steps from an active node (a boolean mask)."""
    n = indptr.shape[0] - 1
    dist = np.full(n, 3, dtype=np.int8)
    frontier = np.empty(n, dtype=np.int64)
    t = 0
    for u in range(n):
        if active[u]:
            dist[u] = 0
            frontier[t] = u
            t += 1
    lo, hi = 0, t
    for level in (1, 2):  # expand the nodes found at the previous level
        nxt = hi
        for i in range(lo, hi):
            v = frontier[i]
            for a in range(indptr[v], indptr[v + 1]):
                w = indices[a]
                if dist[w] > level:
                    dist[w] = level
                    frontier[nxt] = w
                    nxt += 1
        lo, hi = hi, nxt
    return dist <= 2


@njit(cache=True)
def leader_attendee_pairs(lead_action, lead_person, att_action, att_person):
    """(leader, attendee) pairs joined on the action; ``lead_action`` sorted."""
    count = 0
    for i in range(att_action.shape[0]):
        lo = np.searchsorted(lead_action, att_action[i], side="left")
        hi = np.searchsorted(lead_action, att_action[i], side="right")
        for j in range(lo, hi):
            if lead_person[j] != att_person[i]:
                count += 1
    leaders = np.empty(count, dtype=np.int64)
    people = np.empty(count, dtype=np.int64)
    count = 0
    for i in range(att_action.shape[0]):
        lo = np.searchsorted(lead_action, att_action[i], side="left")
        hi = np.searchsorted(lead_action, att_action[i], side="right")
        for j in range(lo, hi):
            if lead_person[j] != att_person[i]:
                leaders[count] = lead_person[j]
                people[count] = att_person[i]
                count += 1
    return leaders, people


@njit(cache=True)
def linked_communities(indptr, indices, community, n_communities, min_ties):
    """Communities other than a node's own that it has at least ``min_ties`` ties into."""
    n = indptr.shape[0] - 1
    out = np.zeros(n, dtype=np.int32)
    counts = np.zeros(n_communities, dtype=np.int64)
    for u in range(n):
        own = community[u]
        for a in range(indptr[u], indptr[u + 1]):
            counts[community[indices[a]]] += 1
        for a in range(indptr[u], indptr[u + 1]):
            s = community[indices[a]]
            if counts[s] >= min_ties and s != own:
                out[u] += 1
            counts[s] = 0
    return out
