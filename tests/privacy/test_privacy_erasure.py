"""Erasure: no table holds the person's id, ref, name or text afterwards; aggregates stay."""

from __future__ import annotations

import json
from typing import Any

import pytest
from movement import NAME, PLEDGE, STATEMENT, STORY, SUBJECT, build_movement
from sqlalchemy import MetaData, func, select

from groundswell.actions.accounts import do_create_user, do_link_person, do_sign_in
from groundswell.actions.erasure import ERASED, ERASURE, do_erase, person_columns
from groundswell.app import App
from groundswell.auth.throttle import throttle_key
from groundswell.errors import NotFound
from groundswell.privacy import pseudonym
from groundswell.store.models import (
    AuditEvent,
    Base,
    Participant,
    Person,
    SignInThrottle,
    Vote,
    utcnow,
)

KEY = bytes(range(32))
SECRETS = (SUBJECT, NAME, STORY, PLEDGE)


def scan(app: App, person_id: int) -> list[str]:
    """Every place in the live database that still holds the person: their id or their text."""
    refs = {(t.name, c) for t, c in person_columns()} | {("people", "id")}
    found = []
    meta = MetaData()
    meta.reflect(app.engine)
    with app.engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if (table.name, column) in refs and value == person_id:
                        found.append(f"{table.name}.{column} = {value}")
                    text = json.dumps(value) if isinstance(value, dict | list) else value
                    if isinstance(text, str) and any(s in text for s in SECRETS):
                        found.append(f"{table.name}.{column} = {text!r}")
    return found


def counts(app: App) -> dict[str, Any]:
    with app.reading() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


def test_every_column_that_refers_to_people_has_a_policy() -> None:
    columns = {f"{t.name}.{c}" for t, c in person_columns()}
    assert columns == set(ERASURE), "decide what erasure does to new columns in ERASURE"


def test_erasure_leaves_no_trace_and_keeps_only_aggregates(any_db: App) -> None:
    person_id = build_movement(any_db)["subject_id"]
    assert len(scan(any_db, person_id)) > 20  # the scan sees the subject everywhere before
    before = counts(any_db)
    with any_db.reading() as s:
        votes_before = dict(
            s.execute(select(Vote.statement_id, func.count()).group_by(Vote.statement_id)).all()
        )

    summary = do_erase(any_db, SUBJECT, actor="dpo", key=KEY)

    assert scan(any_db, person_id) == []
    after = counts(any_db)
    assert summary.deleted == {
        "activity_logs": 1, "attendances": 1, "campaign_members": 1, "consent_events": 2,
        "memberships": 1, "people": 1, "pledges": 1, "recruitments": 2, "stories": 1,
        "survey_responses": 1, "ties": 2, "wellbeing_links": 1,
    }  # fmt: skip
    assert summary.anonymised == {"audit_events": 2, "events": 1, "participants": 1}
    for table, n in summary.deleted.items():
        assert after[table] == before[table] - n, table
    # Votes stay, on an anonymous participant: per-statement counts are unchanged.
    with any_db.reading() as s:
        votes_after = dict(
            s.execute(select(Vote.statement_id, func.count()).group_by(Vote.statement_id)).all()
        )
        anonymous = s.scalar(select(func.count()).where(Participant.person_id.is_(None)))
        # The anonymous row loses its key hash too; the others keep theirs.
        hashes = s.execute(select(Participant.person_id, Participant.key_hash)).all()
        assert [h for p, h in hashes if p is None] == [None]
        assert all(h is not None for p, h in hashes if p is not None)
        statements = s.scalar(select(func.count()).select_from(Base.metadata.tables["statements"]))
        audit = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert votes_after == votes_before and anonymous == 1 and statements == 2
    erase = audit[-1]
    assert (erase.action, erase.actor, erase.subject_id) == (
        "privacy.erase",
        "dpo",
        pseudonym(KEY, SUBJECT),
    )
    assert erase.detail["deleted"]["people"] == 1
    assert audit[0].actor == ERASED and audit[0].detail == {"by": ERASED, "name": ERASED}
    assert audit[1].subject_id == pseudonym(KEY, SUBJECT)
    # The statement they wrote stays (others voted on it), as documented.
    with any_db.reading() as s:
        assert STATEMENT in s.scalars(select(Base.metadata.tables["statements"].c.text)).all()


def test_erasure_without_a_key_keeps_no_subject(app: App) -> None:
    build_movement(app)
    summary = do_erase(app, SUBJECT, actor="dpo")
    assert summary.subject is None
    with app.reading() as s:
        subjects = s.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.subject_type == "person")
        ).all()
    assert subjects == [None]  # the view event, unlinked; the erase event names no one


