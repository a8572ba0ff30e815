"""The graph-building and edge-list kernels against plain-Python references."""

from __future__ import annotations

import numpy as np

from groundswell.kernels.edgelist_text import count_lines, format_int_pairs
from groundswell.kernels.graph_csr import build_csr
from groundswell.kernels.graph_generate import barabasi_albert_ties
from groundswell.rng import generator


def test_build_csr_matches_sorted_rows_and_keeps_a_repeat_s_first_weight() -> None:
    rng = np.random.default_rng(3)
    n = 40
    rows = rng.integers(0, n, 500).astype(np.int32)
    cols = rng.integers(0, n, 500).astype(np.int32)
    w = rng.random(500).astype(np.float32)
    indptr, indices, weights, merged = build_csr(rows, cols, w, n, True)
    want: dict[int, dict[int, float]] = {}
    for r, c, x in zip(rows.tolist(), cols.tolist(), w.tolist(), strict=True):
        want.setdefault(r, {}).setdefault(c, x)  # the first weight in input order
    assert merged == 500 - sum(len(v) for v in want.values())
    for r in range(n):
        got = indices[indptr[r] : indptr[r + 1]].tolist()
        assert got == sorted(want.get(r, {}))
        assert np.allclose(weights[indptr[r] : indptr[r + 1]], [want[r][c] for c in got])


def test_format_int_pairs_writes_what_python_writes() -> None:
    a = np.array([0, 7, -12, 9_223_372_036_854_775_807], dtype=np.int64)
    b = np.array([1, -3, 450, 0], dtype=np.int64)
    want = "".join(f"{x},{y}\n" for x, y in zip(a.tolist(), b.tolist(), strict=True))
    assert format_int_pairs(a, b, ord(",")).tobytes().decode() == want
    # An upper bound for the parser's arrays: newlines + 1.
    assert count_lines(np.frombuffer(want.encode(), dtype=np.uint8)) == 5


def test_barabasi_albert_ties_join_m_distinct_older_nodes() -> None:
    n, m = 200, 3
    src, dst = barabasi_albert_ties(n, m, generator(5))
    assert src.shape == dst.shape == (m * (n - m),)
    assert (dst < src).all()  # every tie joins a new node to an older one
    for v in range(m + 1, n):
        targets = dst[src == v]
        assert len(targets) == m == len(set(targets.tolist()))
    # Preferential attachment: the first nodes gather far more ties than the last.
    degree = np.bincount(np.concatenate([src, dst]), minlength=n)
    assert degree[: m + 1].mean() > 5 * degree[-50:].mean()
