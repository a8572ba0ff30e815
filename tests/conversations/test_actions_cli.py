"""``groundswell conversations import / export / report`` against a SQLite database file.

Uses a real Pol.is conversation (data gathered using the Polis software,
compdemocracy.org/polis, CC BY 4.0, The Computational Democracy Project;
data/polis/LICENSE-DATA.txt).
"""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest

from groundswell.app import App
from groundswell.cli.main import main
from groundswell.conversations import read_export


@pytest.fixture
def database(app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", app.database_url)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(app.settings.data_dir))
    return app


def _run(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_report_export(database: App, real_data, tmp_path, capsys):
    folder = real_data / "polis" / "london.youth.policing"
    code, out, err = _run(capsys, "conversations", "import", str(folder), "--json")
    assert code == 0, err
    imported = json.loads(out)
    assert imported["slug"] == "london-youth-policing"
    original = read_export(folder)
    assert imported["votes"] == len(original.votes)

    code, out, _ = _run(capsys, "conversations", "report", "london-youth-policing")
    # 27 people: every opinion group is under 10, so none is shown apart
    text = " ".join(out.split())
    assert code == 0 and "27 participants" in text and "Group A" not in text
    assert "0 groups (24 people in groups too small to show)" in text
    # Common ground says which way most people went, not only which statements.
    assert "Common ground" in text and "most people" in text
    assert "agreed" in text or "disagreed" in text

    target = tmp_path / "report.csv"
    code, out, _ = _run(
        capsys, "conversations", "report", "london-youth-policing", "--json", "--csv", str(target)
    )
    data = json.loads(out)
    assert code == 0 and data["votes"] == len(original.votes)
    assert data["groups"] == [] and data["people_in_small_groups"] == 24
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    shown = [c for c in original.comments if c.moderated != -1]  # never the moderated-out ones
    assert len(rows) == len(shown) and not any(c.startswith("group_") for c in rows[0])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # report files are the owner's only

    code, out, _ = _run(
        capsys, "conversations", "export", "london-youth-policing", str(tmp_path / "out")
    )
    assert code == 0 and "votes.csv" in out
    assert len(read_export(tmp_path / "out").votes) == len(original.votes)
    code, out, _ = _run(
        capsys,
        "conversations",
        "export",
        "london-youth-policing",
        str(tmp_path / "again"),
        "--json",
    )
    assert code == 0 and {Path(f).name for f in json.loads(out)["files"]} >= {"votes.csv"}


def test_errors_are_one_line(database: App, tmp_path, capsys):
    code, _, err = _run(capsys, "conversations", "report", "nowhere")
    assert code != 0 and "no conversation 'nowhere'" in err and "Traceback" not in err
    code, _, err = _run(capsys, "conversations", "import", str(tmp_path / "missing"))
    assert code != 0 and "no such folder" in err and "Traceback" not in err


def test_finding_2_cli_report_shows_no_group_under_ten(database: App, capsys):
    from groundswell.actions.conversations import do_open_conversation
    from groundswell.actions.votes import Ballot, do_votes

    statements = [f"Statement number {i}" for i in range(8)]
    slug = do_open_conversation(database, topic="Few", question="?", seeds=statements).slug
    # 22 agree with everything; 3 disagree with half: a group of their own, under 10
    do_votes(database, [
        Ballot(slug, f"p{p}", t, 1 if p < 22 or t % 2 else -1) for p in range(25) for t in range(8)
    ])  # fmt: skip
    code, out, err = _run(capsys, "conversations", "report", slug)
    assert code == 0, err
    text = " ".join(out.split())
    assert "Group A (22 people)" in text and "Group B" not in text
    assert "1 group (fewer than 10 people in groups too small to show)" in text
    # Everyone's counts less group A's would be the 3 people's votes: A's are not shown.
    assert "Group A (22 people): how it voted is not shown" in text
    code, out, _ = _run(capsys, "conversations", "report", slug, "--json")
    data = json.loads(out)
    assert [g["size"] for g in data["groups"]] == [22] and data["people_in_small_groups"] is None
    assert data["people_in_small_groups_reason"] == "suppressed (<10)"
    assert data["groups"][0]["statements"] == []