def test_erasing_someone_unknown_changes_nothing(app: App) -> None:
    from datacli import dump

    build_movement(app)
    before = dump(app.engine)
    with pytest.raises(NotFound, match="no person with id 'nobody'"):
        do_erase(app, "nobody", actor="dpo", key=KEY)
    assert dump(app.engine) == before


def test_erasure_of_a_demo_person(app: App) -> None:
    from groundswell.actions.demo import do_build_demo
    from groundswell.store.models import Person, Story

    do_build_demo(app, 3, people=300)
    with app.reading() as s:
        person = s.scalars(select(Person).join(Story, Story.person_id == Person.id).limit(1)).one()
        bodies = s.scalars(select(Story.body).where(Story.person_id == person.id)).all()
    do_erase(app, person.ref, actor="dpo", key=KEY)
    global SECRETS
    saved, SECRETS = SECRETS, (person.ref, *(b for b in bodies if len(b) > 20))
    try:
        assert scan(app, person.id) == []
    finally:
        SECRETS = saved


def test_erasure_takes_the_account_and_its_sign_in_failures(app: App) -> None:
    with app.transaction() as session:
        session.add(Person(ref="signer"))
    do_create_user(app, email="signer@example.org", display_name="S", password="three random words")
    do_link_person(app, email="signer@example.org", person="signer")
    for email in ("signer@example.org", "someone-else@example.org"):
        do_sign_in(app, email=email, password="a wrong guess", now=utcnow())
    summary = do_erase(app, "signer", actor="dpo")
    assert summary.deleted["users"] == 1 and summary.deleted["sign_in_throttles"] == 1
    with app.reading() as s:
        kept = s.scalars(select(SignInThrottle.key_hash)).all()
    assert kept == [throttle_key("someone-else@example.org")]  # not theirs: kept


def _audit_text(app: App) -> str:
    with app.reading() as s:
        rows = s.execute(
            select(
                AuditEvent.actor, AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.detail
            )
        ).all()
    return json.dumps([list(row) for row in rows])


def test_review_erasure_takes_the_account_email_out_of_the_audit_trail(any_db: App) -> None:
    from groundswell.actions.accounts import do_grant_role
    from groundswell.actions.audit import do_record_access

    email, other = "p1.person@example.org", "organiser@example.org"
    with any_db.transaction() as session:
        session.add(Person(ref="p1", display_name="Pat One"))
    for address in (email, other):
        do_create_user(any_db, email=address, display_name="P", password="three random words")
    do_link_person(any_db, email=email, person="p1", actor=other)
    do_grant_role(any_db, email=email, role="organiser", scope="*", actor=other)
    do_record_access(any_db, email, "people.list", detail={"people": 4})  # a signed-in read
    do_record_access(any_db, other, "people.list", detail={"people": 4})
    assert email in _audit_text(any_db)

    do_erase(any_db, "p1", actor="dpo", key=KEY)

    text = _audit_text(any_db)
    assert email not in text and "Pat One" not in text and '"p1"' not in text
    with any_db.reading() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    accounts = [e for e in events if e.subject_type == "user"]
    # The account rows stay (who changed what, when), linked only by the keyed hash.
    assert [e.action for e in accounts] == [
        "accounts.create", "accounts.create", "accounts.link", "accounts.grant"
    ]  # fmt: skip
    assert [e.subject_id for e in accounts] == [pseudonym(KEY, "p1"), other] + [
        pseudonym(KEY, "p1")
    ] * 2
    reads = [e.actor for e in events if e.action == "people.list"]
    assert reads == [ERASED, other]  # the other organiser's read keeps its actor


def test_review_erasure_scrubs_the_name_only_in_rows_about_the_person(any_db: App) -> None:
    from groundswell.actions.audit import do_record_access

    build_movement(any_db)
    # An operator whose login is the erased person's name, and a detail naming
    # someone else of that name: neither is about the subject.
    do_record_access(any_db, NAME, "database.backup", detail={"file": "b.backup"})
    do_record_access(any_db, "organiser", "stories.review", "story", 9, {"author": NAME})
    seen: list[str] = []

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    from sqlalchemy import event

    event.listen(any_db.engine, "before_cursor_execute", watch)
    try:
        do_erase(any_db, SUBJECT, actor="dpo", key=KEY)
    finally:
        event.remove(any_db.engine, "before_cursor_execute", watch)

    with any_db.reading() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    backup = next(e for e in events if e.action == "database.backup")
    review = next(e for e in events if e.action == "stories.review")
    assert backup.actor == NAME and review.detail == {"author": NAME}
    # The rows about the subject are still scrubbed, name included.
    assert events[0].actor == ERASED and events[0].detail == {"by": ERASED, "name": ERASED}
    # The audit rows are chosen in SQL, not the whole table read for each erasure.
    reads = [q for q in seen if q.startswith("SELECT") and "FROM audit_events" in q]
    assert reads and all("WHERE" in q for q in reads)
