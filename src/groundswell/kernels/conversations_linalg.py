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


@njit(cache=True)
def jacobi_eigh(a):
    """Eigenvalues (descending) and eigenvectors (columns) of a small symmetric matrix.

    Cyclic Jacobi (Golub & Van Loan, *Matrix Computations*, 4th ed., 2013,
    algorithms 8.5.2-8.5.3): rotate away each off-diagonal entry in turn until
    the off-diagonal mass is below 1e-30 of the total. For the b x b
    Rayleigh-Ritz problems of the subspace iteration, where a LAPACK call can
    wait on a busy BLAS thread pool far longer than this takes.
    """
    n = a.shape[0]
    a = a.copy()
    v = np.eye(n)
    for _ in range(100):
        off = 0.0
        total = 0.0
        for p in range(n):
            total += a[p, p] * a[p, p]
            for q in range(p + 1, n):
                off += a[p, q] * a[p, q]
        total += 2.0 * off
        if off <= 1e-30 * total:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = a[p, q]
                if apq == 0.0:
                    continue
                tau = (a[q, q] - a[p, p]) / (2.0 * apq)
                if tau >= 0:
                    t = 1.0 / (tau + np.sqrt(1.0 + tau * tau))
                else:
                    t = 1.0 / (tau - np.sqrt(1.0 + tau * tau))
                c = 1.0 / np.sqrt(1.0 + t * t)
                s = t * c
                for k in range(n):
                    akp, akq = a[k, p], a[k, q]
                    a[k, p] = c * akp - s * akq
                    a[k, q] = s * akp + c * akq
                for k in range(n):
                    apk, aqk = a[p, k], a[q, k]
                    a[p, k] = c * apk - s * aqk
                    a[q, k] = s * apk + c * aqk
                for k in range(n):
                    vkp, vkq = v[k, p], v[k, q]
                    v[k, p] = c * vkp - s * vkq
                    v[k, q] = s * vkp + c * vkq
    lam = np.empty(n)
    for p in range(n):
        lam[p] = a[p, p]
    order = np.argsort(-lam, kind="mergesort")
    return lam[order], v[:, order].copy()


@njit(cache=True)
def _times(x, y):
    """``x @ y`` for a tall ``x`` and a small ``y``, without a BLAS call."""
    n, m = x.shape
    b = y.shape[1]
    out = np.zeros((n, b))
    for i in range(n):
        for k in range(m):
            xik = x[i, k]
            for a in range(b):
                out[i, a] += xik * y[k, a]
    return out


@njit(cache=True)
def subspace_iteration(indptr, indices, votes, table, start, n_comps, tol, max_iter):
    """Block subspace iteration on ``X^T X`` with Rayleigh-Ritz (Saad 2011, section 5.1).

    ``start`` is C x b. Each step is one pass over X (``gram_apply``) and a
    b x b eigenproblem (``jacobi_eigh``); it stops when every wanted Ritz
    pair's relative residual ``||X^T X v - s^2 v|| / s^2`` is below ``tol`` or
    after ``max_iter`` steps. Returns ``(Ritz vectors C x b in descending
    order, Ritz values b, iterations)``.
    """
    q = orthonormalise(start)
    w = gram_apply(indptr, indices, votes, table, q)
    n, b = q.shape
    it = 0
    while True:
        it += 1
        h = np.zeros((b, b))
        for i in range(n):
            for r in range(b):
                qir = q[i, r]
                for c in range(b):
                    h[r, c] += qir * w[i, c]
        lam, vec = jacobi_eigh(0.5 * (h + h.T))
        v = _times(q, vec)  # Ritz vectors
        wv = _times(w, vec)  # X^T X v
        done = True
        for a in range(n_comps):
            top = max(lam[a], 2.2250738585072014e-308)
            s = 0.0
            for i in range(n):
                z = wv[i, a] - v[i, a] * top
                s += z * z
            if not np.sqrt(s) / top < tol:
                done = False
        if done or it >= max_iter:
            return v, lam, it
        q = orthonormalise(wv)
        w = gram_apply(indptr, indices, votes, table, q)


@njit(cache=True)
def gram(indptr, indices, votes, table, n_cols):
    """The dense C x C matrix ``X^T X`` for the CSR vote matrix read through ``table``."""
    out = np.zeros((n_cols, n_cols))
    for r in range(indptr.shape[0] - 1):
        for p in range(indptr[r], indptr[r + 1]):
            c = indices[p]
            v = table[c, votes[p] + 1]
            for p2 in range(indptr[r], indptr[r + 1]):
                c2 = indices[p2]
                out[c, c2] += v * table[c2, votes[p2] + 1]
    return out
