"""Group-stage k-means kernels against slow references (numpy, scikit-learn)."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.conversations.clusters import kmeans_pp
from groundswell.kernels.conversations_kmeans import (
    best_partition,
    kmeans_pp_start,
    lloyd,
    lloyd_small,
    silhouette_from_distances,
    weighted_distances,
    weighted_silhouette,
)


def _cloud(seed: int, n: int = 200):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(4, 2))
    points = centres[rng.integers(0, 4, n)] + rng.normal(size=(n, 2))
    weights = rng.integers(1, 6, n).astype(np.float64)
    return points, weights


@pytest.mark.parametrize("seed", range(5))
def test_kmeans_pp_start_draws_as_generator_choice(seed):
    points, weights = _cloud(seed)
    want = kmeans_pp(points, weights, 5, np.random.default_rng(seed))
    got = kmeans_pp_start(points, weights, np.random.default_rng(seed).random(5))
    np.testing.assert_array_equal(got, want)


def test_kmeans_pp_start_stops_when_every_point_is_a_centre():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    got = kmeans_pp_start(points, np.ones(2), np.array([0.1, 0.5, 0.9]))
    assert got.shape == (2, 2)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_lloyd_small_equals_hamerly_lloyd(k):
    points, weights = _cloud(k)
    start = kmeans_pp_start(points, weights, np.random.default_rng(k).random(k))
    labels, centres, _, _ = lloyd(points, weights, start, 100, 0.0)
    got_labels, got_centres = lloyd_small(points, weights, start, 100)
    np.testing.assert_array_equal(got_labels, labels)
    np.testing.assert_allclose(got_centres, centres, rtol=0, atol=1e-12)


@pytest.mark.parametrize("k", [2, 4])
def test_silhouette_from_distances_equals_direct_and_sklearn(k):
    points, weights = _cloud(10 + k)
    labels = np.random.default_rng(k).integers(0, k, points.shape[0])
    wdist = weighted_distances(points, weights)
    got = silhouette_from_distances(wdist, weights, labels, k)
    assert got == pytest.approx(weighted_silhouette(points, weights, labels, k), abs=1e-12)
    metrics = pytest.importorskip("sklearn.metrics")
    ones = np.ones(points.shape[0])
    want = metrics.silhouette_score(points, labels)
    got = silhouette_from_distances(weighted_distances(points, ones), ones, labels, k)
    assert got == pytest.approx(want, abs=1e-12)


def test_best_partition_equals_a_loop_over_starts():
    points, weights = _cloud(7)
    k, n_starts = 3, 8
    uniforms = np.random.default_rng(7).random((n_starts, k))
    identity = np.arange(points.shape[0])
    wdist = weighted_distances(points, weights)
    labels, _, score, found = best_partition(
        points, weights, uniforms, np.zeros((0, 2)), identity, wdist, weights, 100
    )
    best = -np.inf
    for r in range(n_starts):
        start = kmeans_pp_start(points, weights, uniforms[r])
        lab, _, _, _ = lloyd(points, weights, start, 100, 0.0)
        if np.unique(lab).shape[0] != k:
            continue
        s = weighted_silhouette(points, weights, lab, k)
        if s > best + 1e-12:
            best, want_labels = s, lab
    assert found
    assert score == pytest.approx(best, abs=1e-12)
    np.testing.assert_array_equal(labels, want_labels)


def test_best_partition_from_a_warm_start_runs_once():
    points, weights = _cloud(3)
    init = points[:2].copy()
    wdist = weighted_distances(points, weights)
    identity = np.arange(points.shape[0])
    labels, centres, _, found = best_partition(
        points, weights, np.zeros((0, 2)), init, identity, wdist, weights, 100
    )
    want, want_centres = lloyd_small(points, weights, init, 100)
    assert found
    np.testing.assert_array_equal(labels, want)
    np.testing.assert_array_equal(centres, want_centres)
