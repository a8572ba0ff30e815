"""PCA of the mean-imputed vote matrix and Pol.is's sparsity-aware projection.

Pol.is (``math/pca.clj``) fills each missing vote with
its column's mean over the votes cast, centres each column on the mean of the
imputed matrix and takes the top two principal axes. Because the column mean
of the imputed matrix equals the mean of the cast votes, the centred imputed
matrix is *exactly sparse*: ``x_ij - mu_j`` on cast votes and 0 elsewhere. So
we never densify it: up to 16 statements we take the eigenvectors of the dense
``X^T X`` (cyclic Jacobi), beyond that a block subspace iteration with Rayleigh-Ritz (Saad,
*Numerical Methods for Large Eigenvalue Problems*, 2011, section 5.1) on
``X^T X``, one pass over the votes per step, warm-started from the previous
basis on an update. Subspace iteration converges at the rate of the gap
between the wanted and the next eigenvalues (Saad 2011, theorem 5.2), so a
conversation without clear opinion groups can need hundreds of passes; for
up to ``EIGH_LIMIT`` statements it then stops early and takes the top
eigenpairs of the dense ``X^T X`` from LAPACK instead (``dsyevr``, one thread).

Moderated-out columns are zeroed for everyone (Pol.is ``zero-out-columns``,
``named_matrix.clj:214-230``), so they carry no variance but count as seen in
the projection scale, as in Pol.is and red-dwarf.

Axes are sign-normalised (largest-magnitude loading positive, the scikit-learn
``svd_flip`` convention on components), so the map is deterministic.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from groundswell.conversations.matrix import VoteMatrix
from groundswell.kernels.conversations_linalg import apply, gram, jacobi_eigh, subspace_iteration
from groundswell.kernels.conversations_matrix import column_sums
from groundswell.rng import Seed, generator

DENSE_LIMIT = 4_000_000  # N x C cells: below this iterate to near machine precision
GRAM_LIMIT = 16  # statements: up to this many, eigenvectors of the dense X^T X
# Statements: up to this many, a slow subspace iteration hands over to LAPACK
# after EIGH_AFTER passes. A pass costs ~4 b nnz flops, dense eigenpairs ~C^3
# (tridiagonal reduction) plus the Gram matrix: at 310 statements and 30,000
# votes the two meet near 50 passes.
EIGH_LIMIT = 600
EIGH_AFTER = 40


@dataclass(frozen=True)
class PCAResult:
    """Principal axes and projections.

    Attributes
    ----------
    center : (C,) column means of the cast votes (0 for moderated-out columns).
    components : (2, C) unit principal axes, sign-normalised.
    singular_values : (2,) singular values of the centred matrix.
    basis : (b, C) orthonormal block that warm-starts the next update.
    participants : (N, 2) scaled participant positions (the opinion map).
    n_seen : (N,) cells counted as seen per participant (``|V_i|``).
    statements : (C, 2) projection of a virtual participant agreeing with one statement.
    extremity : (C,) length of each statement projection.
    iterations : subspace iterations used (0 for the dense path).
    """

    center: np.ndarray
    components: np.ndarray
    singular_values: np.ndarray
    basis: np.ndarray
    participants: np.ndarray
    n_seen: np.ndarray
    statements: np.ndarray
    extremity: np.ndarray
    iterations: int


def centred(matrix: VoteMatrix, mod_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value table of the centred imputed matrix, and the column means.

    ``table[j, v + 1]`` is the centred value of vote ``v`` in column ``j``:
    ``v - mu_j``, or 0 for a moderated-out column (``mod_out`` is a boolean
    mask over columns). Imputed cells are 0 and not stored.
    """
    n_cols = matrix.shape[1]
    counts, sums = column_sums(matrix.indices, matrix.data, n_cols)
    mean = np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)
    mean[mod_out] = 0.0
    table = np.array([-1.0, 0.0, 1.0])[None, :] - mean[:, None]
    table[mod_out] = 0.0
    return table, mean


def sign_normalise(components: np.ndarray) -> np.ndarray:
    """Flip each axis so that its largest-magnitude loading is positive."""
    if components.size == 0:
        return components
    pivot = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(components.shape[0]), pivot])
    signs[signs == 0] = 1.0
    flipped: np.ndarray = components * signs[:, None]
    return flipped


