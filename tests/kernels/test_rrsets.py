"""RR-set kernels against pure-Python references and exact small cases."""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest

from groundswell.kernels import rrsets as k
from groundswell.network.build import from_arrays
from groundswell.seeds.sampling import RRSets, rr_spec, stream_key
from groundswell.spread import Model

NO_STOP = np.zeros(0, dtype=np.bool_)


def _path(directed: bool = True):
    return from_arrays(np.array([0, 1]), np.array([1, 2]), n=3, directed=directed)[0]


def _sets(graph, model, count, seed=1) -> RRSets:
    sets = RRSets(rr_spec(graph, model), stream_key(seed))
    sets.extend_to(count)
    return sets


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (Model("ic", p=0.5), 1 + 0.5 + 0.25),  # sigma({0}) on 0 -> 1 -> 2
        (Model("direct", p=0.5), 1 + 0.5),  # one step only
        (Model("ic", p=0.5, max_steps=1), 1 + 0.5),
        (Model("lt"), 3.0),  # in-weights 1: every walk reaches 0
        (Model("ic", p=1.0), 3.0),
        (Model("ic", p=0.0), 1.0),
    ],
)
def test_rr_estimate_matches_exact_spread(model, expected):
    sets = _sets(_path(), model, 200_000)
    estimate = 3 * sets.coverage(np.array([0])) / sets.count
    assert estimate == pytest.approx(expected, abs=0.02)


def test_every_set_starts_with_its_root_and_has_no_repeats():
    rng = np.random.default_rng(0)
    g = from_arrays(rng.integers(0, 50, 300), rng.integers(0, 50, 300), n=50)[0]
    for model in (Model("ic", p=0.3), Model("lt"), Model("wc")):
        sets = _sets(g, model, 2000)
        for s in range(sets.count):
            members = sets.members[sets.offsets[s] : sets.offsets[s + 1]]
            assert len(set(members.tolist())) == members.size >= 1


def test_roots_are_uniform():
    g = _path()
    sets = _sets(g, Model("ic", p=0.0), 30_000)
    roots = np.bincount(sets.members, minlength=3) / sets.count
    np.testing.assert_allclose(roots, 1 / 3, atol=0.015)


def test_sets_do_not_depend_on_chunking_or_threads():
    rng = np.random.default_rng(3)
    g = from_arrays(rng.integers(0, 200, 1000), rng.integers(0, 200, 1000), n=200)[0]
    spec = rr_spec(g, Model("ic", p=0.2))
    key = stream_key(9)
    args = (spec.indptr, spec.indices, spec.probs, spec.kind, spec.p, -1, key)
    whole = k.rr_chunk(*args, 0, 9000, NO_STOP)
    a = k.rr_chunk(*args, 0, 4000, NO_STOP)
    b = k.rr_chunk(*args, 4000, 5000, NO_STOP)
    np.testing.assert_array_equal(whole[0], np.concatenate([a[0], b[0]]))
    np.testing.assert_array_equal(whole[1], np.concatenate([a[1], b[1]]))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _sets(g, Model("ic", p=0.2), 20_000, seed=9)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = _sets(g, Model("ic", p=0.2), 20_000, seed=9)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.members, many.members)
    np.testing.assert_array_equal(one.offsets, many.offsets)


def _random_system(rng, n=40, sets=300):
    sizes = rng.integers(1, 6, sets)
    members = np.concatenate([rng.choice(n, s, replace=False) for s in sizes]).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return offsets, members


def _naive_greedy(offsets, members, n, kk):
    sets = [set(members[offsets[s] : offsets[s + 1]].tolist()) for s in range(len(offsets) - 1)]
    covered: set[int] = set()
    order = []
    for _ in range(kk):
        gains = [
            sum(1 for i, s in enumerate(sets) if i not in covered and v in s) for v in range(n)
        ]
        for v in order:
            gains[v] = -1
        best = max(range(n), key=lambda v: (gains[v], -v))
        if gains[best] <= 0:
            break
        order.append(best)
        covered |= {i for i, s in enumerate(sets) if best in s}
    return order, len(covered)


@pytest.mark.parametrize("trial", range(5))
def test_lazy_greedy_equals_naive_greedy(trial):
    rng = np.random.default_rng(trial)
    offsets, members = _random_system(rng)
    n = 40
    ptr, sets = k.invert(offsets, members, n)
    order, after, _forced_cov, upper = k.greedy_cover(
        offsets,
        members,
        ptr,
        sets,
        np.ones(n, np.bool_),
        np.zeros(0, np.int32),
        np.ones(n),
        np.inf,
        8,
        10**9,
        False,
        8,
    )
    ref_order, ref_cov = _naive_greedy(offsets, members, n, 8)
    assert order.tolist() == ref_order
    assert after[-1] == ref_cov
    assert upper >= ref_cov


def test_invert_covered_and_prefix_coverage_match_python():
    rng = np.random.default_rng(7)
    offsets, members = _random_system(rng)
    n = 40
    ptr, sets = k.invert(offsets, members, n)
    for v in range(n):
        expected = [s for s in range(len(offsets) - 1) if v in members[offsets[s] : offsets[s + 1]]]
        assert sets[ptr[v] : ptr[v + 1]].tolist() == expected
    order = np.array([5, 3, 17, 2], dtype=np.int32)
    prefix = k.prefix_coverage(offsets, members, order, n)
    for i in range(order.size + 1):
        mask = np.zeros(n, np.bool_)
        mask[order[:i]] = True
        assert prefix[i] == k.covered_count(offsets, members, mask)
    np.testing.assert_array_equal(k.node_counts(members, n), np.diff(ptr))


