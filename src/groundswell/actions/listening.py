"""Listening events: create and edit them, their tables and hosts, and who may run them.

A listening event is a hosted conversation around one question (with any
extra prompts), held at tables or in sessions, linked to an event of the
movement when there is one. Its hosts are accounts: they type harvest notes
on a phone (``groundswell.actions.listening_notes``).

Who may do what (``may_organise``, ``may_host``): organisers and admins whose
people scope covers the listening event's town organise it (edit it, add
tables and hosts, review held notes, import notes); an event without a town
is covered by movement-wide (``*``) grants only, as a story told by nobody is.
Its hosts add notes and read the notes shown at its tables. The command line
is the operator, who holds the database and so may do everything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.auth.permissions import Action, Principal, Subject, scopes_for
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    Event,
    ListeningEvent,
    ListeningHost,
    ListeningStatus,
    ListeningTable,
    User,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_TABLES = 60
MAX_QUESTIONS = 10


@dataclass
class ListeningDetails:
    """What an organiser types for a listening event; each field checked by ``checked``."""

    title: str
    question: str
    questions: Sequence[str] = ()  # extra prompts, in order
    event: str = ""  # the linked event's slug
    town: str = ""
    held_on: date | None = None

    def checked(self) -> ListeningDetails:
        title = " ".join((self.title or "").split())
        if not title:
            raise InvalidInput("title: enter the listening event's title")
        if len(title) > 160:
            raise InvalidInput("title: use 160 characters or fewer")
        question = (self.question or "").strip()
        if not question:
            raise InvalidInput("question: enter the question people will talk about")
        if len(question) > 500:
            raise InvalidInput("question: use 500 characters or fewer")
        extra = [q.strip() for q in self.questions if q and q.strip()]
        if len(extra) > MAX_QUESTIONS or any(len(q) > 500 for q in extra):
            raise InvalidInput(
                f"questions: give at most {MAX_QUESTIONS} extra prompts of 500 characters each"
            )
        town = (self.town or "").strip()
        if len(town) > 80:
            raise InvalidInput("town: use 80 characters or fewer")
        return ListeningDetails(
            title=title,
            question=question,
            questions=extra,
            event=(self.event or "").strip().lower(),
            town=town,
            held_on=self.held_on,
        )


# Addresses under /listening/ that are pages of their own, not listening events.
RESERVED = frozenset({"comments", "new", "themes"})


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if slug in RESERVED:
        raise InvalidInput(f"slug: '{slug}' is taken by a page of its own; choose another slug")
    if not SLUG.match(slug):
        raise InvalidInput(
            "slug: use lower-case letters, digits and hyphens (80 at most), e.g. moving-more-may"
        )
    return slug


def parse_day(text: str, name: str = "date") -> date | None:
    """An ISO date (YYYY-MM-DD), or None for an empty value."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: '{text}' is not a date; write it as 2026-05-01") from None


def table_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("table: enter the table's name, e.g. Table 1")
    if len(name) > 120:
        raise InvalidInput("table: use 120 characters or fewer")
    return name


def find_listening(session: Session, slug: str) -> ListeningEvent:
    found = session.scalar(select(ListeningEvent).where(ListeningEvent.slug == slug))
    if found is None:
        raise NotFound(f"there is no listening event '{slug}'; see the list at /listening")
    return found


def find_table(session: Session, listening: ListeningEvent, name: str) -> ListeningTable:
    """The table called ``name`` (case-insensitive) at ``listening``; NotFound names the tables."""
    wanted = " ".join(name.split()).casefold()
    tables = session.scalars(
        select(ListeningTable)
        .where(ListeningTable.listening_event_id == listening.id)
        .order_by(ListeningTable.position, ListeningTable.id)
    ).all()
    for table in tables:
        if table.name.casefold() == wanted:
            return table
    known = ", ".join(t.name for t in tables) or "none yet"
    raise NotFound(f"table: '{name}' is not a table of '{listening.slug}' (tables: {known})")


