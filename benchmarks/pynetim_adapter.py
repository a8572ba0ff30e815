"""pynetim's OPIM-C and IMM on one of our graphs (benchmark only).

pynetim's IMM raised "Edge ... does not exist" on undirected input, so every
tie goes in as both arcs with ``directed=True``; node ids are ours (0..n-1).
"""

from __future__ import annotations

import time

import numpy as np


def run_pynetim(graph, k: int, p: float, eps: float, *, skip_opim=False, skip_imm=False):
    from pynetim import IMGraph
    from pynetim.algorithms import IMMAlgorithm, OPIMCAlgorithm

    src = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    edges = list(zip(src.tolist(), graph.indices.tolist(), strict=True))
    g = IMGraph(edges, weights=p, directed=True, renumber=False)
    out = []
    if not skip_opim:
        t = time.perf_counter()
        seeds = OPIMCAlgorithm(g, model="IC", random_seed=1).run(k=k, epsilon=eps)
        out.append(("pynetim OPIM-C", time.perf_counter() - t, sorted(seeds)))
    if not skip_imm:
        t = time.perf_counter()
        seeds = IMMAlgorithm(g, model="IC", epsilon=eps, random_seed=1).run(k=k)
        out.append(("pynetim IMM", time.perf_counter() - t, sorted(seeds)))
    return out
