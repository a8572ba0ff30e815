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
    assert code == 0 and "Group A" in out and "participants" in out

    target = tmp_path / "report.csv"
    code, out, _ = _run(
        capsys, "conversations", "report", "london-youth-policing", "--json", "--csv", str(target)
    )
    data = json.loads(out)
    assert code == 0 and data["votes"] == len(original.votes) and data["groups"]
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    shown = [c for c in original.comments if c.moderated != -1]  # never the moderated-out ones
    assert len(rows) == len(shown) and "group_A_agree_pct" in rows[0]
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
