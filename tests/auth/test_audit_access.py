"""The audit trail on SQLite and PostgreSQL: each read of personal data and each grant, one row."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from groundswell.actions.accounts import (
    do_create_user,
    do_grant_role,
    do_link_person,
    do_revoke_role,
    list_people,
    list_users,
)
from groundswell.actions.export import do_export, export_document
from groundswell.app import App
from groundswell.auth.permissions import Grant, Principal, Role
from groundswell.store.models import AuditEvent, Person

PASSWORD = "three random words"


def rows(app: App) -> list[AuditEvent]:
    with app.reading() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def new_rows(app: App, before: int) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.actor, e.action, e.subject_type, e.subject_id) for e in rows(app)[before:]]


def with_people(app: App) -> None:
    with app.transaction() as s:
        s.add_all(Person(ref=f"p{i}", display_name=f"P {i}", town="Leeds") for i in range(3))


def test_finding_7_every_grant_revoke_and_link_leaves_one_row(db_app: App):
    with_people(db_app)
    do_create_user(db_app, email="olu@example.org", display_name="Olu", password=PASSWORD,
                   actor="ada@example.org")  # fmt: skip
    assert new_rows(db_app, 0) == [("ada@example.org", "accounts.create", "user",
                                    "olu@example.org")]  # fmt: skip
    steps = [
        (lambda: do_grant_role(db_app, email="olu@example.org", role="organiser",
                               scope="town:Leeds", actor="ada"), "accounts.grant"),
        (lambda: do_link_person(db_app, email="olu@example.org", person="p1", actor="ada"),
         "accounts.link"),
        (lambda: do_revoke_role(db_app, email="olu@example.org", role="organiser",
                                scope="town:Leeds", actor="ada"), "accounts.revoke"),
    ]  # fmt: skip
    for run, action in steps:
        before = len(rows(db_app))
        run()
        assert new_rows(db_app, before) == [("ada", action, "user", "olu@example.org")]
    grant = next(e for e in rows(db_app) if e.action == "accounts.grant")
    assert grant.detail == {"role": "organiser", "scope": "town:Leeds"}


def test_finding_7_people_lists_and_the_users_table_leave_one_row_per_read(db_app: App):
    with_people(db_app)
    organiser = Principal(7, "olu@example.org", "Olu", (Grant(Role.ORGANISER, "town:Leeds"),))
    assert len(list_people(db_app, organiser)) == 3
    [event] = rows(db_app)
    assert (event.actor, event.action, event.detail) == (
        "olu@example.org", "people.list", {"people": 3})  # fmt: skip
    list_users(db_app, "ada@example.org")
    assert new_rows(db_app, 1) == [("ada@example.org", "accounts.list", None, None)]


def test_finding_7_the_database_export_leaves_one_row(db_app: App, tmp_path: Path):
    with_people(db_app)
    do_export(db_app, tmp_path / "out", actor="ops")
    export_document(db_app, "ops")
    assert [(e.actor, e.action, e.detail) for e in rows(db_app)] == [
        ("ops", "database.export", {"format": "csv"}),
        ("ops", "database.export", {"format": "json"}),
    ]


def test_finding_7_pack_and_conversation_exports_leave_one_row(db_app: App, tmp_path: Path):
    from groundswell.actions.conversation_polis import export_polis
    from groundswell.actions.conversations import do_open_conversation
    from groundswell.actions.story_packs import do_create_pack, export_pack

    pack = do_create_pack(db_app, "Listening", actor="olu")
    export_pack(db_app, pack, "md", actor="olu@example.org")
    slug = do_open_conversation(db_app, topic="Walks", question="Where?", seeds=["Parks"]).slug
    export_polis(db_app, slug, tmp_path / "polis", actor="ops")
    assert new_rows(db_app, 0) == [
        ("olu@example.org", "stories.pack_export", "training_pack", str(pack)),
        ("ops", "conversations.export", "conversation", slug),
    ]
