"""Vote-matrix kernels: build and merge a CSR vote matrix, latest vote wins.

Votes arrive as parallel arrays ``(row, col, value)`` in time order. Pol.is
keeps only the latest vote per (participant, statement) cell
(``named_matrix.clj`` ``update-nmat``), so a later vote overwrites an earlier
one. A counting sort by row keeps time order within each row; a per-row
scratch array (reset only where touched) finds each cell's last vote in
O(votes) rather than the O(votes log votes) of a sort on cell keys.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def build_csr(rows, cols, vals, n_rows, n_cols):
    """CSR arrays (indptr, indices, data) of the latest vote per cell.

    ``rows``, ``cols``: int64 arrays; ``vals``: int8 array; votes in time order.
    Column indices are sorted within each row.
    """
    m = rows.shape[0]
    start = np.zeros(n_rows + 1, np.int64)
    for k in range(m):
        start[rows[k] + 1] += 1
    for r in range(n_rows):
        start[r + 1] += start[r]
    # Stable counting sort by row: one scatter of packed (column, vote), so
    # each row's votes end up contiguous and still in time order.
    packed = np.empty(m, np.int64)
    fill = start[:-1].copy()
    for k in range(m):
        r = rows[k]
        packed[fill[r]] = cols[k] * 4 + (vals[k] + 1)
        fill[r] += 1
    last = np.full(n_cols, -1, np.int64)
    indptr = np.zeros(n_rows + 1, np.int64)
    indices = np.empty(m, np.int32)
    data = np.empty(m, np.int8)
    out = 0
    for r in range(n_rows):
        lo, hi = start[r], start[r + 1]
        for p in range(lo, hi):
            last[packed[p] >> 2] = p
        begin = out
        for p in range(lo, hi):
            c = packed[p] >> 2
            if last[c] == p:  # the cell's latest vote
                indices[out] = c
                out += 1
        if out - begin > 1:
            indices[begin:out] = np.sort(indices[begin:out])
        for q in range(begin, out):
            data[q] = (packed[last[indices[q]]] & 3) - 1
        for p in range(lo, hi):
            last[packed[p] >> 2] = -1
        indptr[r + 1] = out
    return indptr, indices[:out].copy(), data[:out].copy()


@njit(cache=True)
def merge_csr(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val):
    """Merge two CSR matrices with the same row count; ``b`` wins on shared cells."""
    n_rows = a_ptr.shape[0] - 1
    cap = a_idx.shape[0] + b_idx.shape[0]
    indptr = np.zeros(n_rows + 1, np.int64)
    indices = np.empty(cap, np.int32)
    data = np.empty(cap, np.int8)
    out = 0
    for r in range(n_rows):
        i, i_end = a_ptr[r], a_ptr[r + 1]
        j, j_end = b_ptr[r], b_ptr[r + 1]
        while i < i_end or j < j_end:
            if j >= j_end or (i < i_end and a_idx[i] < b_idx[j]):
                indices[out] = a_idx[i]
                data[out] = a_val[i]
                i += 1
            else:
                if i < i_end and a_idx[i] == b_idx[j]:
                    i += 1  # superseded by the newer vote
                indices[out] = b_idx[j]
                data[out] = b_val[j]
                j += 1
            out += 1
        indptr[r + 1] = out
    return indptr, indices[:out].copy(), data[:out].copy()


@njit(cache=True)
def group_tallies(indptr, indices, data, row_group, n_groups, n_cols):
    """Agree, disagree and seen counts per (group, column); rows with group -1 skipped.

    Export sign: agree = +1, disagree = -1, pass = 0 (seen but neither).
    """
    agree = np.zeros((n_groups, n_cols), np.int64)
    disagree = np.zeros((n_groups, n_cols), np.int64)
    seen = np.zeros((n_groups, n_cols), np.int64)
    for r in range(indptr.shape[0] - 1):
        g = row_group[r]
        if g < 0:
            continue
        for p in range(indptr[r], indptr[r + 1]):
            c = indices[p]
            v = data[p]
            seen[g, c] += 1
            if v > 0:
                agree[g, c] += 1
            elif v < 0:
                disagree[g, c] += 1
    return agree, disagree, seen


@njit(cache=True)
def column_sums(indices, data, n_cols):
    """Votes cast (passes included) and the sum of the votes, per column, in one pass.

    The sums are of small integers, so they are exact in float64 in any order.
    """
    counts = np.zeros(n_cols, np.int64)
    sums = np.zeros(n_cols)
    for p in range(indices.shape[0]):
        c = indices[p]
        counts[c] += 1
        sums[c] += data[p]
    return counts, sums
