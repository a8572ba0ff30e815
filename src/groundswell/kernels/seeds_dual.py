"""Dual prices for partial set cover under one-step reach: raise each price until a set is paid.

Person ``v`` can be reached by choosing ``v`` (weight 1) or an in-neighbour
``u`` (weight ``p``). A price vector ``z`` is dual feasible when no one who
may be asked pays more than 1: ``z_u + p sum_{u -> v} z_v <= 1``. Raising the
prices one person at a time, each as far as every set holding them allows
(and never above ``lam``), gives a maximal such vector: the primal-dual step
of Bar-Yehuda & Even (J. Algorithms 2(2), 1981) for set cover.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def raise_prices(rptr, rind, p, payer, order, lam):
    """Maximal dual-feasible prices capped at ``lam``, raised in ``order``.

    ``rptr``/``rind`` is the in-CSR (who has a tie to each person); ``payer``
    marks the people whose sets count (those who may be asked or are already
    active). A person nobody may reach gets ``lam``: no set limits them.
    """
    n = rptr.shape[0] - 1
    slack = np.ones(n, dtype=np.float64)
    z = np.zeros(n, dtype=np.float64)
    for i in range(order.shape[0]):
        v = order[i]
        room = lam
        if payer[v] and slack[v] < room:
            room = slack[v]
        if p > 0.0:
            for e in range(rptr[v], rptr[v + 1]):
                u = rind[e]
                if payer[u] and slack[u] / p < room:
                    room = slack[u] / p
        if room <= 0.0:
            continue
        z[v] = room
        if payer[v]:
            slack[v] -= room
        for e in range(rptr[v], rptr[v + 1]):
            u = rind[e]
            if payer[u]:
                slack[u] -= p * room
    return z
