"""Harvest notes: a host adds one from a phone, hosts read their table's, organisers review.

``do_add_note`` runs the personal-data gate (``listening_visibility``): a note
that seems to contain a phone number, an NHS number, a name... is stored
``pending`` and the host is told why ("held for an organiser because it seems
to contain a phone number"); nobody but the event's organisers sees it until
one releases it. Hosts see the visible notes at their table and, marked as
held, the ones they wrote themselves. Organisers see every note by table and
the review queue with the reasons. Every read of notes is audited: a note is
what someone said, and a held one may name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.listening import find_listening, find_table
from groundswell.actions.listening_visibility import gate, is_visible, reason
from groundswell.actions.statement_check import personal_data
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    HarvestNote,
    ListeningEvent,
    ListeningStatus,
    ListeningTable,
    NoteSource,
    NoteStatus,
    User,
)
from groundswell.stories.detect import Flag

MAX_NOTE = 2000


@dataclass
class NoteView:
    """One note as a page or the command line shows it."""

    id: int
    text: str
    table: str | None
    status: str
    source: str
    author: str | None
    town: str | None
    created_at: datetime
    reason: str = ""  # a held note: what the check found, in plain words
    author_user_id: int | None = None

    @property
    def held(self) -> bool:
        return self.status == NoteStatus.PENDING.value

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "table": self.table,
            "text": self.text,
            "status": self.status,
            "source": self.source,
            "town": self.town,
            "created_at": self.created_at.isoformat(),
            "reason": self.reason or None,
        }


@dataclass
class AddedNote:
    """What ``do_add_note`` stored, with what the personal-data check found."""

    note: NoteView
    flags: tuple[Flag, ...]

    @property
    def held(self) -> bool:
        return self.note.held

    @property
    def message(self) -> str:
        if not self.held:
            return "Your note was added."
        return (
            "Your note was held for an organiser because it seems to contain "
            f"{self.note.reason}. They will check it before anyone else sees it."
        )


def check_text(text: str, name: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"{name}: write the note before adding it")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"{name}: a note is at most {MAX_NOTE} characters; split it in two")
    return text


def _table_of(session: Session, listening: ListeningEvent, table: str | int | None) -> int | None:
    if table is None or table == "":
        return None
    if isinstance(table, int):
        found = session.scalar(
            select(ListeningTable.id).where(
                ListeningTable.id == table, ListeningTable.listening_event_id == listening.id
            )
        )
        if found is None:
            raise NotFound(f"table: there is no table {table} at '{listening.slug}'")
        return found
    return find_table(session, listening, table).id


def do_add_note(
    db: Database,
    slug: str,
    *,
    text: str,
    table: str | int | None = None,
    actor_user_id: int | None,
    actor: str = "",
) -> AddedNote:
    """Add a harvest note at ``table`` (a name or id); held ``pending`` when the check flags it."""
    text = check_text(text)
    verdict = gate(text)
    with db.transaction() as session:
        listening = find_listening(session, slug)
        if listening.status is ListeningStatus.CLOSED:
            raise Conflict(f"'{listening.title}' is closed; an organiser can reopen it")
        table_id = _table_of(session, listening, table)
        note = HarvestNote(
            listening_event_id=listening.id,
            table_id=table_id,
            text=text,
            author_user_id=actor_user_id,
            source=NoteSource.TYPED,
            status=verdict.status,
            town=listening.town,
        )
        session.add(note)
        session.flush()
        record_access(session, actor or f"user:{actor_user_id}", "listening.note",
                      "harvest_note", note.id, {"held": verdict.held})  # fmt: skip
        view = _views(session, select(HarvestNote).where(HarvestNote.id == note.id))[0]
    return AddedNote(view, verdict.flags)


def _views(session: Session, query: Select[HarvestNote]) -> list[NoteView]:
    rows = session.execute(
        query.add_columns(ListeningTable.name, User.display_name)
        .outerjoin(ListeningTable, ListeningTable.id == HarvestNote.table_id)
        .outerjoin(User, User.id == HarvestNote.author_user_id)
        .order_by(HarvestNote.created_at, HarvestNote.id)
    ).all()
    views = []
    for note, table, author in rows:
        status = NoteStatus(note.status)
        held = status is NoteStatus.PENDING
        views.append(
            NoteView(
                id=note.id,
                text=note.text,
                table=table,
                status=status.value,
                source=NoteSource(note.source).value,
                author=author,
                town=note.town,
                created_at=note.created_at,
                reason=reason(personal_data(note.text)) if held else "",
                author_user_id=note.author_user_id,
            )
        )
    return views


def host_notes(
    db: Database, slug: str, *, table_id: int | None, user_id: int, actor: str
) -> list[NoteView]:
    """What a host sees at ``table_id`` (None: notes at no table): visible notes and their own.

    Their own held notes are shown to them, marked held; other people's never are.
    """
    with db.transaction() as session:
        listening = find_listening(session, slug)
        query = select(HarvestNote).where(
            HarvestNote.listening_event_id == listening.id,
            HarvestNote.status != NoteStatus.REJECTED,
        )
        query = query.where(
            HarvestNote.table_id.is_(None) if table_id is None else HarvestNote.table_id == table_id
        )
        notes = [
            n for n in _views(session, query) if is_visible(n.status) or n.author_user_id == user_id
        ]
        record_access(session, actor, "listening.host_notes", "listening_event", slug,
                      {"table": table_id, "notes": len(notes)})  # fmt: skip
    return notes


@dataclass
class EventNotes:
    """An organiser's view: visible notes by table, the review queue, and counts."""

    by_table: list[tuple[str, list[NoteView]]] = field(default_factory=list)
    pending: list[NoteView] = field(default_factory=list)
    rejected: int = 0

    @property
    def visible(self) -> int:
        return sum(len(notes) for _, notes in self.by_table)

    def to_dict(self) -> dict[str, object]:
        return {
            "tables": [
                {"table": name, "notes": [n.to_dict() for n in notes]}
                for name, notes in self.by_table
            ],
            "pending": [n.to_dict() for n in self.pending],
            "visible": self.visible,
            "rejected": self.rejected,
        }


