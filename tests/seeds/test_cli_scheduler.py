"""``seeds --scheduler`` and GROUNDSWELL_SCHEDULER: the same seeds on a Dask cluster."""

from __future__ import annotations

import json

import numpy as np
import pytest

from groundswell.cli.main import main

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def address():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture
def ties(tmp_path):
    rng = np.random.default_rng(4)
    path = tmp_path / "ties.csv"
    rows = [f"p{a},p{b}" for a, b in rng.integers(0, 300, (900, 2)) if a != b]
    path.write_text("source,target\n" + "\n".join(rows) + "\n")
    return path


def _seeds(capsys, *argv: str) -> dict:
    assert main(["seeds", *argv, "--runs", "100", "--seed", "5", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("how", [("--k", "6"), ("--target", "0.5", "--error", "0.05")])
def test_scheduler_option_and_setting_give_the_local_seeds(capsys, monkeypatch, ties, address, how):
    args = (str(ties), "--model", "ic", "--p", "0.1", *how)
    local = _seeds(capsys, *args)
    remote = _seeds(capsys, *args, "--scheduler", address)
    assert remote["seeds"] == local["seeds"]
    assert remote["reach_mean"] == pytest.approx(local["reach_mean"])
    monkeypatch.setenv("GROUNDSWELL_SCHEDULER", address)
    assert _seeds(capsys, *args)["seeds"] == local["seeds"]


def test_the_setting_alone_picks_the_cluster(monkeypatch, address):
    from groundswell.cli.seeds import _executor
    from groundswell.compute import DaskExecutor

    assert _executor(None) is None  # no setting: in-process threads
    monkeypatch.setenv("GROUNDSWELL_SCHEDULER", address)
    executor = _executor(None)
    try:
        assert isinstance(executor, DaskExecutor)
    finally:
        executor.close()
