"""A fixed seed gives a fixed result while other threads use igraph's process-wide generator."""

from __future__ import annotations

import random
import threading
import time

import igraph as ig
import numpy as np

from groundswell.network.picture import lay_out
from groundswell.rng import igraph_seeded
from groundswell.themes.cluster import leiden


def _edges(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, 6 * n).astype(np.int64), rng.integers(0, n, 6 * n).astype(np.int64)


def _membership(graph: ig.Graph) -> list[int]:
    return list(graph.community_leiden(objective_function="modularity", n_iterations=-1).membership)


def test_a_seeded_igraph_run_is_not_reseeded_by_another_thread() -> None:
    n = 80
    src, dst = _edges(n, 1)
    graph = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist())
    with igraph_seeded(random.Random(5)):
        expected = _membership(graph)
    started, found = threading.Event(), []

    def other() -> None:
        with igraph_seeded(random.Random(5)):
            started.set()
            time.sleep(0.3)  # the themes and the picture below run now, unless they wait
            found.append(_membership(graph))

    def themes() -> None:
        started.wait()
        found.append(leiden(n, src, dst, seed=7))
        lay_out(30, np.column_stack(_edges(30, 2)), None, seed=3)

    threads = [threading.Thread(target=other), *(threading.Thread(target=themes) for _ in range(2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found[0] == expected
    assert all(np.array_equal(f, leiden(n, src, dst, seed=7)) for f in found[1:])
    assert len(found) == 3
