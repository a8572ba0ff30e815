"""``groundswell conversations analyse``: JSON contract, human summary, errors."""

from __future__ import annotations

import json

from polis_fixtures import POLIS, loaded

from groundswell.cli.main import main


def _run(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract(capsys):
    _, matrix, result = loaded("london.youth.policing")
    code, out, _ = _run(
        capsys, "conversations", "analyse", str(POLIS / "london.youth.policing"), "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"participants", "groups", "consensus", "seconds"}
    assert set(data["participants"]) == {str(p) for p in matrix.pids}
    assert data["seconds"] > 0
    sizes = {}
    for g in data["participants"].values():
        if g is not None:
            sizes[g] = sizes.get(g, 0) + 1
    for group in data["groups"]:
        assert {"id", "size", "repness"} <= set(group)
        assert sizes[group["id"]] == group["size"]
        for r in group["repness"]:
            assert r["direction"] in ("agree", "disagree") and r["tid"] in matrix.tids
    assert set(data["consensus"]) == {"agree", "disagree"}
    assert data["groups"] == result.summary()["groups"]


def test_human_summary(capsys):
    code, out, _ = _run(capsys, "conversations", "analyse", str(POLIS / "scoop-hivemind.ubi"))
    assert code == 0
    assert "Group 0" in out and "Most people agree" in out and "Universal Basic Income" in out


def test_missing_folder_is_one_line_error(capsys, tmp_path):
    code, _, err = _run(capsys, "conversations", "analyse", str(tmp_path / "none"))
    assert code == 3
    assert "no such folder" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
