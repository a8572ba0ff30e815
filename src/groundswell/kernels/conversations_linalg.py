"""Sparse products for the vote-matrix PCA: ``X^T (X Q)`` in one pass over X.

X is the centred imputed vote matrix, never stored as floats: a cell holding
vote ``v`` in column ``c`` has value ``table[c, v + 1]`` (``v - mu_c``, or 0 for
a moderated-out column), so a pass reads 5 bytes per vote instead of 12.
Each row ``x_i`` is read once: ``y = x_i Q`` (a b-vector), then ``W += x_i^T y``.
Rows are split into a fixed number of chunks, each with its own accumulator,
summed in chunk order, so the result does not depend on the thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

CHUNKS = 8


@njit(cache=True, inline="always")
def _gram_chunk(chunk, step, indptr, indices, votes, table, q, acc):
    n_rows = indptr.shape[0] - 1
    b = q.shape[1]
    y = np.empty(b)
    w = acc[chunk]
    for r in range(chunk * step, min(n_rows, (chunk + 1) * step)):
        y[:] = 0.0
        for p in range(indptr[r], indptr[r + 1]):
            c = indices[p]
            v = table[c, votes[p] + 1]
            for a in range(b):
                y[a] += v * q[c, a]
        for p in range(indptr[r], indptr[r + 1]):
            c = indices[p]
            v = table[c, votes[p] + 1]
            for a in range(b):
                w[c, a] += v * y[a]


@njit(cache=True, parallel=True)
def _gram_parallel(indptr, indices, votes, table, q, acc, step):
    for chunk in prange(CHUNKS):
        _gram_chunk(chunk, step, indptr, indices, votes, table, q, acc)


@njit(cache=True)
def gram_apply(indptr, indices, votes, table, q):
    """``X^T X Q`` for the CSR vote matrix read through ``table``; ``Q`` is C x b."""
    n_rows = indptr.shape[0] - 1
    acc = np.zeros((CHUNKS, q.shape[0], q.shape[1]))
    step = (n_rows + CHUNKS - 1) // CHUNKS
    if indices.shape[0] >= 200_000:  # threads pay off only on large matrices
        _gram_parallel(indptr, indices, votes, table, q, acc, step)
    else:
        for chunk in range(CHUNKS):
            _gram_chunk(chunk, step, indptr, indices, votes, table, q, acc)
    out = acc[0].copy()
    for chunk in range(1, CHUNKS):
        out += acc[chunk]
    return out


@njit(cache=True)
def apply(indptr, indices, votes, table, q):
    """``X Q`` (N x b) for the CSR vote matrix read through ``table``."""
    n_rows = indptr.shape[0] - 1
    b = q.shape[1]
    out = np.zeros((n_rows, b))
    for r in range(n_rows):
        for p in range(indptr[r], indptr[r + 1]):
            c = indices[p]
            v = table[c, votes[p] + 1]
            for a in range(b):
                out[r, a] += v * q[c, a]
    return out


@njit(cache=True)
def orthonormalise(w):
    """Columns of ``w`` made orthonormal by twice-applied modified Gram-Schmidt.

    Small and single-threaded on purpose: a threaded LAPACK QR on a busy
    machine can take longer than the whole sparse product. A column that
    vanishes is replaced by a unit vector orthogonal to the others.
    """
    n, b = w.shape
    q = w.copy()
    for a in range(b):
        for _ in range(2):
            for c in range(a):
                dot = 0.0
                for i in range(n):
                    dot += q[i, c] * q[i, a]
                for i in range(n):
                    q[i, a] -= dot * q[i, c]
        norm = np.sqrt(np.sum(q[:, a] ** 2))
        if norm < 1e-300:
            q[:, a] = 0.0
            q[a % n, a] = 1.0
            for c in range(a):
                dot = q[a % n, c]
                for i in range(n):
                    q[i, a] -= dot * q[i, c]
            norm = np.sqrt(np.sum(q[:, a] ** 2))
        q[:, a] /= norm
    return q
