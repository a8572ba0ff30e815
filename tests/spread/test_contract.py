"""One suite over every spread model: the checks each must pass (docs/contributing.md)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from spread_graphs import graph_of, ring_lattice

from groundswell.compute import LocalExecutor
from groundswell.errors import InvalidInput
from groundswell.network.graph import Graph
from groundswell.spread import Model, SpreadResult, simulate

MODELS = {
    "ic": Model("ic", p=0.3),
    "ic-per-edge": Model("ic"),
    "wc": Model("wc"),
    "lt": Model("lt"),
    "complex-k": Model("complex", threshold=2, never_adopt=0.1),
    "complex-fraction": Model("complex", fraction=0.4),
    "sir": Model("sir", p=0.2, recovery=0.5),
    "direct": Model("direct", p=0.6),
    "ic-never-capped": Model("ic", p=0.5, never_adopt=0.2, max_steps=3),
}
STOCHASTIC = set(MODELS) - {"complex-fraction"}


def _graph() -> Graph:
    """A ring lattice (2 ties each side) plus a few long ties, with weights."""
    near = np.repeat(np.arange(40), 2)
    src = np.concatenate([near, [0, 5, 13, 21]])
    dst = np.concatenate([(near + np.tile([1, 2], 40)) % 40, [20, 30, 33, 2]])
    w = np.random.default_rng(0).uniform(0.1, 0.7, src.shape[0])
    return graph_of(list(zip(src, dst, strict=True)), 40, weights=w)


SEEDS = np.array([0, 1, 17], np.int32)


def _same(a: SpreadResult, b: SpreadResult) -> None:
    assert a.runs == b.runs and a.n == b.n
    assert np.array_equal(a.reach, b.reach)
    assert np.array_equal(a.adoption_probability, b.adoption_probability)
    for name in ("curve_mean", "curve_lo", "curve_hi"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.reach_ci95 == b.reach_ci95


@pytest.fixture(params=sorted(MODELS))
def model_name(request: pytest.FixtureRequest) -> str:
    return request.param


def test_same_seed_same_result(model_name: str) -> None:
    g, model = _graph(), MODELS[model_name]
    a = simulate(g, model, SEEDS, runs=300, seed=5)
    _same(a, simulate(g, model, SEEDS, runs=300, seed=5))
    if model_name in STOCHASTIC:
        assert not np.array_equal(a.reach, simulate(g, model, SEEDS, runs=300, seed=6).reach)


def test_thread_count_does_not_change_numbers(model_name: str) -> None:
    g, model = _graph(), MODELS[model_name]
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate(g, model, SEEDS, runs=200, seed=3)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = simulate(g, model, SEEDS, runs=200, seed=3)
    finally:
        numba.set_num_threads(before)
    _same(one, two)
    _same(one, simulate(g, model, SEEDS, runs=200, seed=3, executor=LocalExecutor(threads=1)))


def test_local_and_dask_executors_agree(model_name: str, dask_executor: object) -> None:
    g, model = _graph(), MODELS[model_name]
    local = simulate(g, model, SEEDS, runs=150, seed=9)
    _same(local, simulate(g, model, SEEDS, runs=150, seed=9, executor=dask_executor))


def test_empty_and_one_node_graphs(model_name: str) -> None:
    model = MODELS[model_name]
    empty = graph_of([], 0, weights=np.empty(0))
    r = simulate(empty, model, np.empty(0, np.int32), runs=5)
    assert r.reach.tolist() == [0] * 5 and r.reach_mean == 0.0 and r.n == 0
    assert r.adoption_probability.shape == (0,)
    one = graph_of([], 1, weights=np.empty(0))
    r = simulate(one, model, np.array([0]), runs=4)
    assert r.reach.tolist() == [1] * 4 and r.adoption_probability.tolist() == [1.0]
    assert r.curve_mean.tolist() == [1.0] and r.reach_se == 0.0


def test_inputs_not_mutated(model_name: str) -> None:
    g, model = _graph(), MODELS[model_name]
    arrays = {name: getattr(g, name).copy() for name in ("indptr", "indices", "weights")}
    seeds = SEEDS.copy()
    simulate(g, model, seeds, runs=50, seed=1)
    for name, before in arrays.items():
        assert np.array_equal(getattr(g, name), before), name
    assert np.array_equal(seeds, SEEDS)


def test_result_fields_are_consistent(model_name: str) -> None:
    g, model = _graph(), MODELS[model_name]
    r = simulate(g, model, SEEDS, runs=400, seed=2)
    assert r.runs == 400 and r.n == g.n and r.reach.shape == (400,) and r.reach.dtype == np.int64
    assert (r.reach >= len(SEEDS)).all() and (r.reach <= g.n).all()
    assert r.reach_mean == pytest.approx(r.reach.mean())
    lo, hi = r.reach_ci95
    assert lo <= r.reach_mean <= hi and r.reach_se >= 0
    assert r.curve_mean[0] == len(SEEDS) and r.curve_mean[-1] == pytest.approx(r.reach_mean)
    assert (np.diff(r.curve_mean) >= 0).all()
    assert (r.curve_lo <= r.curve_mean + 1e-9).all() and (r.curve_mean <= r.curve_hi + 1e-9).all()
    assert r.adoption_probability.shape == (g.n,)
    assert ((r.adoption_probability >= 0) & (r.adoption_probability <= 1)).all()
    assert r.adoption_probability[SEEDS].tolist() == [1.0] * len(SEEDS)
    assert round(r.adoption_probability.sum() * r.runs) == r.reach.sum()
    if model.max_steps is not None or model.kind == "direct":
        assert len(r.curve_mean) - 1 <= (model.max_steps or 1)


def test_tolerance_stops_exactly_where_a_fixed_run_count_would(model_name: str) -> None:
    g, model = _graph(), MODELS[model_name]
    early = simulate(g, model, SEEDS, runs=5000, seed=4, tolerance=0.05)
    assert early.runs < 5000 and early.stopped_early
    assert early.runs in {100, 200, 400, 800, 1600, 3200}
    _same(early, simulate(g, model, SEEDS, runs=early.runs, seed=4))


def test_progress_is_reported_without_changing_numbers(model_name: str) -> None:
    g, model = _graph(), MODELS[model_name]
    seen: list[tuple[int, int]] = []
    r = simulate(g, model, SEEDS, runs=250, seed=8, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (250, 250) and [d for d, _ in seen] == sorted({d for d, _ in seen})
    _same(r, simulate(g, model, SEEDS, runs=250, seed=8))


BAD = [
    (lambda: Model("ic", p=1.5), "p must be in [0, 1]"),
    (lambda: Model("ic", p=-0.1), "p must be in"),
    (lambda: Model("sir", p=0.1), "needs recovery"),
    (lambda: Model("complex"), "exactly one of threshold"),
    (lambda: Model("complex", threshold=2, fraction=0.5), "exactly one of threshold"),
    (lambda: Model("complex", threshold=0), "threshold must be a whole number >= 1"),
    (lambda: Model("lt", p=0.2), "p does not apply"),
    (lambda: Model("ic", p=0.1, threshold=2), "apply only to the complex"),
    (lambda: Model("ic", p=0.1, never_adopt=1.0), "never_adopt must be below 1"),
    (lambda: Model("ic", p=0.1, max_steps=-1), "max_steps"),
    (lambda: Model("nope"), "unknown model"),  # type: ignore[arg-type]
    (lambda: simulate(_graph(), Model("ic", p=0.1), np.array([99])), "not a node"),
    (lambda: simulate(_graph(), Model("ic", p=0.1), SEEDS, runs=0), "runs must be"),
    (lambda: simulate(_graph(), Model("ic", p=0.1), SEEDS, tolerance=-1), "tolerance"),
    (lambda: simulate(ring_lattice(6, 2), Model("ic"), np.array([0])), "needs p"),
]


@pytest.mark.parametrize(("call", "message"), BAD)
def test_bad_input_is_one_clear_error(call, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_t_quantile_matches_scipy() -> None:
    from scipy import stats

    from groundswell.spread.results import t975

    for df in (1, 2, 5, 29, 30, 31, 50, 99, 1000, 10**6):
        assert t975(df) == pytest.approx(stats.t.ppf(0.975, df), abs=1e-6)