@pytest.mark.parametrize("p", [0.5, 0.05, 0.01, 0.001])
def test_geometric_skips_follow_the_exact_law(p):
    draws = k.geometric_sample(p, stream_key(4), 400_000)
    assert draws.min() >= 0
    # P(G = j) = p q^j (failures before the first success); the alias columns
    # cover j < 255 and the inversion tail the rest, so check both sides.
    edges = np.unique(np.concatenate([np.arange(0, 20), np.geomspace(20, 5000, 30).astype(int)]))
    observed = np.histogram(draws, bins=np.append(edges, np.inf))[0] / draws.size
    q = 1 - p
    expected = q**edges - np.append(q ** edges[1:], 0.0)
    sd = np.sqrt(expected * (1 - expected) / draws.size)
    assert np.all(np.abs(observed - expected) <= 5 * sd + 1e-6)
    assert draws.mean() == pytest.approx(q / p, rel=0.02)


def test_geometric_table_columns_add_up_to_the_law():
    p = 0.05
    thresholds, alias = k.geometric_table(p)
    size = thresholds.size
    coin = thresholds.astype(np.float64) / 2.0**56
    mass = coin / size
    np.add.at(mass, alias, (1 - coin) / size)
    q = 1 - p
    exact = np.append(p * q ** np.arange(size - 1), q ** (size - 1))
    np.testing.assert_allclose(mass, exact, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(
    "model", [Model("ic", p=0.3), Model("wc"), Model("lt"), Model("direct", p=0.6)]
)
def test_hit_and_stop_counts_equal_full_set_coverage(model):
    rng = np.random.default_rng(11)
    g = from_arrays(rng.integers(0, 80, 400), rng.integers(0, 80, 400), n=80)[0]
    spec = rr_spec(g, model)
    key = stream_key(3)
    args = (spec.indptr, spec.indices, spec.probs, spec.kind, spec.p, spec.max_steps, key)
    sizes, members = k.rr_chunk(*args, 100, 3000, NO_STOP)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for seeds in ([], [0], [5, 17, 40], list(range(0, 80, 3))):
        mask = np.zeros(80, np.bool_)
        mask[seeds] = True
        assert k.rr_hits(*args, 100, 3000, mask) == k.covered_count(offsets, members, mask)


def _split(sizes, members):
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    return [members[offsets[s] : offsets[s + 1]].tolist() for s in range(len(sizes))]


@pytest.mark.parametrize("model", [Model("ic", p=0.3), Model("wc"), Model("lt")])
def test_stopped_sets_are_full_sets_cut_after_their_first_stop_member(model):
    rng = np.random.default_rng(12)
    g = from_arrays(rng.integers(0, 60, 360), rng.integers(0, 60, 360), n=60)[0]
    spec = rr_spec(g, model)
    args = (spec.indptr, spec.indices, spec.probs, spec.kind, spec.p, spec.max_steps, stream_key(5))
    stop = np.zeros(60, np.bool_)
    stop[[3, 30, 41]] = True
    full = _split(*k.rr_chunk(*args, 0, 2000, NO_STOP))
    cut = _split(*k.rr_chunk(*args, 0, 2000, stop))
    for whole, short in zip(full, cut, strict=True):
        hit = [i for i, v in enumerate(whole) if stop[v]]
        assert short == (whole[: hit[0] + 1] if hit else whole)


def test_min_bound_over_sentinel_cut_sets_bounds_the_best_k_over_full_sets():
    # With the sentinels chosen first, covered(S_i) and every marginal gain
    # are the same over cut and full sets, so the bound must hold for the
    # exact best k over the full sets.
    rng = np.random.default_rng(13)
    g = from_arrays(rng.integers(0, 14, 60), rng.integers(0, 14, 60), n=14)[0]
    spec = rr_spec(g, Model("ic", p=0.4))
    args = (spec.indptr, spec.indices, spec.probs, spec.kind, spec.p, -1, stream_key(8))
    sizes, members = k.rr_chunk(*args, 0, 400, NO_STOP)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    kk = 3
    best = max(
        k.covered_count(offsets, members, np.isin(np.arange(14), combo))
        for combo in itertools.combinations(range(14), kk)
    )
    for sentinel in range(14):
        stop = np.zeros(14, np.bool_)
        stop[sentinel] = True
        cut_sizes, cut_members = k.rr_chunk(*args, 0, 400, stop)
        cut_offsets = np.concatenate([[0], np.cumsum(cut_sizes)])
        ptr, sets = k.invert(cut_offsets, cut_members, 14)
        order, after, forced_after, upper = k.greedy_cover(
            cut_offsets,
            cut_members,
            ptr,
            sets,
            np.ones(14, np.bool_),
            np.array([sentinel], np.int32),
            np.ones(14),
            np.inf,
            kk - 1,
            10**9,
            False,
            kk,
        )
        assert upper >= best
        # covered over the cut sets is the true coverage over the full sets
        mask = np.zeros(14, np.bool_)
        mask[[sentinel, *order.tolist()]] = True
        assert after[-1] == k.covered_count(offsets, members, mask)
        assert forced_after[0] == k.covered_count(offsets, members, stop)


def test_a_vanishing_probability_skips_past_every_edge_instead_of_wrapping() -> None:
    # ln(u) / ln(1 - 1e-38) passes 2**63: the skip is capped, never cast to a negative index.
    skips = k.geometric_sample(1.1754943508222875e-38, np.uint64(7), 2_000)
    assert skips.min() >= 0 and (skips > 2**40).mean() > 0.9
