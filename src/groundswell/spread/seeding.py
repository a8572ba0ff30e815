"""Simple ways to choose who starts a spread: by label, at random, by degree.

Smarter choices (fewest seeds for a target, best k for a budget) live in
:mod:`groundswell.seeds`; these are the baselines and the plain inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.network.graph import Graph
from groundswell.rng import Seed, generator


def seeds_from_labels(graph: Graph, labels: Sequence[object]) -> np.ndarray:
    """Node ids of ``labels`` (order kept, duplicates dropped); unknown labels are named."""
    if len(labels) == 0:
        raise InvalidInput("no seeds given; name at least one person")
    ids = graph.ids_of(list(labels))
    _, first = np.unique(ids, return_index=True)
    return ids[np.sort(first)]


def _check_k(graph: Graph, k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInput(f"the number of seeds must be a whole number >= 1, got {k!r}")
    if k > graph.n:
        raise InvalidInput(f"asked for {k} seeds but the graph has only {graph.n} people")
    return int(k)


def random_seeds(graph: Graph, k: int, seed: Seed = 0) -> np.ndarray:
    """``k`` distinct people chosen uniformly at random (sorted ids)."""
    k = _check_k(graph, k)
    chosen = generator(seed).choice(graph.n, size=k, replace=False)
    return np.sort(chosen).astype(np.int32)


def top_degree_seeds(graph: Graph, k: int) -> np.ndarray:
    """The ``k`` people with most out-ties (ties broken by lower id), highest first."""
    k = _check_k(graph, k)
    degree = graph.out_degree()
    # Stable sort on -degree keeps lower ids first among equals: reproducible.
    order = np.argsort(-degree, kind="stable")
    return order[:k].astype(np.int32)