def _apply(session: Session, listening: ListeningEvent, details: ListeningDetails) -> None:
    event_id = None
    if details.event:
        event_id = session.scalar(select(Event.id).where(Event.slug == details.event))
        if event_id is None:
            raise NotFound(f"event: there is no event '{details.event}'; see the list at /events")
    listening.title = details.title
    listening.question = details.question
    listening.questions = list(details.questions)
    listening.event_id = event_id
    listening.town = details.town or None
    listening.held_on = details.held_on


def _add_tables(session: Session, listening: ListeningEvent, names: Sequence[str]) -> int:
    """Add the tables not there yet, after the others; returns how many were added."""
    existing = session.scalars(
        select(ListeningTable.name).where(ListeningTable.listening_event_id == listening.id)
    ).all()
    have = {n.casefold() for n in existing}
    position = len(existing)
    added = 0
    for raw in names:
        name = table_name(raw)
        if name.casefold() in have:
            continue
        if position >= MAX_TABLES:
            raise InvalidInput(f"table: a listening event has at most {MAX_TABLES} tables")
        have.add(name.casefold())
        position += 1
        added += 1
        session.add(ListeningTable(listening_event_id=listening.id, name=name, position=position))
    session.flush()
    return added


def do_create_listening(
    db: Database, slug: str, details: ListeningDetails, *, tables: Sequence[str] = (), actor: str
) -> str:
    """Create an open listening event with its tables; Conflict when the slug is taken."""
    slug = check_slug(slug)
    details = details.checked()
    with db.transaction() as session:
        if session.scalar(select(ListeningEvent.id).where(ListeningEvent.slug == slug)):
            raise Conflict(f"slug: a listening event called '{slug}' exists; choose another slug")
        listening = ListeningEvent(slug=slug, title="", question="", questions=[])
        _apply(session, listening, details)
        session.add(listening)
        session.flush()
        _add_tables(session, listening, tables)
        record_access(session, actor, "listening.create", "listening_event", slug)
    return slug


def do_edit_listening(
    db: Database,
    slug: str,
    details: ListeningDetails,
    *,
    status: str | None = None,
    actor: str,
) -> None:
    """Change a listening event's details, and open or close it."""
    details = details.checked()
    with db.transaction() as session:
        listening = find_listening(session, slug)
        _apply(session, listening, details)
        if status:
            try:
                listening.status = ListeningStatus(status)
            except ValueError:
                raise InvalidInput("status: use open or closed") from None
        record_access(session, actor, "listening.edit", "listening_event", slug)


def do_add_tables(db: Database, slug: str, names: Sequence[str], *, actor: str) -> int:
    """Add tables (or sessions) to a listening event; names already there are kept once."""
    with db.transaction() as session:
        listening = find_listening(session, slug)
        added = _add_tables(session, listening, names)
        record_access(session, actor, "listening.tables", "listening_event", slug, {"added": added})
    return added


def do_add_host(
    db: Database, slug: str, email: str, *, table: str | None = None, actor: str
) -> tuple[str, str | None]:
    """Let the account ``email`` add notes to ``slug`` (at ``table``); returns (email, table).

    Adding a host again moves them to the table given (or to no table).
    """
    email = (email or "").strip().lower()
    if "@" not in email:
        raise InvalidInput(f"email: '{email}' is not an email address")
    with db.transaction() as session:
        listening = find_listening(session, slug)
        user_id = session.scalar(select(User.id).where(func.lower(User.email) == email))
        if user_id is None:
            raise NotFound(
                f"email: there is no account for {email}; "
                f"invite them first with 'groundswell users invite {email}'"
            )
        table_id = find_table(session, listening, table).id if table else None
        host = session.scalar(
            select(ListeningHost).where(
                ListeningHost.listening_event_id == listening.id, ListeningHost.user_id == user_id
            )
        )
        if host is None:
            session.add(
                ListeningHost(listening_event_id=listening.id, user_id=user_id, table_id=table_id)
            )
        else:
            host.table_id = table_id
        record_access(session, actor, "listening.host", "listening_event", slug, {"user": user_id})
    return email, table


# --- who may do what ---


