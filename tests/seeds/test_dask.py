"""The same call on a Dask cluster returns the same seeds for the same random seed."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.network.build import from_arrays
from groundswell.seeds import best_k, fewest_seeds
from groundswell.spread import Model

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def executor():
    from groundswell.compute.remote import DaskExecutor

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = distributed.Client(cluster)
    with DaskExecutor(client) as ex:
        yield ex
    client.close()
    cluster.close()


def test_local_and_dask_agree(executor):
    rng = np.random.default_rng(8)
    g = from_arrays(rng.integers(0, 500, 2500), rng.integers(0, 500, 2500), n=500)[0]
    for model in (Model("ic", p=0.1), Model("lt")):
        for method in ("opim-c", "imm"):
            local = best_k(g, model, 8, seed=21, method=method)
            remote = best_k(g, model, 8, seed=21, method=method, executor=executor)
            np.testing.assert_array_equal(local.seeds, remote.seeds)
            assert local.estimate == remote.estimate
    local = fewest_seeds(g, Model("ic", p=0.1), 0.8, seed=2, error=0.02)
    remote = fewest_seeds(g, Model("ic", p=0.1), 0.8, seed=2, error=0.02, executor=executor)
    np.testing.assert_array_equal(local.seeds, remote.seeds)
    np.testing.assert_array_equal(local.curve, remote.curve)


def test_local_and_dask_agree_with_a_sentinel(executor):
    # Node 0 reaches everyone, so OPIM-C stops later RR sets at it on the workers too.
    rng = np.random.default_rng(9)
    src = np.concatenate([np.zeros(399, int), rng.integers(1, 400, 1200)])
    dst = np.concatenate([np.arange(1, 400), rng.integers(1, 400, 1200)])
    g = from_arrays(src, dst, n=400, directed=True)[0]
    local = best_k(g, Model("ic", p=0.2), 8, seed=5)
    remote = best_k(g, Model("ic", p=0.2), 8, seed=5, executor=executor)
    assert local.seeds[0] == 0
    np.testing.assert_array_equal(local.seeds, remote.seeds)
    assert local.estimate == remote.estimate
