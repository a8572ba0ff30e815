"""PCA kernels against numpy's LAPACK eigensolver."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.conversations.pca import centred
from groundswell.conversations.synthetic import synthetic_votes
from groundswell.kernels.conversations_linalg import gram, jacobi_eigh, subspace_iteration


@pytest.mark.parametrize("n", [1, 2, 6, 20])
def test_jacobi_eigh_equals_lapack(n):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, n))
    a = a @ a.T
    lam, vec = jacobi_eigh(a)
    want = np.linalg.eigvalsh(a)[::-1]
    np.testing.assert_allclose(lam, want, rtol=0, atol=1e-12 * max(1.0, want[0]))
    np.testing.assert_allclose(a @ vec, vec * lam, atol=1e-10 * max(1.0, want[0]))
    np.testing.assert_allclose(vec.T @ vec, np.eye(n), atol=1e-12)


def test_jacobi_eigh_of_zero_and_diagonal():
    lam, vec = jacobi_eigh(np.zeros((3, 3)))
    assert np.all(lam == 0) and np.array_equal(vec, np.eye(3))
    lam, _ = jacobi_eigh(np.diag([1.0, 3.0, 2.0]))
    assert lam.tolist() == [3.0, 2.0, 1.0]


def test_subspace_iteration_finds_the_top_axes():
    m = synthetic_votes(400, 90, 9_000, n_groups=3, seed=2).matrix()
    table, _ = centred(m, np.zeros(m.shape[1], bool))
    start = np.random.default_rng(0).standard_normal((m.shape[1], 6))
    v, lam, it = subspace_iteration(m.indptr, m.indices, m.data, table, start, 2, 1e-12, 5000)
    dense = m.to_dense()
    x = np.where(np.isnan(dense), 0.0, dense - np.nanmean(dense, axis=0))
    want_lam, want_vec = np.linalg.eigh(x.T @ x)
    assert 0 < it < 5000
    np.testing.assert_allclose(lam[:2], want_lam[::-1][:2], rtol=1e-10)
    for a in range(2):
        assert abs(abs(v[:, a] @ want_vec[:, -1 - a]) - 1.0) < 1e-10


def test_gram_equals_dense_product():
    m = synthetic_votes(60, 12, 500, n_groups=2, seed=4).matrix()
    table, mean = centred(m, np.zeros(m.shape[1], bool))
    dense = m.to_dense()
    x = np.where(np.isnan(dense), 0.0, dense - mean)
    np.testing.assert_allclose(gram(m.indptr, m.indices, m.data, table, m.shape[1]), x.T @ x)
