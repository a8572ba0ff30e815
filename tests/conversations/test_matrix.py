"""Vote matrix: the latest vote wins, updates merge, bad votes are refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.conversations import add_votes, build_matrix
from groundswell.errors import InvalidInput


def _reference(pids, tids, votes):
    cells = {}
    for p, t, v in zip(pids, tids, votes, strict=True):
        cells[(p, t)] = v  # later overwrites earlier
    return cells


def _cells(m):
    rows, cols, vals = m.triples()
    return {(m.pids[r], m.tids[c]): int(v) for r, c, v in zip(rows, cols, vals, strict=True)}


def test_latest_vote_wins_in_log_order():
    m = build_matrix(["a", "a", "b", "a"], [1, 2, 1, 1], [1, 0, -1, -1])
    assert _cells(m) == {("a", 1): -1, ("a", 2): 0, ("b", 1): -1}
    assert m.pids == ["a", "b"] and m.tids == [1, 2]  # order of first appearance


def test_timestamps_decide_the_latest_vote():
    m = build_matrix(["a", "a"], [1, 1], [1, -1], timestamps=[20, 10])
    assert _cells(m) == {("a", 1): 1}


def test_pass_is_stored_and_counts_as_seen():
    m = build_matrix(["a", "a"], [1, 2], [0, 1])
    assert m.row_counts().tolist() == [2]
    assert np.isnan(build_matrix(["a", "b"], [1, 2], [1, 1]).to_dense()[0, 1])


@pytest.mark.parametrize("bad", [2, -2, 5])
def test_bad_vote_is_refused_with_a_clear_message(bad):
    with pytest.raises(InvalidInput, match="is not -1, 0 or 1"):
        build_matrix(["a"], [1], [bad])


def test_length_mismatch_is_refused():
    with pytest.raises(InvalidInput, match="same length"):
        build_matrix(["a", "b"], [1], [1])


votes_log = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 5), st.sampled_from([-1, 0, 1])), max_size=60
)


@settings(max_examples=60, deadline=None)
@given(votes_log, votes_log)
def test_add_votes_equals_building_from_the_whole_log(first, second):
    log = first + second
    p, t, v = ([x[i] for x in log] for i in range(3))
    whole = build_matrix(p, t, v)
    p1, t1, v1 = ([x[i] for x in first] for i in range(3))
    p2, t2, v2 = ([x[i] for x in second] for i in range(3))
    merged = add_votes(build_matrix(p1, t1, v1), p2, t2, v2)
    assert _cells(merged) == _reference(p, t, v) == _cells(whole)
    for m in (merged, whole):  # column indices sorted within rows
        for r in range(m.shape[0]):
            seg = m.indices[m.indptr[r] : m.indptr[r + 1]]
            assert np.all(np.diff(seg) > 0)