def _dense(
    m: VoteMatrix, table: np.ndarray, n_comps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact axes from the eigenvectors of the C x C Gram matrix ``X^T X``.

    Only for a handful of statements (``GRAM_LIMIT``): cyclic Jacobi costs
    O(C^3) per sweep, but needs no LAPACK call, which on a busy machine can
    wait tens of milliseconds on its thread pool.
    """
    g = gram(m.indptr, m.indices, m.data, table, m.shape[1])
    want = min(n_comps + 2, g.shape[0])
    lam, vec = jacobi_eigh(g)
    lam, vec = lam[:want], vec.T[:want]
    s = np.sqrt(np.maximum(lam, 0.0))
    return vec[:n_comps], s[:n_comps], vec


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """One scan of the loaded BLAS libraries per process (a scan costs about a millisecond)."""
    return ThreadpoolController()


def _lapack(
    m: VoteMatrix, table: np.ndarray, n_comps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The top eigenpairs of the dense ``X^T X`` by LAPACK's ``dsyevr`` on one thread.

    For a few hundred statements when subspace iteration converges slowly:
    only the wanted eigenpairs are computed (``subset_by_index``), and one
    BLAS thread keeps a busy machine from stalling on the thread pool.
    """
    from scipy.linalg import eigh

    g = gram(m.indptr, m.indices, m.data, table, m.shape[1])
    n = g.shape[0]
    want = min(n_comps + 2, n)
    with _blas_controller().limit(limits=1, user_api="blas"):
        lam, vec = eigh(g, subset_by_index=[n - want, n - 1], driver="evr")
    lam, vec = lam[::-1], vec[:, ::-1].T
    s = np.sqrt(np.maximum(lam, 0.0))
    return vec[:n_comps].copy(), s[:n_comps], vec.copy()


def _subspace(
    m: VoteMatrix, table: np.ndarray, start: np.ndarray, n_comps: int, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Block subspace iteration on ``X^T X`` from the rows of ``start``.

    Each step is one pass over X (``gram_apply``) and a b x b Rayleigh-Ritz
    eigenproblem, all in one compiled loop (``subspace_iteration``); it stops
    when every wanted Ritz pair's relative residual ``||X^T X v - s^2 v|| /
    s^2`` is below ``tol``.
    """
    v, lam, it = subspace_iteration(
        m.indptr, m.indices, m.data, table, np.ascontiguousarray(start.T), n_comps, tol, max_iter
    )
    s = np.sqrt(np.maximum(lam[:n_comps], 0.0))
    return v[:, :n_comps].T, s, v.T, int(it)


def principal_axes(
    matrix: VoteMatrix,
    table: np.ndarray,
    n_comps: int = 2,
    *,
    seed: Seed = 0,
    warm: np.ndarray | None = None,
    tol: float = 1e-6,
    max_iter: int = 300,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Top ``n_comps`` right singular vectors of X: (components, values, basis, iters).

    ``warm`` is the previous ``basis`` (its columns are padded or cut to fit).
    """
    n_rows, n_cols = matrix.shape
    if n_rows == 0 or n_cols == 0:
        z = np.zeros((n_comps, n_cols))
        return z, np.zeros(n_comps), z, 0
    if n_cols <= GRAM_LIMIT:
        comps, s, basis = _dense(matrix, table, n_comps)
        it = 0
    else:
        # Small matrices iterate to near machine precision: cheaper and steadier
        # than a threaded LAPACK eigensolver on a busy machine.
        tol = min(tol, 1e-12) if n_rows * n_cols <= DENSE_LIMIT else tol
        max_iter = max(max_iter, 5000) if n_rows * n_cols <= DENSE_LIMIT else max_iter
        if warm is not None and warm.shape[0] >= n_comps:
            start = np.zeros((warm.shape[0], n_cols))
            m = min(n_cols, warm.shape[1])
            start[:, :m] = warm[:, :m]
            start[:, m:] = 1.0 / np.sqrt(n_cols)  # Pol.is pads new columns (pca.clj)
        else:
            start = generator(seed).standard_normal((n_comps + 4, n_cols))
        hand_over = n_cols <= EIGH_LIMIT and n_rows * n_cols <= DENSE_LIMIT
        passes = min(max_iter, EIGH_AFTER) if hand_over else max_iter
        comps, s, basis, it = _subspace(matrix, table, start, n_comps, tol, passes)
        if hand_over and it >= passes:  # not converged: no clear gap, go dense
            comps, s, basis = _lapack(matrix, table, n_comps)
    if comps.shape[0] < n_comps:  # fewer rows or columns than axes
        pad = np.zeros((n_comps - comps.shape[0], n_cols))
        comps = np.vstack([comps, pad])
        s = np.concatenate([s, np.zeros(n_comps - s.shape[0])])
    return sign_normalise(comps), s, basis, it


def run_pca(
    matrix: VoteMatrix,
    mod_out: np.ndarray,
    *,
    n_comps: int = 2,
    seed: Seed = 0,
    warm: np.ndarray | None = None,
    tol: float = 1e-6,
) -> PCAResult:
    """PCA and projections of every participant and statement (Pol.is ``pca.clj``).

    Participant ``i`` sits at ``sqrt(C / max(|V_i|, 1)) * (X_i . pc_1, X_i . pc_2)``
    where ``C`` is the number of statement columns and ``V_i`` the cells of row
    ``i`` that are not nil in the rating matrix (its votes plus every
    moderated-out column), ``pca.clj:134-164``. A statement's projection is that
    of a virtual participant who agrees with it alone: ``sqrt(C) (1 - mu_j) pc[:, j]``.
    """
    table, mean = centred(matrix, mod_out)
    comps, s, basis, it = principal_axes(matrix, table, n_comps, seed=seed, warm=warm, tol=tol)
    n_rows, n_cols = matrix.shape
    counts = matrix.row_counts()
    mod_cells = (
        np.add.reduceat(mod_out[matrix.indices].astype(np.int64), matrix.indptr[:-1])
        if matrix.n_votes and mod_out.any()
        else np.zeros(n_rows, np.int64)
    )
    mod_cells = np.where(counts > 0, mod_cells, 0)  # reduceat repeats on empty rows
    n_seen = counts - mod_cells + int(mod_out.sum())
    scale = np.sqrt(n_cols / np.maximum(n_seen, 1))
    raw = apply(matrix.indptr, matrix.indices, matrix.data, table, np.ascontiguousarray(comps.T))
    participants = raw * scale[:, None]
    statements = (np.sqrt(n_cols) * (1.0 - mean))[:, None] * comps.T
    return PCAResult(
        center=mean,
        components=comps,
        singular_values=s,
        basis=basis,
        participants=participants,
        n_seen=n_seen.astype(np.int64),
        statements=statements,
        extremity=np.linalg.norm(statements, axis=1),
        iterations=it,
    )
