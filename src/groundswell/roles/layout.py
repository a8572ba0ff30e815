"""Which people the roles picture shows and where: role holders, their neighbours, a layout.

Pure (numpy, igraph): the web draws the SVG from the ``Layout``
(``web.routes.roles_svg``), and the roles report computes it once per state
of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.network.graph import Graph
from groundswell.rng import generator

MAX_HOLDERS = 200
MAX_NODES = 400
MAX_EDGES = 2_000


@dataclass(frozen=True, eq=False)
class Layout:
    """People in the picture (graph ids), their positions in [0, 1]² and ties among them."""

    nodes: np.ndarray  # int64 graph ids
    xy: np.ndarray  # float64 (k, 2)
    edges: np.ndarray  # int64 (e, 2) positions into ``nodes``


def pick_and_lay_out(graph: Graph, holders: np.ndarray, seed: int = 0) -> Layout:
    """Role holders (best first, at most MAX_HOLDERS) and their neighbours, laid out.

    Neighbours are added holder by holder until MAX_NODES people, so every
    holder shown keeps some of their ties. Fruchterman-Reingold (igraph) from
    seeded random starting positions, so the same data gives the same picture.
    """
    import igraph as ig

    chosen = list(holders[:MAX_HOLDERS].tolist())
    seen = set(chosen)
    for i in holders[:MAX_HOLDERS].tolist():
        if len(chosen) >= MAX_NODES:
            break
        for j in graph.neighbours(i).tolist():
            if j not in seen:
                seen.add(j)
                chosen.append(j)
                if len(chosen) >= MAX_NODES:
                    break
    nodes = np.asarray(chosen, np.int64)
    if nodes.size == 0:
        return Layout(nodes, np.empty((0, 2)), np.empty((0, 2), np.int64))
    where = {int(v): k for k, v in enumerate(nodes.tolist())}
    pairs = {
        (min(a, where[b]), max(a, where[b]))
        for a, i in enumerate(nodes.tolist())
        for b in graph.neighbours(i).tolist()
        if b in where and where[b] != a
    }
    edges = np.array(sorted(pairs), np.int64).reshape(-1, 2)
    start = generator(seed).random((nodes.size, 2)).tolist()
    g = ig.Graph(n=int(nodes.size), edges=edges.tolist())
    xy = np.asarray(g.layout_fruchterman_reingold(seed=start, niter=300).coords, np.float64)
    xy -= xy.min(axis=0)
    xy /= np.maximum(xy.max(axis=0), 1e-9)
    return Layout(nodes, xy, edges[:MAX_EDGES])
