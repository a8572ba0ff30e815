"""The clustering steps against slow references and on data whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.themes.cluster import assign_themes, by_size, nearest, reduce


def _blobs(sizes: list[int], dims: int = 32, spread: float = 0.15, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), dims))
    parts = [
        c + spread * rng.standard_normal((s, dims)) for c, s in zip(centres, sizes, strict=True)
    ]
    rows = np.vstack(parts)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_nearest_matches_a_brute_force_reference() -> None:
    z = _blobs([40, 30], seed=3)
    got = nearest(z, 5)
    sims = z @ z.T
    np.fill_diagonal(sims, -np.inf)
    for i in range(len(z)):
        want = sorted(range(len(z)), key=lambda j: (-sims[i, j], j))[:5]
        assert got[i].tolist() == want


def test_reduce_keeps_unit_rows_and_cosine_order_of_well_separated_points() -> None:
    x = _blobs([20, 20, 20], dims=100)
    z = reduce(x)
    assert z.shape == (60, 59)  # no more components than the data has
    assert np.allclose(np.linalg.norm(z, axis=1), 1.0, atol=1e-5)
    assert (z[:20] @ z[0]).min() > (z[20:] @ z[0]).max()


def test_by_size_numbers_from_the_largest_and_keeps_unthemed() -> None:
    found = np.array([5, 5, 2, -1, 2, 2, 7, -1])
    assert by_size(found).tolist() == [1, 1, 0, -1, 0, 0, 2, -1]
    assert by_size(np.array([-1, -1])).tolist() == [-1, -1]


def test_well_separated_groups_are_found_without_being_told_how_many() -> None:
    x = _blobs([60, 50, 40])
    labels = assign_themes(x, n_themes=None, seed=0, min_size=5)
    assert labels.max() + 1 == 3
    truth = np.repeat([0, 1, 2], [60, 50, 40])
    for c in range(3):
        members = truth[labels == c]
        assert np.all(members == members[0])
    assert np.mean(labels == -1) < 0.1


def test_a_far_away_point_is_left_unthemed() -> None:
    x = _blobs([60, 60])
    odd = np.zeros((1, x.shape[1]), dtype=np.float32)
    odd[0, 0] = 1.0
    labels = assign_themes(np.vstack([x, odd]), n_themes=None, seed=0, min_size=5)
    assert labels[-1] == -1


def test_themes_smaller_than_min_size_are_unthemed() -> None:
    x = _blobs([60, 60, 6])
    labels = assign_themes(x, n_themes=None, seed=0, min_size=10)
    assert labels.max() + 1 == 2
    assert np.all(labels[-6:] == -1)


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_asked_for_k_there_are_k_themes_even_in_noise(k) -> None:
    x = np.random.default_rng(k).standard_normal((80, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = assign_themes(x, n_themes=k, seed=0, min_size=3)
    assert sorted(set(labels.tolist()) - {-1}) == list(range(k))


def test_zero_rows_are_never_themed() -> None:
    x = np.vstack([_blobs([30, 30]), np.zeros((3, 32), dtype=np.float32)])
    labels = assign_themes(x, n_themes=2, seed=0, min_size=3)
    assert labels[-3:].tolist() == [-1, -1, -1]
    assert (
        assign_themes(np.zeros((4, 8), np.float32), n_themes=None, seed=0, min_size=1).tolist()
        == [-1] * 4
    )


def test_nearest_breaks_ties_by_index() -> None:
    # Identical texts (many people write just "Nothing") tie exactly.
    z = np.tile(np.eye(4, dtype=np.float32)[:1], (6, 1))
    z = np.vstack([z, np.eye(4, dtype=np.float32)[1:]])
    got = nearest(z, 3)
    assert got[0].tolist() == [1, 2, 3] and got[5].tolist() == [0, 1, 2]


def test_nearest_is_exact_when_it_first_bounds_on_a_sample_of_columns() -> None:
    rng = np.random.default_rng(5)
    z = rng.standard_normal((6000, 8)).astype(np.float32)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    got = nearest(z, 15)
    rows = rng.choice(len(z), size=40, replace=False)
    sims = z[rows] @ z.T
    sims[np.arange(len(rows)), rows] = -np.inf
    for r, row in zip(rows, sims, strict=True):
        want = np.lexsort((np.arange(len(z)), -row))[:15]
        assert got[r].tolist() == want.tolist()


def test_a_theme_asked_for_keeps_its_best_text_even_when_all_are_outliers() -> None:
    x = _blobs([40, 40])
    odd = np.zeros((1, x.shape[1]), dtype=np.float32)
    odd[0, 0] = 1.0
    labels = assign_themes(np.vstack([x, odd]), n_themes=3, seed=0, min_size=3)
    assert sorted(set(labels.tolist()) - {-1}) == [0, 1, 2]
    assert labels[-1] >= 0


def test_one_text_asked_for_one_theme() -> None:
    one = np.ones((1, 8), dtype=np.float32) / np.sqrt(8)
    assert assign_themes(one, n_themes=1, seed=0, min_size=1).tolist() == [0]
