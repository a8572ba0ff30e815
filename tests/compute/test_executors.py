"""Executors: choice from settings or address, order kept, same numbers everywhere."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.compute import Executor, LocalExecutor, executor_for
from groundswell.errors import ConfigError
from groundswell.network.generate import barabasi_albert
from groundswell.settings import load_settings
from groundswell.spread import Model, simulate


def _square(shared: int, part: int, parallel: bool) -> tuple[int, bool]:
    return shared * part, parallel


def test_executor_for_settings_and_addresses() -> None:
    assert isinstance(executor_for(None), LocalExecutor)
    local = executor_for(load_settings({}, threads=1))
    assert isinstance(local, LocalExecutor) and local.threads == 1
    assert executor_for(load_settings({})).threads is None
    assert isinstance(local, Executor)


def test_local_executor_keeps_order_and_runs_kernels_in_parallel() -> None:
    with LocalExecutor() as ex:
        assert ex.parts_for(1000) == 1
        assert ex.map_runs(_square, 3, [1, 2, 3]) == [(3, True), (6, True), (9, True)]


def test_unreachable_scheduler_is_a_config_error() -> None:
    pytest.importorskip("distributed")
    from groundswell.compute import DaskExecutor

    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout="1s")


@pytest.fixture(scope="module")
def process_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.mark.slow
def test_dask_worker_processes_give_the_local_numbers(process_cluster) -> None:
    from groundswell.compute import DaskExecutor

    g = barabasi_albert(2000, 3, seed=1)
    seeds = np.array([1, 50, 700], np.int32)
    model = Model("ic", p=0.1, never_adopt=0.1)
    local = simulate(g, model, seeds, runs=400, seed=2)
    with DaskExecutor(process_cluster.scheduler_address) as ex:
        assert ex.parts_for(400) == 4
        assert ex.map_runs(_square, 2, [5, 6]) == [(10, False), (12, False)]
        remote = simulate(g, model, seeds, runs=400, seed=2, executor=ex)
        # A second call reuses the scattered graph.
        again = simulate(g, model, seeds, runs=400, seed=2, executor=ex)
    for r in (remote, again):
        assert np.array_equal(r.reach, local.reach)
        assert np.array_equal(r.adoption_probability, local.adoption_probability)
        assert np.array_equal(r.curve_mean, local.curve_mean)
