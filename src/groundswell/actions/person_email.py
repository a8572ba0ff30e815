"""Linking an account to the person it is, through an email address both share.

A person's record may hold the address they gave with their consent to be
contacted (``Person.email``). An account whose address has been shown to be
its owner's (by opening a link sent to it) is linked to the one such person,
so they log their own days and surveys without an admin running ``users
link``. An address that is on more than one record, or a record already
linked to another account, links nothing: a wrong link would show one
person's record to another.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions.audit import record_access
from groundswell.store.models import Person, User

__all__ = ["link_by_email", "person_for_email"]


def person_for_email(session: Session, email: str) -> int | None:
    """The one person with this address and consent to contact, not linked to any account."""
    ids = session.scalars(
        select(Person.id)
        .where(func.lower(Person.email) == email.lower(), Person.consent_contact.is_(True))
        .limit(2)
    ).all()
    if len(ids) != 1:
        return None
    taken = session.scalar(select(User.id).where(User.person_id == ids[0]))
    return None if taken is not None else ids[0]


def link_by_email(session: Session, user: User) -> str | None:
    """Link ``user`` (whose address is confirmed) to their person; the person's ref, or None.

    Called in the caller's transaction, right after the address was confirmed.
    An account already linked keeps its link.
    """
    if user.person_id is not None:
        return None
    person_id = person_for_email(session, user.email)
    if person_id is None:
        return None
    user.person_id = person_id
    ref = session.scalar(select(Person.ref).where(Person.id == person_id))
    record_access(session, user.email, "accounts.link", "user", user.email, {"person": ref})
    return ref
