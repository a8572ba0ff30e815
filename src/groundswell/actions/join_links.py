"""Personal join links: everyone's own link, and joining the movement through one.

Each person may share ``/join/<code>``; whoever joins through it becomes a
new person and the link's owner their recruiter (a ``Recruitment`` row), so
the roles and the reach indicators count it like any recruitment. No tie is
added: recruitment is its own tree (who brought whom), read by the roles as
activity (``actions.roles.store_activity``), not a tie of the network, so a
join is counted once, as recruitment, and never doubles as a tie.

Least data: a name and a town; an email is optional. Consent to be contacted
and to be counted are asked separately and both answers go to the consent
registry, a "no" included. Someone joining again with an email already on
record creates nobody and changes nothing, and sees exactly what a first
join sees, so the form never tells anyone whether an address is known.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.outfiles import write_csv, writing_into
from groundswell.actions.rsvps import EMAIL
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    ConsentEvent,
    ConsentPurpose,
    JoinLink,
    Person,
    Recruitment,
    utcnow,
)

CODE_BYTES = 16  # 128 random bits: 22 URL-safe characters, never guessed
EXPORT_COLUMNS = ("person", "display_name", "link", "joins", "created_at")


@dataclass(frozen=True)
class Joining:
    """What someone typed on the join form."""

    display_name: str
    town: str
    email: str = ""
    consent_contact: bool = False
    consent_counted: bool = False

    def checked(self) -> Joining:
        name = " ".join((self.display_name or "").split())
        if not name:
            raise InvalidInput("name: enter your name, or the name you would like to be called")
        if len(name) > 120:
            raise InvalidInput("name: use 120 characters or fewer")
        town = " ".join((self.town or "").split())
        if not town:
            raise InvalidInput("town: enter the town or village you live in")
        if len(town) > 80:
            raise InvalidInput("town: use 80 characters or fewer")
        email = (self.email or "").strip().lower()
        if email and (len(email) > 254 or not EMAIL.match(email)):
            raise InvalidInput(
                "email: enter an email address like name@example.org, or leave it empty"
            )
        return Joining(name, town, email, bool(self.consent_contact), bool(self.consent_counted))


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def link_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/join/{code}"


def _ensure(session: Session, person_id: int) -> JoinLink:
    link = session.scalar(select(JoinLink).where(JoinLink.person_id == person_id))
    if link is None:
        link = JoinLink(person_id=person_id, code=new_code(), joins=0)
        session.add(link)
        session.flush()
    return link


def do_join_link_for(db: Database, person_id: int) -> tuple[str, int]:
    """The person's join link code, made on first asking, and how many joined through it."""
    try:
        with db.transaction() as session:
            link = _ensure(session, person_id)
            return link.code, link.joins
    except IntegrityError:  # made at the same moment by another request: read theirs
        with db.reading() as session:
            made = session.execute(
                select(JoinLink.code, JoinLink.joins).where(JoinLink.person_id == person_id)
            ).one()
            return str(made[0]), int(made[1])


def join_link_exists(db: Database, code: str) -> bool:
    with db.reading() as session:
        return session.scalar(select(JoinLink.id).where(JoinLink.code == code)) is not None


def _consent(session: Session, person: Person, purpose: ConsentPurpose, granted: bool) -> None:
    session.add(
        ConsentEvent(
            person_id=person.id, purpose=purpose, granted=granted, at=person.created_at,
            source="join_link", actor="join-link", note="asked when joining through a link",
        )
    )  # fmt: skip


def do_join(db: Database, code: str, joining: Joining, *, now: datetime | None = None) -> bool:
    """Join the movement through the link ``code``; True when a new person was added.

    NotFound for a code that is no link. InvalidInput (naming the field) for a
    bad answer. An email already on record adds nobody (False); the caller shows
    the same answer either way.
    """
    answer = joining.checked()
    when = now or utcnow()
    with db.transaction() as session:
        link = session.scalar(select(JoinLink).where(JoinLink.code == code))
        if link is None:
            raise NotFound("this join link is not known; ask whoever shared it for theirs")
        if answer.email and session.scalar(
            select(Person.id).where(func.lower(Person.email) == answer.email).limit(1)
        ):
            return False
        person = Person(
            ref=f"join-{secrets.token_hex(5)}",
            display_name=answer.display_name,
            town=answer.town,
            email=answer.email or None,
            consent_contact=answer.consent_contact,
            consent_contact_at=when,
            consent_analytics=answer.consent_counted,
            consent_analytics_at=when,
            joined_at=when,
            created_at=when,
        )
        session.add(person)
        session.flush()
        _consent(session, person, ConsentPurpose.CONTACT, answer.consent_contact)
        _consent(session, person, ConsentPurpose.ANALYTICS, answer.consent_counted)
        session.add(Recruitment(recruiter_id=link.person_id, recruit_id=person.id, at=when))
        link.joins += 1
    return True


def do_export_join_links(
    db: Database, out: Path, *, base_url: str, actor: str, overwrite: bool = False
) -> int:
    """Everyone's join link (made where missing) as CSV at ``out``; the rows written.

    Names people: one audit row, in the same transaction as the links made, so
    a file that cannot be written leaves no new links and no audit row either.
    """
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder; give a file name with --out, e.g. links.csv")
    if out.exists() and not overwrite:
        raise Conflict(f"{out} already exists; use --force to replace it, or choose another")
    with db.transaction() as session, writing_into(out.parent):
        have = set(session.scalars(select(JoinLink.person_id)))
        missing = session.scalars(select(Person.id).order_by(Person.id)).all()
        session.add_all(
            JoinLink(person_id=pid, code=new_code(), joins=0) for pid in missing if pid not in have
        )
        session.flush()
        rows = session.execute(
            select(Person.ref, Person.display_name, JoinLink.code, JoinLink.joins,
                   JoinLink.created_at)
            .join(JoinLink, JoinLink.person_id == Person.id)
            .order_by(Person.id)
        ).all()  # fmt: skip
        record_access(session, actor, "people.join_links", None, None, {"people": len(rows)})

        def lines() -> Iterator[tuple[object, ...]]:
            for ref, name, code, joins, made in rows:
                yield ref, name, link_url(base_url, code), joins, made

        return write_csv(out, EXPORT_COLUMNS, lines())


def do_account_join_link(db: Database, user_id: int) -> tuple[str, int] | None:
    """The join link of the person a user's account is linked to (None: not linked)."""
    from groundswell.store.models import User

    with db.reading() as session:
        person_id = session.scalar(select(User.person_id).where(User.id == user_id))
    return None if person_id is None else do_join_link_for(db, person_id)
