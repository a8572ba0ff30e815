"""numba kernel: CSR rows from (row, col) pairs by counting sort, O(m + sum d log d).

A global ``argsort`` of ``row * n + col`` costs O(m log m) and two int64
temporaries; bucketing by row first and sorting each (short) row is several
times faster on ten million edges and needs only int32 temporaries.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_INSERTION_MAX = 24  # rows up to this length: insertion sort (stable, no allocation)


@njit(cache=True, nogil=True)
def build_csr(rows, cols, w, n, deduplicate):
    """CSR of ``rows -> cols`` over ``n`` nodes, each row sorted by column.

    ``w`` is a float32 weight per pair or an empty array for none. With
    ``deduplicate`` a repeated pair keeps its first weight (input order).
    Returns ``(indptr, indices, weights, merged)``.
    """
    m = rows.shape[0]
    has_w = w.shape[0] == m and m > 0
    start = np.zeros(n + 1, dtype=np.int64)
    for i in range(m):
        start[rows[i] + 1] += 1
    for r in range(n):
        start[r + 1] += start[r]
    fill = start[:n].copy()
    idx = np.empty(m, dtype=np.int32)
    ww = np.empty(m if has_w else 0, dtype=np.float32)
    for i in range(m):
        r = rows[i]
        k = fill[r]
        idx[k] = cols[i]
        if has_w:
            ww[k] = w[i]
        fill[r] = k + 1
    indptr = np.empty(n + 1, dtype=np.int64)
    indptr[0] = 0
    out = 0
    merged = 0
    for r in range(n):
        s, e = start[r], start[r + 1]
        if not _is_sorted(idx, s, e):
            if e - s <= _INSERTION_MAX:
                _insertion_sort(idx, ww, s, e, has_w)
            else:
                _sort_segment(idx, ww, s, e, has_w)
        prev = -1
        for k in range(s, e):
            c = idx[k]
            if deduplicate and c == prev:
                merged += 1
                continue
            idx[out] = c
            if has_w:
                ww[out] = ww[k]
            out += 1
            prev = c
        indptr[r + 1] = out
    return indptr, idx[:out].copy(), ww[:out].copy(), merged


@njit(cache=True, nogil=True)
def _is_sorted(idx, s, e):
    for k in range(s + 1, e):  # noqa: SIM110 (a plain loop compiles in numba)
        if idx[k] < idx[k - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def _insertion_sort(idx, ww, s, e, has_w):
    for k in range(s + 1, e):
        c = idx[k]
        wk = ww[k] if has_w else np.float32(0.0)
        j = k - 1
        while j >= s and idx[j] > c:
            idx[j + 1] = idx[j]
            if has_w:
                ww[j + 1] = ww[j]
            j -= 1
        idx[j + 1] = c
        if has_w:
            ww[j + 1] = wk


@njit(cache=True, nogil=True)
def _sort_segment(idx, ww, s, e, has_w):
    order = _stable_argsort(idx[s:e])
    seg = idx[s:e].copy()
    for k in range(e - s):
        idx[s + k] = seg[order[k]]
    if has_w:
        wseg = ww[s:e].copy()
        for k in range(e - s):
            ww[s + k] = wseg[order[k]]


@njit(cache=True, nogil=True)
def _stable_argsort(keys):
    # Bottom-up merge sort; numba's own np.argsort(kind="mergesort") works too
    # but takes several times longer to compile.
    m = keys.shape[0]
    order = np.arange(m)
    tmp = np.empty(m, dtype=order.dtype)
    width = 1
    while width < m:
        for lo in range(0, m, 2 * width):
            mid = min(lo + width, m)
            hi = min(lo + 2 * width, m)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if keys[order[j]] < keys[order[i]]:
                    tmp[k] = order[j]
                    j += 1
                else:
                    tmp[k] = order[i]
                    i += 1
                k += 1
            while i < mid:
                tmp[k] = order[i]
                i += 1
                k += 1
            while j < hi:
                tmp[k] = order[j]
                j += 1
                k += 1
        order, tmp = tmp, order
        width *= 2
    return order
