"""Restoring a backup older than an erasure never brings the person back."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from datacli import dump, point_cli_at, run_cli
from movement import NAME, STORY, SUBJECT, build_movement
from sqlalchemy import select

from groundswell.actions.backup import do_backup, do_restore
from groundswell.actions.erasure import do_erase
from groundswell.app import App
from groundswell.errors import Conflict, ExitStatus
from groundswell.privacy import load_key, pseudonym
from groundswell.privacy.ledger import ErasureLedger
from groundswell.store.models import AuditEvent, Person, Story

KEY = bytes(range(32))


def people(app: App) -> list[str]:
    with app.reading() as s:
        return list(s.scalars(select(Person.ref).order_by(Person.ref)))


def audit(app: App) -> list[AuditEvent]:
    with app.reading() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_finding_6_an_older_backup_is_refused_unless_the_erasures_are_replayed(
    any_db: App, tmp_path: Path
) -> None:
    build_movement(any_db)
    old = tmp_path / "before-erasure.backup"
    do_backup(any_db, old, actor="admin")
    ledger = ErasureLedger(tmp_path / "erasures.log", KEY)
    do_erase(any_db, SUBJECT, actor="dpo", key=KEY, ledger=ledger)
    before = dump(any_db.engine)

    with pytest.raises(Conflict, match=r"1 person erased since.*--replay-erasures"):
        do_restore(any_db, old, actor="admin", ledger=ledger)
    any_db.engine.dispose()
    assert dump(any_db.engine) == before  # refused before anything was replaced

    summary = do_restore(any_db, old, actor="admin", ledger=ledger, replay_erasures=True)
    assert summary.erasures_replayed == 1
    assert SUBJECT not in people(any_db) and people(any_db) == ["o1", "o2", "o3"]
    with any_db.reading() as s:
        bodies = s.scalars(select(Story.body)).all()
    assert STORY not in bodies
    events = audit(any_db)
    erased = [e for e in events if e.action == "privacy.erase"]
    # The record of the erasure is back: the replay is audited, under the keyed hash.
    assert [e.subject_id for e in erased] == [pseudonym(KEY, SUBJECT)]
    assert erased[0].detail["replayed_by_restore"] == str(old)
    assert events[-1].action == "database.restore"
    assert events[-1].detail["erasures_replayed"] == 1
    assert all(NAME not in json.dumps(e.detail) and e.actor != SUBJECT for e in events)
    any_db.check()


def test_finding_6_a_backup_made_after_the_erasure_restores_as_it_is(
    any_db: App, tmp_path: Path
) -> None:
    build_movement(any_db)
    ledger = ErasureLedger(tmp_path / "erasures.log", KEY)
    do_erase(any_db, SUBJECT, actor="dpo", key=KEY, ledger=ledger)
    later = tmp_path / "after-erasure.backup"
    do_backup(any_db, later, actor="admin")
    summary = do_restore(any_db, later, actor="admin", ledger=ledger)
    assert summary.erasures_replayed == 0 and people(any_db) == ["o1", "o2", "o3"]


def test_finding_6_cli_erase_keeps_a_private_ledger_and_restore_replays_it(
    any_db: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_movement(any_db)
    point_cli_at(monkeypatch, any_db, tmp_path)
    old = tmp_path / "old.backup"
    assert run_cli(capsys, "backup", str(old)).code == 0
    erased = run_cli(capsys, "privacy", "erase", SUBJECT, "--yes", "--actor", "dpo", "--json")
    assert erased.code == 0, erased.err
    assert json.loads(erased.out)["deleted"]["people"] == 1  # the key notice is on stderr
    assert "Created the pseudonym key" in erased.err
    ledger_file, key_file = tmp_path / "erasures.log", tmp_path / "pseudonym.key"
    assert stat.S_IMODE(ledger_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # made for the ledger
    line = ledger_file.read_text(encoding="ascii")
    assert line.startswith(pseudonym(load_key(key_file), SUBJECT) + "\t")
    assert SUBJECT not in line and NAME not in line

    refused = run_cli(capsys, "restore", str(old), "--yes")
    assert refused.code == ExitStatus.CONFLICT and "--replay-erasures" in refused.err
    assert refused.err.count("\n") == 1  # one line, no traceback
    assert SUBJECT not in people(any_db)

    done = run_cli(capsys, "restore", str(old), "--yes", "--replay-erasures", "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["erasures_replayed"] == 1
    assert SUBJECT not in people(any_db) and len(people(any_db)) == 3


def test_finding_6_a_ledger_without_its_key_stops_the_restore(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_movement(app)
    point_cli_at(monkeypatch, app, tmp_path)
    old = tmp_path / "old.backup"
    assert run_cli(capsys, "backup", str(old)).code == 0
    assert run_cli(capsys, "privacy", "erase", SUBJECT, "--yes").code == 0
    (tmp_path / "pseudonym.key").rename(tmp_path / "elsewhere.key")
    before = dump(app.engine)
    refused = run_cli(capsys, "restore", str(old), "--yes")
    assert refused.code == ExitStatus.CONFIG and "pseudonym key" in refused.err
    assert dump(app.engine) == before


def test_review_a_ref_used_again_after_an_erasure_is_not_erased_by_a_restore(
    any_db: App, tmp_path: Path
) -> None:
    from datetime import timedelta

    from groundswell.store.models import utcnow

    build_movement(any_db)
    ledger = ErasureLedger(tmp_path / "erasures.log", KEY)
    do_erase(any_db, SUBJECT, actor="dpo", key=KEY, ledger=ledger)
    # Later an import gives the ref to someone new, who never asked to be erased.
    with any_db.transaction() as s:
        s.add(Person(ref=SUBJECT, display_name="New", created_at=utcnow() + timedelta(seconds=2)))
    fresh = tmp_path / "fresh.backup"
    do_backup(any_db, fresh, actor="admin")

    summary = do_restore(any_db, fresh, actor="admin", ledger=ledger)  # not refused
    assert summary.erasures_replayed == 0
    assert people(any_db) == ["o1", "o2", "o3", SUBJECT]
    replayed = do_restore(any_db, fresh, actor="admin", ledger=ledger, replay_erasures=True)
    assert replayed.erasures_replayed == 0 and SUBJECT in people(any_db)
