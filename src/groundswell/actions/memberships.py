"""Joining and leaving initiatives: by the person themselves, or added by an organiser.

Leaving keeps the membership row with the day it ended (``left_on``), so the
ladder of engagement and the leadership index still see who was a member
when; current members are the rows without ``left_on``
(``current_members``), and every count of members uses them. Rejoining
reopens the row with a new ``joined_on``. Every change is audited: a
membership is personal data and widens what the initiative's organisers see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions import initiatives as ia
from groundswell.actions.audit import operator, record_access
from groundswell.actions.scopes import subject_of_person
from groundswell.auth.permissions import Subject
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import MemberRole, Membership, Person, utcnow

ROLES = [r.value for r in MemberRole]


def current_members() -> ColumnElement[bool]:
    """SQL: the membership has not ended (what every count of members filters by)."""
    return Membership.left_on.is_(None)


@dataclass(frozen=True)
class MembershipView:
    initiative: str
    person: str
    role: str
    joined_on: date | None
    left_on: date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "joined_on": self.joined_on.isoformat() if self.joined_on else None,
            "left_on": self.left_on.isoformat() if self.left_on else None,
        }


def _person_id(session: Session, ref: str) -> int:
    pid = session.scalar(select(Person.id).where(Person.ref == ref.strip()))
    if pid is None:
        raise NotFound(f"'{ref}' is not a person in the database; check the id")
    return pid


def _audit(session: Session, actor: str | None, action: str, slug: str, person: str) -> None:
    record_access(session, actor or operator(), action, "initiative", slug, {"person": person})


def do_join_initiative(
    db: Database,
    slug: str,
    person: str,
    *,
    role: str = "member",
    on: date | None = None,
    actor: str | None = None,
) -> MembershipView:
    """``person`` (their id) joins the initiative ``slug``; Conflict if already a member."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    day = on or utcnow().date()
    with db.transaction() as session:
        initiative = ia._initiative(session, slug)
        pid = _person_id(session, person)
        row = session.scalar(
            select(Membership).where(
                Membership.initiative_id == initiative.id, Membership.person_id == pid
            )
        )
        if row is not None and row.left_on is None:
            raise Conflict(f"'{person.strip()}' is already a member of {initiative.name}")
        if row is None:
            row = Membership(initiative_id=initiative.id, person_id=pid)
            session.add(row)
        row.role, row.joined_on, row.left_on = MemberRole(role), day, None
        _audit(session, actor, "initiatives.join", initiative.slug, person.strip())
        return MembershipView(initiative.slug, person.strip(), role, day, None)


def do_leave_initiative(
    db: Database, slug: str, person: str, *, on: date | None = None, actor: str | None = None
) -> MembershipView:
    """``person`` leaves ``slug``: the membership ends today (or ``on``) and is kept."""
    day = on or utcnow().date()
    with db.transaction() as session:
        initiative = ia._initiative(session, slug)
        pid = _person_id(session, person)
        row = session.scalar(
            select(Membership).where(
                Membership.initiative_id == initiative.id,
                Membership.person_id == pid,
                current_members(),
            )
        )
        if row is None:
            raise NotFound(f"'{person.strip()}' is not a member of {initiative.name}")
        if row.joined_on is not None and day < row.joined_on:
            raise InvalidInput(f"the day they left ({day}) is before they joined ({row.joined_on})")
        row.left_on = day
        _audit(session, actor, "initiatives.leave", initiative.slug, person.strip())
        return MembershipView(initiative.slug, person.strip(), row.role.value, row.joined_on, day)


def is_member(db: Database, slug: str, person: str) -> bool:
    """Whether ``person`` is a current member of ``slug`` (the join/leave button)."""
    with db.reading() as session:
        initiative = ia._initiative(session, slug)
        found = session.scalar(
            select(Membership.id)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.initiative_id == initiative.id,
                Person.ref == person,
                current_members(),
            )
        )
    return found is not None


def person_subject(db: Database, person: str) -> Subject | None:
    """The person's town and current initiatives for a scope check; None if unknown."""
    with db.reading() as session:
        pid = session.scalar(select(Person.id).where(Person.ref == person.strip()))
        return None if pid is None else subject_of_person(session, pid)
