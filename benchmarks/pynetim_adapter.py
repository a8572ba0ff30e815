"""pynetim's OPIM-C and IMM on one of our graphs (benchmark only).

pynetim's IMM raised "Edge ... does not exist" on undirected input, so every
tie goes in as both arcs with ``directed=True``; node ids are ours (0..n-1).
"""

from __future__ import annotations

import time

import numpy as np


class Timed(float):
    """Wall seconds that also carry the CPU seconds of the same call."""

    cpu: float


def _since(t: float, c: float) -> Timed:
    out = Timed(time.perf_counter() - t)
    out.cpu = time.process_time() - c
    return out


def run_pynetim(graph, k: int, p: float, eps: float, *, skip_opim=False, skip_imm=False):
    from pynetim import IMGraph
    from pynetim.algorithms import IMMAlgorithm, OPIMCAlgorithm

    src = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    edges = list(zip(src.tolist(), graph.indices.tolist(), strict=True))
    g = IMGraph(edges, weights=p, directed=True, renumber=False)
    out = []
    if not skip_opim:
        t, c = time.perf_counter(), time.process_time()
        seeds = OPIMCAlgorithm(g, model="IC", random_seed=1).run(k=k, epsilon=eps)
        out.append(("pynetim OPIM-C", _since(t, c), sorted(seeds)))
    if not skip_imm:
        t, c = time.perf_counter(), time.process_time()
        seeds = IMMAlgorithm(g, model="IC", epsilon=eps, random_seed=1).run(k=k)
        out.append(("pynetim IMM", _since(t, c), sorted(seeds)))
    return out
