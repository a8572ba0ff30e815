"""The seeds command's JSON, its errors, baselines and the complex-contagion heuristic."""

from __future__ import annotations

import json

import numpy as np
import pytest

from groundswell.cli.main import main
from groundswell.network.build import from_arrays
from groundswell.seeds import BASELINES
from groundswell.seeds.complex import complex_seeds
from groundswell.spread import Model


@pytest.fixture
def edges(tmp_path):
    path = tmp_path / "ties.csv"
    rows = ["source,target"] + [f"hub,p{i}" for i in range(12)] + [f"p{i},q{i}" for i in range(6)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_json_output_has_the_documented_keys(edges, capsys):
    code = main(
        [
            "seeds",
            str(edges),
            "--model",
            "direct",
            "--target",
            "0.9",
            "--seed",
            "3",
            "--runs",
            "200",
            "--json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"n", "seeds", "seed_share", "reach_mean", "reach_ci95", "method"} <= set(doc)
    assert doc["seeds"][0] == "hub"
    assert doc["seed_share"] == pytest.approx(len(doc["seeds"]) / doc["n"])
    assert doc["reach_mean"] >= 0.9 * doc["n"]


def test_k_with_baselines_and_constraints(edges, capsys, tmp_path):
    cost = tmp_path / "cost.csv"
    cost.write_text("id,cost\nhub,5\n")
    code = main(
        [
            "seeds",
            str(edges),
            "--model",
            "ic",
            "--p",
            "0.5",
            "--k",
            "2",
            "--runs",
            "100",
            "--exclude",
            "p0",
            "--active",
            "q1",
            "--baselines",
            "--json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seeds"][0] == "q1" and "p0" not in doc["seeds"]
    assert set(doc["baselines"]) == set(BASELINES)
    code = main(
        [
            "seeds",
            str(edges),
            "--p",
            "0.5",
            "--k",
            "3",
            "--cost",
            str(cost),
            "--budget",
            "2",
            "--runs",
            "50",
            "--json",
        ]
    )
    assert code == 0
    assert "hub" not in json.loads(capsys.readouterr().out)["seeds"]


@pytest.mark.parametrize(
    "args",
    [
        ["--k", "2", "--target", "0.9"],
        ["--p", "0.1"],
        ["--k", "2", "--p", "3"],
        ["--k", "2", "--exclude", "nobody"],
    ],
)
def test_bad_input_is_one_line_and_exit_3(edges, capsys, args):
    code = main(["seeds", str(edges), *args])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("groundswell: error:") and err.count("\n") == 1


def test_complex_heuristic_says_there_is_no_guarantee():
    rng = np.random.default_rng(4)
    g = from_arrays(rng.integers(0, 120, 500), rng.integers(0, 120, 500), n=120)[0]
    model = Model("complex", threshold=2)
    sel = complex_seeds(g, model, k=6, seed=1, runs=10, pool=10)
    # At most 6: the exact greedy stops once more people would add nobody.
    assert 1 <= len(sel.seeds) <= 6 and sel.guarantee is None
    assert any("no approximation guarantee" in note for note in sel.notes)
    target = complex_seeds(g, model, target=0.5, seed=1, runs=10, pool=10)
    assert target.reached is (target.estimate >= 0.5 * g.n)
