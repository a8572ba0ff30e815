"""Listening events, hosts and the personal-data gate on notes, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from groundswell.actions.accounts import do_create_user, principal_of
from groundswell.actions.listening import (
    ListeningDetails,
    do_add_host,
    do_add_tables,
    do_create_listening,
    do_edit_listening,
    find_listening,
    list_listening,
    listening_view,
    may_host,
    may_organise,
)
from groundswell.actions.listening_notes import (
    do_add_note,
    do_review_note,
    event_notes,
    host_notes,
)
from groundswell.actions.listening_visibility import gate, is_visible, reason, visible_only
from groundswell.actions.themes_gather import gather_texts
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import AuditEvent, HarvestNote, NoteStatus, User

PASSWORD = "three random words"
PHONE = "Call Sam on 01524 583000 about the walk"
NHS = "Her NHS number is 943 476 5919, ask the GP"


def user_id(app: App, email: str) -> int:
    with app.reading() as s:
        return int(s.scalar(select(User.id).where(User.email == email)) or 0)


@pytest.fixture
def heard(db_app: App) -> App:
    for email, role, scope in (("org@example.org", "organiser", "town:Morecambe"),
                               ("far@example.org", "organiser", "town:Leeds"),
                               ("host@example.org", "participant", "*"),
                               ("other@example.org", "participant", "*")):  # fmt: skip
        do_create_user(db_app, email=email, display_name=email.split("@")[0].title(),
                       password=PASSWORD, role=role, scope=scope)  # fmt: skip
    details = ListeningDetails(title="Moving more", question="What would help you be more active?",
                               questions=["What gets in the way?"], town="Morecambe")  # fmt: skip
    do_create_listening(db_app, "moving-more", details, tables=["Table 1", "Table 2"], actor="t")
    do_add_host(db_app, "moving-more", "HOST@example.org", table="table 1", actor="t")
    return db_app


def test_the_gate_holds_phone_and_nhs_numbers_and_names_why() -> None:
    assert gate("More benches on the prom").status is NoteStatus.VISIBLE
    held = gate(PHONE + ". " + NHS)
    assert held.held and held.status is NoteStatus.PENDING
    assert "a phone number" in held.reason and "an NHS number" in held.reason
    assert reason(()) == ""
    assert is_visible("visible") and not is_visible(NoteStatus.PENDING)
    assert not is_visible("rejected")
    assert "status" in str(visible_only(HarvestNote.status))


@pytest.mark.parametrize("text", [PHONE, NHS])
def test_a_flagged_note_is_held_from_hosts_until_released(heard: App, text: str) -> None:
    host, other = user_id(heard, "host@example.org"), user_id(heard, "other@example.org")
    do_add_host(heard, "moving-more", "other@example.org", table="Table 1", actor="t")
    plain = do_add_note(heard, "moving-more", text="Buses after 6pm", table="Table 1",
                        actor_user_id=host)  # fmt: skip
    assert not plain.held and plain.message == "Your note was added."
    added = do_add_note(heard, "moving-more", text=text, table="Table 1", actor_user_id=host)
    assert added.held and added.flags
    assert "held for an organiser because it seems to contain" in added.message
    assert ("a phone number" if "01524" in text else "an NHS number") in added.message
    with heard.reading() as s:
        table_id = listening_view(s, "moving-more").tables[0].id
    # Another host at the same table does not see it; its author does, marked held.
    theirs = host_notes(heard, "moving-more", table_id=table_id, user_id=other, actor="o")
    assert [n.text for n in theirs] == ["Buses after 6pm"]
    mine = host_notes(heard, "moving-more", table_id=table_id, user_id=host, actor="h")
    assert [n.held for n in mine] == [False, True]
    queue = event_notes(heard, "moving-more", actor="org")
    assert [n.id for n in queue.pending] == [added.note.id] and queue.visible == 1
    assert queue.pending[0].reason
    released = do_review_note(heard, "moving-more", added.note.id, "release", actor="org")
    assert released.status == "visible"
    theirs = host_notes(heard, "moving-more", table_id=table_id, user_id=other, actor="o")
    assert [n.text for n in theirs] == ["Buses after 6pm", text]
    with pytest.raises(Conflict):
        do_review_note(heard, "moving-more", added.note.id, "reject", actor="org")


def test_rejecting_keeps_a_note_out_of_everything(heard: App) -> None:
    host = user_id(heard, "host@example.org")
    added = do_add_note(heard, "moving-more", text=PHONE, actor_user_id=host)
    do_review_note(heard, "moving-more", added.note.id, "reject", actor="org")
    notes = event_notes(heard, "moving-more", actor="org")
    assert notes.pending == [] and notes.visible == 0 and notes.rejected == 1
    assert host_notes(heard, "moving-more", table_id=None, user_id=host, actor="h") == []
    with pytest.raises(InvalidInput):
        do_review_note(heard, "moving-more", added.note.id, "publish", actor="org")
    with pytest.raises(NotFound):
        do_review_note(heard, "moving-more", 999_999, "release", actor="org")


def test_notes_by_table_and_audited_reads(heard: App) -> None:
    host = user_id(heard, "host@example.org")
    for text, table in (("Benches", "Table 2"), ("Buses", "Table 1"), ("Dogs", None)):
        do_add_note(heard, "moving-more", text=text, table=table, actor_user_id=host)
    notes = event_notes(heard, "moving-more", actor="org@example.org")
    assert [(t, [n.text for n in ns]) for t, ns in notes.by_table] == [
        ("Table 1", ["Buses"]), ("Table 2", ["Benches"]), ("No table", ["Dogs"])]  # fmt: skip
    assert notes.to_dict()["visible"] == 3
    with heard.reading() as s:
        audited = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "listening.notes", AuditEvent.actor == "org@example.org")
        )
    assert audited == 1


def test_note_refusals(heard: App) -> None:
    host = user_id(heard, "host@example.org")
    with pytest.raises(InvalidInput, match="text: write the note"):
        do_add_note(heard, "moving-more", text="   ", actor_user_id=host)
    with pytest.raises(InvalidInput, match="at most 2000"):
        do_add_note(heard, "moving-more", text="x" * 2001, actor_user_id=host)
    with pytest.raises(NotFound, match="Table 9"):
        do_add_note(heard, "moving-more", text="Hi", table="Table 9", actor_user_id=host)
    with pytest.raises(NotFound, match="no listening event"):
        do_add_note(heard, "nope", text="Hi", actor_user_id=host)
    details = ListeningDetails(title="Moving more", question="Q?", town="Morecambe")
    do_edit_listening(heard, "moving-more", details, status="closed", actor="org")
    with pytest.raises(Conflict, match="closed"):
        do_add_note(heard, "moving-more", text="Hi", actor_user_id=host)
    with heard.reading() as s:
        assert s.scalar(select(func.count()).select_from(HarvestNote)) == 0


def test_create_edit_tables_hosts_and_refusals(heard: App) -> None:
    with pytest.raises(Conflict, match="slug"):
        do_create_listening(heard, "moving-more", ListeningDetails("T", "Q"), actor="t")
    with pytest.raises(InvalidInput, match="slug"):
        do_create_listening(heard, "Bad Slug", ListeningDetails("T", "Q"), actor="t")
    with pytest.raises(InvalidInput, match="question"):
        do_create_listening(heard, "x", ListeningDetails("T", " "), actor="t")
    with pytest.raises(NotFound, match="event: there is no event"):
        do_create_listening(heard, "x", ListeningDetails("T", "Q", event="nope"), actor="t")
    assert do_add_tables(heard, "moving-more", ["Table 2", "Session A: transport"], actor="t") == 1
    with pytest.raises(NotFound, match="no account"):
        do_add_host(heard, "moving-more", "nobody@example.org", actor="t")
    do_add_host(heard, "moving-more", "host@example.org", table="Session A: transport", actor="t")
    with heard.reading() as s:
        view = listening_view(s, "moving-more")
    assert [t.name for t in view.tables] == ["Table 1", "Table 2", "Session A: transport"]
    assert [(h.email, h.table) for h in view.hosts] == [("host@example.org",
                                                         "Session A: transport")]  # fmt: skip
    assert view.questions == ["What gets in the way?"] and view.to_dict()["status"] == "open"


def test_who_may_organise_and_host(heard: App) -> None:
    with heard.reading() as s:
        users = {u.email: principal_of(u) for u in s.scalars(select(User))}
        listening = find_listening(s, "moving-more")
        assert may_organise(listening, users["org@example.org"])
        assert not may_organise(listening, users["far@example.org"])
        assert not may_organise(listening, users["host@example.org"])
        assert may_host(s, listening, users["host@example.org"])
        assert not may_host(s, listening, users["other@example.org"])
        assert not may_host(s, listening, None)
        assert [v.slug for v in list_listening(s, users["host@example.org"])] == ["moving-more"]
        assert list_listening(s, users["far@example.org"]) == []
        assert list_listening(s, None) == []
        assert len(list_listening(s, None, operator=True)) == 1


def test_a_town_less_event_is_organised_by_movement_wide_grants_only(heard: App) -> None:
    do_create_listening(heard, "anywhere", ListeningDetails("T", "Q"), actor="t")
    do_create_user(heard, email="all@example.org", display_name="All", password=PASSWORD,
                   role="organiser", scope="*")  # fmt: skip
    with heard.reading() as s:
        users = {u.email: principal_of(u) for u in s.scalars(select(User))}
        listening = find_listening(s, "anywhere")
        assert may_organise(listening, users["all@example.org"])
        assert not may_organise(listening, users["org@example.org"])


def test_themes_gather_only_what_the_gate_shows(heard: App) -> None:
    host = user_id(heard, "host@example.org")
    do_add_note(heard, "moving-more", text="Buses after 6pm", actor_user_id=host)
    held = do_add_note(heard, "moving-more", text=NHS, actor_user_id=host)
    assert [t.text for t in gather_texts(heard, {"notes"})] == ["Buses after 6pm"]
    do_review_note(heard, "moving-more", held.note.id, "release", actor="org")
    assert [t.text for t in gather_texts(heard, {"notes"})] == ["Buses after 6pm", NHS]
