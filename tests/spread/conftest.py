"""Spread fixtures: one in-process Dask cluster for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def dask_executor() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    from groundswell.compute import DaskExecutor

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield DaskExecutor(client)
    finally:
        client.close()
        cluster.close()
