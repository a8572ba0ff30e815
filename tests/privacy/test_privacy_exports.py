"""Subject access and pseudonymised exports, and the audit trail they leave."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from datacli import point_cli_at, run_cli
from movement import NAME, STORY, SUBJECT, build_movement
from sqlalchemy import select

from groundswell.actions.privacy_export import (
    do_pseudonymised_export,
    do_subject_access_export,
    subject_access_document,
)
from groundswell.app import App
from groundswell.errors import ConfigError, Conflict, ExitStatus
from groundswell.privacy import load_key, pseudonym, write_key
from groundswell.store.models import AuditEvent

KEY = bytes(range(32))


def test_subject_access_holds_every_table_about_them(any_db: App) -> None:
    build_movement(any_db)
    document = subject_access_document(any_db, SUBJECT, actor="dpo")
    tables = document["tables"]
    assert set(tables) == {
        "people", "ties", "recruitments", "memberships", "events", "attendances", "pledges",
        "participants", "statements", "votes", "campaign_members", "activity_logs",
        "survey_responses", "stories", "consent_events", "audit_events", "wellbeing_links",
    }  # fmt: skip
    assert len(tables["ties"]) == 2 and len(tables["recruitments"]) == 2
    assert len(tables["votes"]) == 2 and len(tables["statements"]) == 1
    assert tables["stories"][0]["body"] == STORY
    assert tables["people"][0]["display_name"] == NAME
    assert json.dumps(document)  # JSON-safe throughout
    actions = [e["action"] for e in tables["audit_events"]]
    assert actions == ["person.view", "privacy.subject_access"]


def test_subject_access_files(app: App, tmp_path: Path) -> None:
    build_movement(app)
    js = do_subject_access_export(app, SUBJECT, tmp_path / "j", fmt="json", actor="dpo")
    assert json.loads(Path(js.files[0]).read_text(encoding="utf-8"))["person"] == SUBJECT
    cs = do_subject_access_export(app, SUBJECT, tmp_path / "c", fmt="csv", actor="dpo")
    with (tmp_path / "c" / "stories.csv").open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["body"] == STORY
    assert len(cs.files) == len(cs.counts) == 17
    with pytest.raises(Conflict, match="already exists"):
        do_subject_access_export(app, SUBJECT, tmp_path / "c", fmt="csv", actor="dpo")


def test_pseudonymised_export(any_db: App, tmp_path: Path) -> None:
    build_movement(any_db)  # the subject withdrew analytics consent; o1..o3 consented
    summary = do_pseudonymised_export(any_db, tmp_path, key=KEY, actor="analyst")
    assert summary.counts == {"people": 3, "ties": 1, "recruitment": 0}
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    for secret in (SUBJECT, NAME, "o1", "Olu", "Priya"):
        assert secret not in text
    with (tmp_path / "people.csv").open(encoding="utf-8") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert ids == [pseudonym(KEY, ref) for ref in ("o1", "o2", "o3")]
    with any_db.reading() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.action, last.actor, last.detail["people"]) == (
        "privacy.pseudonymise",
        "analyst",
        3,
    )


def test_pseudonyms_are_keyed(tmp_path: Path) -> None:
    assert pseudonym(KEY, "p1") == pseudonym(KEY, "p1") != pseudonym(bytes(32), "p1")
    path = write_key(tmp_path / "k" / "pseudonym.key")
    assert len(load_key(path)) == 32 and oct(path.stat().st_mode)[-3:] == "600"
    with pytest.raises(Conflict, match="already exists"):
        write_key(path)
    (tmp_path / "bad.key").write_text("not hex", encoding="ascii")
    with pytest.raises(ConfigError, match="is not a pseudonym key"):
        load_key(tmp_path / "bad.key")


def test_privacy_commands(app: App, tmp_path: Path, monkeypatch, capsys) -> None:
    build_movement(app)
    point_cli_at(monkeypatch, app, tmp_path)
    out = tmp_path / "ps"
    refused = run_cli(capsys, "privacy", "pseudonymise", "--out", str(out))
    assert refused.code == ExitStatus.CONFIG and "groundswell privacy new-key" in refused.err
    assert run_cli(capsys, "privacy", "new-key").code == 0
    assert (tmp_path / "pseudonym.key").exists()
    assert run_cli(capsys, "privacy", "pseudonymise", "--out", str(out)).code == 0
    sar = run_cli(
        capsys, "privacy", "export", SUBJECT, "--format", "csv", "--out", str(tmp_path / "s")
    )
    assert sar.code == 0 and "stories.csv" in sar.out
    assert run_cli(capsys, "privacy", "erase", SUBJECT).code == ExitStatus.INPUT
    erased = run_cli(capsys, "privacy", "erase", SUBJECT, "--yes", "--json", "--actor", "dpo")
    assert erased.code == 0, erased.err
    key = load_key(tmp_path / "pseudonym.key")
    assert json.loads(erased.out)["subject"] == pseudonym(key, SUBJECT)
    assert run_cli(capsys, "privacy", "export", SUBJECT).code == ExitStatus.NOT_FOUND
