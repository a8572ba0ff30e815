"""numba kernels for edge-list text: split it into label and weight arrays, and write it.

Bytes in, arrays out: the Python side (``edgelist.py``) opens files, reads the
header and turns a status code into an ``InputFileError``. One pass over the
buffer, no per-line Python objects, which is what makes a 10M-line file load
in seconds (``np.loadtxt`` and the ``csv`` module need about a minute).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Field splitting.
SPLIT_WHITESPACE = 0  # SNAP: runs of spaces or tabs separate fields
SPLIT_CHAR = 1  # CSV/TSV: exactly one separator byte; spaces around a field are trimmed

# Weight checks.
WEIGHT_NONE = 0
WEIGHT_POSITIVE = 1  # a tie strength: finite and > 0
WEIGHT_PROBABILITY = 2  # a probability: 0 <= p <= 1

# Status codes returned by ``parse_edges``.
OK = 0
FEW_FIELDS = 1
NOT_INT = 2  # a label is not a canonical non-negative integer: re-read as text labels
BAD_WEIGHT = 3
WEIGHT_RANGE = 4
EMPTY_LABEL = 5

_MAX_INT_DIGITS = 18  # 10**18 < 2**63, so any 18-digit label fits in int64


@njit(cache=True, nogil=True)
def _is_space(c: int) -> bool:
    return c == 32 or c == 9 or c == 13


@njit(cache=True, nogil=True)
def parse_label_int(buf, s, e):
    # Canonical only ("7", never "07" or "+7"): then str(int) gives the text back
    # and a zero-padded person id like "007" stays a distinct text label.
    if e - s > _MAX_INT_DIGITS or e == s:
        return -1
    if buf[s] == 48 and e - s > 1:
        return -1
    v = 0
    for i in range(s, e):
        d = buf[i] - 48
        if d < 0 or d > 9:
            return -1
        v = v * 10 + d
    return v


@njit(cache=True, nogil=True)
def parse_float(buf, s, e):
    """Decimal number in ``buf[s:e]``; returns (ok, value). No nan/inf."""
    i = s
    neg = False
    if i < e and (buf[i] == 43 or buf[i] == 45):
        neg = buf[i] == 45
        i += 1
    mant = 0
    sig = 0  # significant digits kept in ``mant``
    exp10 = 0
    digits = 0
    while i < e and 48 <= buf[i] <= 57:
        d = buf[i] - 48
        if sig < 18:
            if mant > 0 or d > 0:
                sig += 1
            mant = mant * 10 + d
        else:
            exp10 += 1
        digits += 1
        i += 1
    if i < e and buf[i] == 46:
        i += 1
        while i < e and 48 <= buf[i] <= 57:
            d = buf[i] - 48
            if sig < 18:
                if mant > 0 or d > 0:
                    sig += 1
                mant = mant * 10 + d
                exp10 -= 1
            digits += 1
            i += 1
    if digits == 0:
        return False, 0.0
    if i < e and (buf[i] == 101 or buf[i] == 69):
        i += 1
        eneg = False
        if i < e and (buf[i] == 43 or buf[i] == 45):
            eneg = buf[i] == 45
            i += 1
        if i == e:
            return False, 0.0
        ev = 0
        while i < e and 48 <= buf[i] <= 57:
            if ev < 10000:
                ev = ev * 10 + (buf[i] - 48)
            i += 1
        exp10 += -ev if eneg else ev
    if i != e:
        return False, 0.0
    # Dividing by an exact power of ten rounds better than multiplying by 10**-k.
    v = mant * 10.0**exp10 if exp10 >= 0 else mant / 10.0 ** (-exp10)
    return True, -v if neg else v


@njit(cache=True, nogil=True)
def count_lines(buf) -> int:
    """Upper bound on the number of lines (newlines + 1)."""
    c = 1
    for i in range(buf.shape[0]):
        if buf[i] == 10:
            c += 1
    return c


@njit(cache=True, nogil=True)
def parse_edges(
    buf,
    pos,
    line,
    split,
    sep,
    comment,
    scol,
    dcol,
    wcol,
    wmode,
    int_labels,
    a_int,
    b_int,
    a_off,
    b_off,
    w_out,
):
    """Split lines of ``buf[pos:]`` into source, target and weight.

    ``a_int``/``b_int`` receive integer labels when ``int_labels``; otherwise
    ``a_off``/``b_off`` (shape (rows, 2)) receive [start, end) byte offsets of
    the label text. Returns ``(rows, lines, status, err_line, err_col,
    err_start, err_end)``; ``lines`` counts every line read, comments and
    blanks included, and ``err_col`` is 0-based.
    """
    n = buf.shape[0]
    need = max(scol, dcol, wcol) + 1
    row = 0
    while pos < n:
        line += 1
        e = pos
        while e < n and buf[e] != 10:
            e += 1
        le = e
        p = pos
        while p < le and _is_space(buf[p]):
            p += 1
        if p == le or (comment >= 0 and buf[p] == comment):
            pos = e + 1
            continue
        s_s = s_e = d_s = d_e = w_s = w_e = -1
        col = 0
        if split == SPLIT_WHITESPACE:
            q = p
            while q < le and col < need:
                fs = q
                while q < le and not _is_space(buf[q]):
                    q += 1
                if col == scol:
                    s_s, s_e = fs, q
                elif col == dcol:
                    d_s, d_e = fs, q
                elif col == wcol:
                    w_s, w_e = fs, q
                col += 1
                while q < le and _is_space(buf[q]):
                    q += 1
        else:
            q = pos
            while col < need:
                fs = q
                while q < le and buf[q] != sep:
                    q += 1
                fe = q
                while fs < fe and (buf[fs] == 32 or buf[fs] == 9):
                    fs += 1
                while fe > fs and _is_space(buf[fe - 1]):
                    fe -= 1
                if col == scol:
                    s_s, s_e = fs, fe
                elif col == dcol:
                    d_s, d_e = fs, fe
                elif col == wcol:
                    w_s, w_e = fs, fe
                col += 1
                if q >= le:
                    break
                q += 1
        if col < need:
            return row, line, FEW_FIELDS, line, col, p, le
        if s_e == s_s:
            return row, line, EMPTY_LABEL, line, scol, s_s, s_e
        if d_e == d_s:
            return row, line, EMPTY_LABEL, line, dcol, d_s, d_e
        if int_labels:
            a = parse_label_int(buf, s_s, s_e)
            b = parse_label_int(buf, d_s, d_e)
            if a < 0:
                return row, line, NOT_INT, line, scol, s_s, s_e
            if b < 0:
                return row, line, NOT_INT, line, dcol, d_s, d_e
            a_int[row] = a
            b_int[row] = b
        else:
            a_off[row, 0] = s_s
            a_off[row, 1] = s_e
            b_off[row, 0] = d_s
            b_off[row, 1] = d_e
        if wcol >= 0:
            ok, v = parse_float(buf, w_s, w_e)
            if not ok:
                return row, line, BAD_WEIGHT, line, wcol, w_s, w_e
            if wmode == WEIGHT_POSITIVE and not (v > 0.0 and v < np.inf):
                return row, line, WEIGHT_RANGE, line, wcol, w_s, w_e
            if wmode == WEIGHT_PROBABILITY and not (0.0 <= v <= 1.0):
                return row, line, WEIGHT_RANGE, line, wcol, w_s, w_e
            w_out[row] = v
        row += 1
        pos = e + 1
    return row, line, OK, -1, -1, -1, -1


@njit(cache=True, nogil=True)
def hash_tokens(buf, off):
    """64-bit FNV-1a hash of each ``buf[off[i,0]:off[i,1]]``."""
    out = np.empty(off.shape[0], dtype=np.uint64)
    for i in range(off.shape[0]):
        h = np.uint64(14695981039346656037)
        for j in range(off[i, 0], off[i, 1]):
            h = (h ^ np.uint64(buf[j])) * np.uint64(1099511628211)
        out[i] = h
    return out


@njit(cache=True, nogil=True)
def tokens_match(buf, off, rep, group):
    """True when every token equals its group's representative (no hash collision)."""
    for i in range(off.shape[0]):
        r = rep[group[i]]
        s, e = off[i, 0], off[i, 1]
        rs, re_ = off[r, 0], off[r, 1]
        if e - s != re_ - rs:
            return False
        for k in range(e - s):
            if buf[s + k] != buf[rs + k]:
                return False
    return True


@njit(cache=True)
def format_int_pairs(a: np.ndarray, b: np.ndarray, sep: int) -> np.ndarray:
    """``a[i] SEP b[i]\n`` for every i as UTF-8 bytes: integer labels written without Python.

    Reference: ``"".join(f"{x}{chr(sep)}{y}\n" ...)`` (``network.write`` falls
    back to the csv module for text labels; the round-trip tests compare both).
    """
    # 20 digits max per int64 label, two labels, separator and newline.
    out = np.empty(a.shape[0] * 42, dtype=np.uint8)
    pos = 0
    digits = np.empty(20, dtype=np.uint8)
    for i in range(a.shape[0]):
        for which in range(2):
            v = a[i] if which == 0 else b[i]
            if v < 0:
                out[pos] = 45
                pos += 1
                v = -v
            k = 0
            while True:
                digits[k] = 48 + v % 10
                v //= 10
                k += 1
                if v == 0:
                    break
            for j in range(k - 1, -1, -1):
                out[pos] = digits[j]
                pos += 1
            out[pos] = sep if which == 0 else 10
            pos += 1
    return out[:pos]