NO_TABLE = "No table"


def event_notes(db: Database, slug: str, *, actor: str) -> EventNotes:
    """Every note of ``slug`` for its organisers (audited): shown ones by table, held ones apart."""
    with db.transaction() as session:
        listening = find_listening(session, slug)
        tables = session.scalars(
            select(ListeningTable.name)
            .where(ListeningTable.listening_event_id == listening.id)
            .order_by(ListeningTable.position, ListeningTable.id)
        ).all()
        result = EventNotes()
        grouped: dict[str | None, list[NoteView]] = {name: [] for name in tables}
        notes = _views(session, select(HarvestNote).where(
            HarvestNote.listening_event_id == listening.id))  # fmt: skip
        for note in notes:
            if note.status == NoteStatus.REJECTED.value:
                result.rejected += 1
            elif note.held:
                result.pending.append(note)
            else:
                grouped.setdefault(note.table, []).append(note)
        result.by_table = [(name or NO_TABLE, grouped[name]) for name in grouped if name]
        if grouped.get(None):
            result.by_table.append((NO_TABLE, grouped[None]))
        record_access(session, actor, "listening.notes", "listening_event", slug,
                      {"notes": len(notes)})  # fmt: skip
    return result


DECISIONS = {"release": NoteStatus.VISIBLE, "reject": NoteStatus.REJECTED}


def do_review_note(db: Database, slug: str, note_id: int, decision: str, *, actor: str) -> NoteView:
    """An organiser releases (shows) or rejects a held note of ``slug``."""
    if decision not in DECISIONS:
        raise InvalidInput("decision: use release or reject")
    with db.transaction() as session:
        listening = find_listening(session, slug)
        note = session.scalar(
            select(HarvestNote).where(
                HarvestNote.id == note_id, HarvestNote.listening_event_id == listening.id
            )
        )
        if note is None:
            raise NotFound(f"there is no note {note_id} at '{slug}'; check the number")
        if note.status is not NoteStatus.PENDING:
            raise Conflict(f"note {note_id} is {NoteStatus(note.status).value}, not held")
        note.status = DECISIONS[decision]
        record_access(session, actor, f"listening.{decision}", "harvest_note", note_id)
        session.flush()
        return _views(session, select(HarvestNote).where(HarvestNote.id == note_id))[0]


def pending_count(session: Session, listening_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                HarvestNote.listening_event_id == listening_id,
                HarvestNote.status == NoteStatus.PENDING,
            )
        )
        or 0
    )
