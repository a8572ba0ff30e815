"""``groundswell spread``: JSON contract, table, plots, executors, ``db`` and bad input."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest

from groundswell.cli.main import main
from groundswell.network import read_graph
from groundswell.spread import Model, simulate


@pytest.fixture
def ties(tmp_path: Path) -> Path:
    """A 30-person ring lattice (2 ties each side) with labels p0..p29."""
    path = tmp_path / "ties.csv"
    rows = ["source,target"] + [f"p{i},p{(i + d) % 30}" for i in range(30) for d in (1, 2)]
    path.write_text("\n".join(rows) + "\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper().startswith("GROUNDSWELL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))


def test_json_output_is_the_documented_document(capsys, ties: Path) -> None:
    args = ["spread", str(ties), "--model", "ic", "--p", "0.3", "--seeds", "p0,p15"]
    code, out, err = run(capsys, *args, "--runs", "300", "--seed", "4", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {"n", "m", "runs", "reach_mean", "reach_ci95", "seeds"} <= set(doc)
    assert (doc["n"], doc["m"], doc["runs"], doc["seeds"]) == (30, 60, 300, ["p0", "p15"])
    g, _ = read_graph(ties)
    expected = simulate(g, Model("ic", p=0.3), g.ids_of(["p0", "p15"]), runs=300, seed=4)
    assert doc["reach_mean"] == pytest.approx(expected.reach_mean)
    assert doc["reach_ci95"] == pytest.approx(list(expected.reach_ci95))
    assert doc["curve_mean"][-1] == pytest.approx(doc["reach_mean"])
    # Same seed, same numbers.
    assert run(capsys, *args, "--runs", "300", "--seed", "4", "--json")[1] == out


@pytest.mark.parametrize(
    "extra",
    [
        ["--model", "complex", "--threshold", "2", "--seeds", "p0,p1"],
        ["--model", "complex", "--fraction", "0.5", "--top-degree", "2"],
        ["--model", "lt", "--random-seeds", "3"],
        ["--model", "wc", "--random-seeds", "3", "--max-steps", "2"],
        ["--model", "sir", "--p", "0.2", "--recovery", "0.5", "--seeds", "p3"],
        ["--model", "direct", "--seeds", "p3", "--never-adopt", "0.5"],
        ["--model", "ic", "--p", "0.2", "--seeds", "p3", "--tolerance", "0.1", "--runs", "5000"],
    ],
)
def test_every_model_runs_from_the_command_line(capsys, ties: Path, extra: list[str]) -> None:
    code, out, err = run(capsys, "spread", str(ties), *extra, "--runs", "100", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert 1 <= doc["reach_mean"] <= 30 and doc["runs"] <= 5000


def test_complex_ring_case_from_the_command_line(capsys, ties: Path) -> None:
    base = ["spread", str(ties), "--model", "complex", "--threshold", "2", "--json", "--runs", "5"]
    assert json.loads(run(capsys, *base, "--seeds", "p0,p1")[1])["reach_mean"] == 30
    assert json.loads(run(capsys, *base, "--seeds", "p0,p15")[1])["reach_mean"] == 2


def test_table_output(capsys, ties: Path) -> None:
    code, out, _ = run(capsys, "spread", str(ties), "--p", "0.5", "--seeds", "p0", "--runs", "50")
    assert code == 0
    assert "mean reach" in out and "95% CI" in out and "ic p=0.5" in out


def test_plots_png_and_self_contained_html(capsys, ties: Path, tmp_path: Path) -> None:
    for name in ("curve.png", "curve.html"):
        path = tmp_path / name
        code, _, err = run(
            capsys, "spread", str(ties), "--p", "0.4", "--seeds", "p0", "--runs", "50",
            "--plot", str(path),
        )  # fmt: skip
        assert code == 0, err
        assert path.stat().st_size > 500
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "curve.html").read_text()
    assert "<svg" in html and "<table" in html and "<script" not in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--p", "1.5", "--seeds", "p0"], "p must be in [0, 1]"),
        (["--p", "0.1", "--seeds", "p0,nobody"], "unknown node label(s): nobody"),
        (["--seeds", "p0"], "needs p"),
        (["--p", "0.1"], "give exactly one way to choose seeds"),
        (["--p", "0.1", "--seeds", "p0", "--random-seeds", "2"], "exactly one way"),
        (["--p", "0.1", "--random-seeds", "31"], "only 30 people"),
        (["--model", "complex", "--seeds", "p0"], "exactly one of threshold"),
        (["--model", "sir", "--p", "0.1", "--seeds", "p0"], "needs recovery"),
        (["--model", "magic", "--seeds", "p0"], "unknown model"),
        (["--p", "0.1", "--seeds", "p0", "--runs", "0"], "runs must be"),
        (["--p", "0.1", "--seeds", "p0", "--plot", "x.svg"], ".png or .html"),
        (["--p", "0.1", "--seeds", "p0", "--never-adopt", "2"], "never_adopt must be in"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_input(
    capsys, ties: Path, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "spread", str(ties), *args)
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_file_is_named(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "spread", str(tmp_path / "none.csv"), "--p", "0.1", "--seeds", "a")
    assert code == 3 and "none.csv" in err


def test_dask_scheduler_gives_the_same_numbers(capsys, ties: Path, dask_executor) -> None:
    address = dask_executor.client.scheduler.address
    args = ["spread", str(ties), "--p", "0.3", "--seeds", "p0", "--runs", "200", "--json"]
    local = json.loads(run(capsys, *args)[1])
    code, out, err = run(capsys, *args, "--scheduler", address)
    assert code == 0, err
    assert json.loads(out) == local


def test_db_graph_reads_the_store(capsys, app, monkeypatch: pytest.MonkeyPatch) -> None:
    from groundswell.store.models.people import Person, Tie

    refs = [f"r{i}" for i in range(12)]
    with app.transaction() as session:
        people = {ref: Person(ref=ref) for ref in refs}
        session.add_all(people.values())
        session.flush()
        session.add_all(
            Tie(source_id=people[a].id, target_id=people[b].id, kind="knows", weight=3.0)
            for a, b in itertools.pairwise(refs)
        )
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", app.engine.url.render_as_string(False))
    code, out, err = run(capsys, "spread", "db", "--p", "1", "--seeds", "r0", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["n"], doc["m"], doc["reach_mean"], doc["seeds"]) == (12, 11, 12.0, ["r0"])
    code, out, err = run(capsys, "spread", "db", "--model", "lt", "--seeds", "r0", "--json")
    assert code == 0, err
    assert np.isclose(json.loads(out)["reach_mean"], json.loads(out)["curve_mean"][-1])


def test_seeds_by_role_come_from_the_roles_engine(capsys, tmp_path: Path) -> None:
    from groundswell.actions.demo import do_build_demo
    from groundswell.actions.roles import gather_store
    from groundswell.app import App
    from groundswell.roles import assign_roles, gather_evidence
    from groundswell.settings import load_settings

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    app = App.build(load_settings({}, data_dir=tmp_path, database_url=url))
    app.upgrade()
    do_build_demo(app, seed=3, people=1500)
    graph, activity = gather_store(app)
    found = assign_roles(graph, gather_evidence(graph, activity, seed=0))
    mobilisers = sorted(map(str, graph.labels[found.holds["mobiliser"]].tolist()))
    app.close()
    assert mobilisers

    os.environ["GROUNDSWELL_DATABASE_URL"] = url
    try:
        args = ["spread", "db", "--model", "direct", "--role", "mobiliser", "--runs", "50"]
        code, out, err = run(capsys, *args, "--json")
        bad_code, _, bad_err = run(capsys, "spread", "db", "--p", "0.1", "--role", "boss")
    finally:
        del os.environ["GROUNDSWELL_DATABASE_URL"]
    assert code == 0, err
    assert sorted(json.loads(out)["seeds"]) == mobilisers
    assert bad_code == 3 and "--role 'boss'" in bad_err
