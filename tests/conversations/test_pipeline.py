"""Pipeline contract: determinism, incremental updates, routing, stability."""

from __future__ import annotations

import numpy as np
import pytest
from polis_fixtures import DATASETS, ari, loaded

from groundswell.conversations import analyse, build_matrix, next_statement, update
from groundswell.conversations.clusters import Groups, in_conversation, smooth_k
from groundswell.conversations.routing import priorities
from groundswell.conversations.synthetic import synthetic_votes
from groundswell.errors import InvalidInput


def test_same_seed_same_groups(polis):
    export, matrix, first = polis
    again = analyse(matrix, moderated_out=export.moderated_out, seed=0)
    assert np.array_equal(first.participant_group, again.participant_group)
    assert np.array_equal(first.pca.participants, again.pca.participants)
    assert first.summary()["groups"] == again.summary()["groups"]


def test_moderated_out_statements_are_left_out(polis):
    export, matrix, result = polis
    out = set(export.moderated_out)
    for group in result.repness:
        assert not out & {r.tid for r in group}
    assert not out & {s.tid for s in result.consensus.agree + result.consensus.disagree}
    cols = [j for j, t in enumerate(matrix.tids) if t in out]
    assert np.all(np.abs(result.pca.components[:, cols]) < 1e-12)


def test_every_group_has_representative_statements_and_agrees_come_first(polis):
    _, _, result = polis
    assert 2 <= result.k <= 5
    for group in result.repness:
        assert 1 <= len(group) <= 5
        sides = [r.direction for r in group]
        assert sides == sorted(sides)  # "agree" < "disagree"


def test_clustered_participants_meet_the_vote_threshold(polis):
    _, matrix, result = polis
    counts = matrix.row_counts()
    assert np.all(counts[result.in_conv] >= min(7, matrix.shape[1]))
    assert np.all(result.participant_group[~result.in_conv] == -1)


def test_greedy_top_up_and_monotone_membership():
    counts = np.array([1, 2, 3, 9, 0])
    mask = in_conversation(counts, 10, greedy_n=3)
    assert mask.tolist() == [False, True, True, True, False]
    previous = np.array([True, False, False, False, False])
    assert in_conversation(counts, 10, previous, greedy_n=0)[0]


def test_k_smoother_waits_for_four_agreeing_updates():
    state = Groups(np.zeros(1, np.int64), np.zeros((2, 2)), 2, {}, {}, (2, 1))
    k = 2
    for expected in (2, 2, 2, 3):
        k, streak = smooth_k(state, 3)
        state = Groups(state.of_base, state.centres, k, {}, {}, streak)
        assert k == expected
    assert smooth_k(None, 4)[0] == 4


def test_incremental_update_matches_a_cold_recompute():
    sv = synthetic_votes(3000, 120, 60_000, n_groups=3, seed=5)
    n = sv.rows.shape[0]
    first = analyse(sv.matrix(n - 1000), seed=3)
    warm = update(first, list(sv.rows[n - 1000 :]), list(sv.cols[n - 1000 :]), sv.votes[n - 1000 :])
    cold = analyse(sv.matrix(), seed=3)
    assert warm.matrix.n_votes == cold.matrix.n_votes
    assert np.all(warm.in_conv[: first.in_conv.shape[0]] >= first.in_conv)
    np.testing.assert_allclose(np.abs(warm.pca.components), np.abs(cold.pca.components), atol=1e-5)
    rows = warm.in_conv & cold.in_conv
    if warm.k == cold.k:
        assert ari(warm.participant_group[rows], cold.participant_group[rows]) > 0.9


def test_large_matrix_path_agrees_with_dense_path(monkeypatch):
    import groundswell.conversations.pca as pca

    matrix = synthetic_votes(2500, 150, 40_000, n_groups=3, seed=9).matrix()
    monkeypatch.setattr(pca, "GRAM_LIMIT", 1000)
    dense = pca.run_pca(matrix, np.zeros(150, bool))
    monkeypatch.setattr(pca, "GRAM_LIMIT", 0)
    monkeypatch.setattr(pca, "DENSE_LIMIT", 0)
    sparse = pca.run_pca(matrix, np.zeros(150, bool), tol=1e-9)
    assert sparse.iterations > 0
    np.testing.assert_allclose(sparse.components, dense.components, atol=1e-7)
    np.testing.assert_allclose(sparse.participants, dense.participants, atol=1e-6)


def test_projection_scaling_formula():
    # One participant with 2 of 4 statements seen: scale sqrt(4 / 2).
    m = build_matrix(list("aabbccdd"), [1, 2, 1, 3, 2, 4, 3, 4], [1, -1, -1, 1, 1, 0, -1, 1])
    result = analyse(m, seed=0)
    dense = m.to_dense()
    mu = np.nanmean(dense, axis=0)
    x = np.where(np.isnan(dense), 0.0, dense - mu)
    raw = x @ result.pca.components.T
    np.testing.assert_allclose(result.pca.participants, raw * np.sqrt(4 / 2), atol=1e-12)


