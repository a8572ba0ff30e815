"""Invitations by email: an admin names the address, the role and the person it links to.

The invitee opens the emailed link, chooses a name and a password, and the
account is made with that role and link: nobody types a password for
someone else, and opening the link proves the address. Only the newest
invitation to an address works; it lasts ``INVITE_FOR``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.account_tokens import ACCOUNT_KIND, issue_token, retire_tokens, take_token
from groundswell.actions.accounts import UserInfo, normalise_email
from groundswell.actions.audit import record_access
from groundswell.actions.outbox import enqueue_email
from groundswell.actions.person_email import link_by_email
from groundswell.auth import passwords
from groundswell.auth.permissions import parse_role, parse_scope
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import AccountToken, Person, RoleGrant, TokenPurpose, User

__all__ = ["INVITE_FOR", "Invitation", "do_accept_invitation", "do_invite", "invitation"]

INVITE_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Invitation:
    email: str
    role: str | None
    scope: str
    person: str | None
    invited_by: str | None
    expires_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "expires_at": self.expires_at.isoformat()}


def _invitation(row: AccountToken, person: str | None) -> Invitation:
    return Invitation(
        email=row.email, role=row.role, scope=row.scope or "*", person=person,
        invited_by=row.created_by, expires_at=row.expires_at,
    )  # fmt: skip


def _person_ref(session: Session, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    return session.scalar(select(Person.ref).where(Person.id == person_id))


def do_invite(
    db: Database, *, email: str, role: str | None = None, scope: str = "*",
    person: str | None = None, actor: str, now: datetime, base_url: str, org_name: str,
) -> Invitation:  # fmt: skip
    """Email an invitation; Conflict if the address already has an account.

    ``person`` is the id (ref) of the person the account will be; NotFound if
    there is none, Conflict if another account is linked to them. An earlier
    invitation to the same address stops working.
    """
    email = normalise_email(email)
    chosen = parse_role(role).value if role else None
    parse_scope(scope)
    scope = scope.strip()
    with db.transaction() as session:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise Conflict(
                f"{email} already has an account; give it a role with 'groundswell users grant'"
            )
        person_id = None
        if person:
            person_id = session.scalar(select(Person.id).where(Person.ref == person))
            if person_id is None:
                raise NotFound(f"'{person}' is not a person in the database; check the id")
            other = session.scalar(select(User.email).where(User.person_id == person_id))
            if other is not None:
                raise Conflict(f"person '{person}' is already linked to {other}; unlink that first")
        retire_tokens(session, TokenPurpose.INVITE, email, now)
        token = issue_token(
            session, TokenPurpose.INVITE, email, now=now, lifetime=INVITE_FOR, role=chosen,
            scope=scope, person_id=person_id, created_by=actor,
        )  # fmt: skip
        enqueue_email(
            session, to=email, kind=ACCOUNT_KIND, subject=f"You are invited to {org_name}",
            template="invitation",
            context={
                "org_name": org_name, "role": chosen, "link":
                base_url.rstrip("/") + f"/account/invitation/{token}",
                "days": INVITE_FOR.days,
            },
        )  # fmt: skip
        record_access(
            session, actor, "accounts.invite", "user", email,
            {"role": chosen, "scope": scope, "person": person},
        )  # fmt: skip
        return Invitation(email, chosen, scope, person, actor, now + INVITE_FOR)


def invitation(db: Database, *, token: str, now: datetime) -> Invitation:
    """What a live invitation link offers (its page shows it); ExpiredLink otherwise."""
    with db.reading() as session:
        row = take_token(session, TokenPurpose.INVITE, token, now=now, use=False)
        return _invitation(row, _person_ref(session, row.person_id))


def do_accept_invitation(
    db: Database, *, token: str, display_name: str, password: str, now: datetime
) -> UserInfo:
    """Make the invited account with its role and link; the link is then used up."""
    name = " ".join(display_name.split())
    if not name or len(name) > 120:
        raise InvalidInput("name must be 1 to 120 characters; give the name people will see")
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)
    with db.transaction() as session:
        row = take_token(session, TokenPurpose.INVITE, token, now=now, use=True)
        if session.scalar(select(User.id).where(User.email == row.email)) is not None:
            raise Conflict(f"{row.email} already has an account; sign in instead")
        user = User(email=row.email, display_name=name, password_hash=hashed, created_at=now)
        if row.role:
            user.grants.append(RoleGrant(role=parse_role(row.role), scope=row.scope or "*"))
        if row.person_id is not None:
            other = session.scalar(select(User.email).where(User.person_id == row.person_id))
            if other is not None:
                raise Conflict(
                    f"the person this invitation links to is now linked to {other}; "
                    "ask for a new invitation"
                )
            user.person_id = row.person_id
        session.add(user)
        session.flush()
        if row.person_id is None:
            link_by_email(session, user)  # opening the emailed link confirmed the address
        person = _person_ref(session, user.person_id)
        record_access(
            session, row.email, "accounts.accept_invitation", "user", row.email,
            {"role": row.role, "scope": row.scope, "person": person},
        )  # fmt: skip
        return UserInfo(
            email=user.email, display_name=user.display_name, disabled=False, created_at=now,
            grants=[{"role": g.role.value, "scope": g.scope} for g in user.grants],
        )  # fmt: skip