def may_organise(listening: ListeningEvent, principal: Principal | None) -> bool:
    """An organiser or admin whose people scope covers the event's town (module docstring)."""
    if principal is None:
        return False
    return scopes_for(principal, Action.VIEW_PEOPLE).covers(Subject(town=listening.town))


def may_organise_in(principal: Principal | None, town: str | None) -> bool:
    """Whether ``principal`` would organise an event held in ``town`` (none: ``*`` grants only)."""
    return may_organise(ListeningEvent(town=town or None), principal)


def may_review_comments(principal: Principal | None) -> bool:
    """Movement-wide organisers and admins: imported comments belong to no one event."""
    return principal is not None and scopes_for(principal, Action.VIEW_PEOPLE).everything


def may_create(principal: Principal | None) -> bool:
    """Organisers and admins, of any scope, set up listening events."""
    return principal is not None and not scopes_for(principal, Action.VIEW_PEOPLE).nothing


def is_host(session: Session, listening: ListeningEvent, principal: Principal | None) -> bool:
    if principal is None:
        return False
    return (
        session.scalar(
            select(ListeningHost.id).where(
                ListeningHost.listening_event_id == listening.id,
                ListeningHost.user_id == principal.user_id,
            )
        )
        is not None
    )


def may_host(session: Session, listening: ListeningEvent, principal: Principal | None) -> bool:
    """One of the event's hosts, or one of its organisers: may add and read notes."""
    return may_organise(listening, principal) or is_host(session, listening, principal)


# --- what the pages and the command line show ---


@dataclass
class TableView:
    id: int
    name: str
    hosts: list[str] = field(default_factory=list)


@dataclass
class HostView:
    email: str
    display_name: str
    table: str | None


@dataclass
class ListeningView:
    """A listening event with its tables and hosts (notes are in ``listening_notes``)."""

    slug: str
    title: str
    question: str
    questions: list[str]
    event: str | None
    town: str | None
    held_on: date | None
    status: str
    tables: list[TableView] = field(default_factory=list)
    hosts: list[HostView] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "question": self.question,
            "questions": self.questions,
            "event": self.event,
            "town": self.town,
            "held_on": self.held_on.isoformat() if self.held_on else None,
            "status": self.status,
            "tables": [t.name for t in self.tables],
        }


def listening_view(session: Session, slug: str) -> ListeningView:
    listening = find_listening(session, slug)
    event = None
    if listening.event_id is not None:
        event = session.scalar(select(Event.slug).where(Event.id == listening.event_id))
    view = ListeningView(
        slug=listening.slug,
        title=listening.title,
        question=listening.question,
        questions=list(listening.questions or []),
        event=event,
        town=listening.town,
        held_on=listening.held_on,
        status=ListeningStatus(listening.status).value,
    )
    tables = session.execute(
        select(ListeningTable.id, ListeningTable.name)
        .where(ListeningTable.listening_event_id == listening.id)
        .order_by(ListeningTable.position, ListeningTable.id)
    ).all()
    by_id = {tid: TableView(tid, name) for tid, name in tables}
    view.tables = list(by_id.values())
    hosts = session.execute(
        select(User.email, User.display_name, ListeningHost.table_id)
        .join(User, User.id == ListeningHost.user_id)
        .where(ListeningHost.listening_event_id == listening.id)
        .order_by(func.lower(User.display_name), User.email)
    ).all()
    for email, name, table_id in hosts:
        table = by_id.get(table_id) if table_id is not None else None
        view.hosts.append(HostView(email, name, table.name if table else None))
        if table is not None:
            table.hosts.append(name)
    return view


def list_listening(
    session: Session, principal: Principal | None, *, operator: bool = False
) -> list[ListeningView]:
    """The listening events ``principal`` organises or hosts (the ``operator``: all of them)."""
    events = session.scalars(
        select(ListeningEvent).order_by(
            ListeningEvent.held_on.desc().nulls_last(), ListeningEvent.slug
        )
    ).all()
    shown = []
    for listening in events:
        if operator or may_host(session, listening, principal):
            shown.append(listening_view(session, listening.slug))
    return shown