def test_priority_formula_values():
    # Unseen statement: ((1 - 1/2) * 1 * (1/2) * 9)^2; meta: 49.
    got = priorities(
        np.array([0, 3]),
        np.array([0, 1]),
        np.array([0, 5]),
        np.array([0.0, 1.0]),
        np.array([False, False]),
    )
    assert got[0] == pytest.approx((0.5 * 0.5 * 9) ** 2)
    p, a = (1 + 1) / 7, (1 + 3) / 7
    assert got[1] == pytest.approx(((1 - p) * 2 * a * (1 + 8 * 2**-1)) ** 2)
    assert priorities([0], [0], [0], [0.0], np.array([True]))[0] == 49


def test_routing_never_repeats_and_skips_moderated_out(polis):
    export, matrix, result = polis
    pid = matrix.pids[0]
    lo, hi = matrix.indptr[0], matrix.indptr[1]
    voted = {matrix.tids[j] for j in matrix.indices[lo:hi]}
    out = set(export.moderated_out)
    rng = np.random.default_rng(0)
    for _ in range(30):
        tid = next_statement(result, pid, seed=rng)
        assert tid is None or (tid not in voted and tid not in out)
    everything = list(matrix.tids)
    assert next_statement(result, pid, exclude=everything) is None
    assert next_statement(result, "newcomer", statements=["brand-new"], seed=1) == "brand-new"


def test_bad_arguments_are_refused():
    m = build_matrix(["a"], [1], [1])
    with pytest.raises(InvalidInput, match="seed"):
        analyse(m, seed=-1)


def test_tiny_and_empty_conversations_do_not_fail():
    analyse(build_matrix([], [], []), seed=0)
    one = analyse(build_matrix(["a", "a"], [1, 2], [1, -1]), seed=0)
    assert one.participants() == {"a": 0} or one.k <= 1


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.slow) if n == "football-concussions" else n
        for n in DATASETS
    ],
)
def test_groups_are_stable_under_bootstrap(name):
    """Mean adjusted Rand index of 20 participant-bootstrap recomputes vs the full data."""
    export, matrix, full = loaded(name)
    rng = np.random.default_rng(0)
    scores = []
    for _ in range(20):
        pick = rng.integers(matrix.shape[0], size=matrix.shape[0])
        lengths = np.diff(matrix.indptr)[pick]
        cells = np.concatenate([np.arange(matrix.indptr[i], matrix.indptr[i + 1]) for i in pick])
        copies = np.repeat(np.arange(pick.shape[0]), lengths)
        pids = [(matrix.pids[pick[c]], int(c)) for c in copies]
        tids = [matrix.tids[j] for j in matrix.indices[cells]]
        boot = analyse(
            build_matrix(pids, tids, matrix.data[cells]), moderated_out=export.moderated_out, seed=0
        )
        group = {}
        for r, (pid, _) in enumerate(boot.matrix.pids):
            if boot.participant_group[r] >= 0:
                group.setdefault(pid, boot.participant_group[r])
        rows = [
            i for i, p in enumerate(matrix.pids) if full.participant_group[i] >= 0 and p in group
        ]
        scores.append(
            ari(full.participant_group[rows], np.array([group[matrix.pids[i]] for i in rows]))
        )
    mean = float(np.mean(scores))
    print(f"{name}: mean ARI over 20 bootstrap recomputes {mean:.3f} (min {min(scores):.3f})")
    assert mean > 0.4


def test_slow_subspace_iteration_hands_over_to_lapack_with_the_same_axes(monkeypatch):
    # No planted groups: the eigengap is small and subspace iteration needs
    # ~190 passes; after EIGH_AFTER passes the dense eigensolver takes over.
    import groundswell.conversations.pca as pca

    matrix = synthetic_votes(540, 310, 30_000, n_groups=1, seed=1).matrix()
    handed = pca.run_pca(matrix, np.zeros(310, bool))
    assert handed.iterations == pca.EIGH_AFTER
    monkeypatch.setattr(pca, "EIGH_LIMIT", 0)
    iterated = pca.run_pca(matrix, np.zeros(310, bool))
    assert iterated.iterations > pca.EIGH_AFTER
    np.testing.assert_allclose(handed.components, iterated.components, atol=1e-9)
    np.testing.assert_allclose(handed.participants, iterated.participants, atol=1e-8)
    np.testing.assert_allclose(handed.singular_values, iterated.singular_values, rtol=1e-12)
