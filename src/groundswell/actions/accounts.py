"""Account use cases: create users, grant roles, sign in and out, load a session, list people.

Every write owns its transaction. Times come in as ``now`` so tests can move
the clock; the web layer passes its clock, the CLI the real time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from groundswell.actions import Database
from groundswell.actions.audit import operator, record_access
from groundswell.actions.scopes import visible_people
from groundswell.auth import passwords, throttle, tokens
from groundswell.auth.permissions import (
    Action,
    Grant,
    Principal,
    Role,
    parse_role,
    parse_scope,
    require,
)
from groundswell.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from groundswell.settings import MOST_SESSION_HOURS, MOST_SESSION_IDLE_MINUTES
from groundswell.store.models import (
    Person,
    RoleGrant,
    SignInThrottle,
    User,
    UserSession,
)

MAX_PEOPLE = 1_000


@dataclass(frozen=True)
class UserInfo:
    email: str
    display_name: str
    disabled: bool
    created_at: datetime
    grants: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token for the cookie (never stored) and its CSRF token."""

    token: str
    csrf_token: str
    principal: Principal


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    csrf_token: str


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > 254:
        raise InvalidInput(f"'{email}' is not an email address; use one like name@example.org")
    return email


def _info(user: User) -> UserInfo:
    return UserInfo(
        email=user.email,
        display_name=user.display_name,
        disabled=user.disabled,
        created_at=user.created_at,
        grants=[{"role": g.role.value, "scope": g.scope} for g in user.grants],
    )


def principal_of(user: User) -> Principal:
    grants = tuple(Grant(g.role, g.scope) for g in user.grants)
    return Principal(user.id, user.email, user.display_name, grants)


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user '{email}'; 'groundswell users list' shows them")
    return user


def do_create_user(
    db: Database, *, email: str, display_name: str, password: str, role: str | None = None,
    scope: str = "*", actor: str | None = None,
) -> UserInfo:  # fmt: skip
    """Create a user (optionally with a first role); Conflict if the email is taken."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise InvalidInput("display name is empty; give the name people will see")
    passwords.check_strength(password)
    with db.transaction() as session:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise Conflict(f"a user with email '{email}' already exists")
        user = User(
            email=email, display_name=display_name, password_hash=passwords.hash_password(password)
        )
        if role is not None:
            parse_scope(scope)
            user.grants.append(RoleGrant(role=parse_role(role), scope=scope.strip()))
        session.add(user)
        session.flush()
        _audit_account(session, actor, "accounts.create", email, role=role, scope=scope)
        return _info(user)


def do_link_person(
    db: Database, *, email: str, person: str | None, actor: str | None = None
) -> str | None:
    """Link ``email``'s account to the person with id ``person`` (``None`` unlinks).

    A linked participant logs their own campaign days and surveys as that
    person; one person has at most one account.
    """
    with db.transaction() as session:
        user = _user(session, email)
        _audit_account(session, actor, "accounts.link", user.email, person=person)
        if person is None:
            user.person_id = None
            return None
        pid = session.scalar(select(Person.id).where(Person.ref == person))
        if pid is None:
            raise NotFound(f"'{person}' is not a person in the database; check the id")
        other = session.scalar(select(User.email).where(User.person_id == pid, User.id != user.id))
        if other is not None:
            raise Conflict(f"person '{person}' is already linked to {other}; unlink that first")
        user.person_id = pid
        return person


def linked_person(db: Database, user_id: int) -> str | None:
    """The id (ref) of the person a user is linked to, or ``None``."""
    with db.reading() as session:
        return session.scalar(
            select(Person.ref).join(User, User.person_id == Person.id).where(User.id == user_id)
        )


def do_grant_role(
    db: Database, *, email: str, role: str, scope: str = "*", actor: str | None = None
) -> UserInfo:
    """Give ``email`` a role over a scope (idempotent)."""
    chosen = parse_role(role)
    parse_scope(scope)
    scope = scope.strip()
    with db.transaction() as session:
        user = _user(session, email)
        if not any(g.role is chosen and g.scope == scope for g in user.grants):
            user.grants.append(RoleGrant(role=chosen, scope=scope))
            session.flush()
        _audit_account(session, actor, "accounts.grant", user.email, role=chosen, scope=scope)
        return _info(user)


def do_revoke_role(
    db: Database, *, email: str, role: str, scope: str = "*", actor: str | None = None
) -> UserInfo:
    chosen = parse_role(role)
    with db.transaction() as session:
        user = _user(session, email)
        kept = [g for g in user.grants if not (g.role is chosen and g.scope == scope.strip())]
        if len(kept) == len(user.grants):
            raise NotFound(f"{user.email} has no role {chosen.value} over '{scope}'")
        user.grants = kept
        session.flush()
        _audit_account(session, actor, "accounts.revoke", user.email, role=chosen, scope=scope)
        return _info(user)


def list_users(db: Database, actor: str | None = None) -> list[UserInfo]:
    """Every account with its roles (emails and names: the read is audited)."""
    with db.transaction() as session:
        users = session.scalars(
            select(User).options(selectinload(User.grants)).order_by(User.email)
        ).all()
        record_access(session, actor or operator(), "accounts.list", detail={"users": len(users)})
        return [_info(u) for u in users]


def _audit_account(
    session: Session, actor: str | None, action: str, email: str, **detail: object
) -> None:
    """One audit row for a change to who may sign in or what they may read."""
    plain = {k: None if v is None else str(v) for k, v in detail.items()}
    record_access(session, actor or operator(), action, "user", email, plain)


def do_sign_in(db: Database, *, email: str, password: str, now: datetime) -> SignedIn | None:
    """Check the password and open a session; None when the email or password is wrong.

    Unknown emails still pay for one hash check, so timing does not reveal who
    has an account. A hash made with old parameters is replaced on success.
    Wrong passwords are counted per address (``groundswell.auth.throttle``);
    past the free ones, a try before the wait is over raises TooManyAttempts
    without checking the password.
    """
    try:
        email = normalise_email(email)
    except InvalidInput:
        return None
    key = throttle.throttle_key(email)
    with db.transaction() as session:
        record = session.get(SignInThrottle, key)
        wait = throttle.seconds_left(record.locked_until if record else None, now)
        if wait:
            raise TooManyAttempts(
                f"too many wrong passwords for this address; wait {wait} seconds and try again",
                wait,
            )
        user = session.scalar(
            select(User).options(selectinload(User.grants)).where(User.email == email)
        )
        stored = user.password_hash if user is not None else passwords.dummy_hash()
        good = passwords.verify_password(stored, password)
        if user is None or user.disabled or not good:
            _count_failure(session, key, record, now)
            return None
        if record is not None:
            session.delete(record)  # a right password starts the count again
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        user.last_sign_in_at = now
        token, csrf = tokens.new_token(), tokens.new_token()
        session.add(
            UserSession(
                token_hash=tokens.hash_token(token), user_id=user.id, csrf_token=csrf,
                created_at=now, last_seen_at=now,
            )
        )  # fmt: skip
        return SignedIn(token=token, csrf_token=csrf, principal=principal_of(user))


def _count_failure(
    session: Session, key: str, record: SignInThrottle | None, now: datetime
) -> None:
    """One more wrong password for ``key``; throttle it once past the free failures."""
    forgotten = now - throttle.FORGET_AFTER
    session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < forgotten, SignInThrottle.key_hash != key
        )
    )
    if record is None:
        try:
            with session.begin_nested():
                session.add(SignInThrottle(key_hash=key, failures=0, last_failure_at=now))
        except IntegrityError:
            pass  # another process counted a failure for this address at the same moment
    elif record.last_failure_at < forgotten:
        record.failures = 0  # the old run is forgotten
        session.flush()
    # Counted in SQL, so failures from several processes at once all count.
    failures = session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key_hash == key)
        .values(failures=SignInThrottle.failures + 1, last_failure_at=now)
        .returning(SignInThrottle.failures)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    wait = throttle.wait_after(failures)
    session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key_hash == key)
        .values(locked_until=now + wait if wait else None)
        .execution_options(synchronize_session=False)
    )


def do_sign_out(db: Database, token: str) -> None:
    with db.transaction() as session:
        session.execute(
            delete(UserSession).where(UserSession.token_hash == tokens.hash_token(token))
        )


def do_load_session(
    db: Database, token: str, *, now: datetime, idle: timedelta, lifetime: timedelta
) -> ActiveSession | None:
    """The session behind a cookie token, touched as seen now; None (and deleted) if expired."""
    with db.transaction() as session:
        row = session.scalar(
            select(UserSession)
            .options(selectinload(UserSession.user).selectinload(User.grants))
            .where(UserSession.token_hash == tokens.hash_token(token))
        )
        if row is None:
            return None
        state = tokens.session_state(
            row.created_at, row.last_seen_at, now, idle=idle, lifetime=lifetime
        )
        if state is not tokens.SessionState.ACTIVE or row.user.disabled:
            session.delete(row)
            return None
        # Touch at most once a minute: a page with many requests needs one write, not many.
        if now - row.last_seen_at >= timedelta(minutes=1):
            row.last_seen_at = now
        return ActiveSession(principal_of(row.user), row.csrf_token)


# Sessions store no limits of their own, and server processes sharing one
# database may be set to different ones: a sweep by the sweeper's own limits
# would sign out the users of a process with longer ones. So the sweep only
# removes sessions past the longest limits any process may have (the settings'
# upper bounds); each process still refuses, as it loads one, a session past
# its own limits (``do_load_session``).
SWEEP_IDLE = timedelta(minutes=MOST_SESSION_IDLE_MINUTES)
SWEEP_LIFETIME = timedelta(hours=MOST_SESSION_HOURS)


def do_end_expired_sessions(db: Database, *, now: datetime) -> int:
    """Delete every session no server process could still accept; returns how many."""
    idle, lifetime = SWEEP_IDLE, SWEEP_LIFETIME
    with db.transaction() as session:
        # Ignored: execute() is typed to return a Result, but a DELETE's is a CursorResult.
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            delete(UserSession).where(
                or_(
                    UserSession.created_at <= now - lifetime, UserSession.last_seen_at <= now - idle
                )
            )
        )
        return int(result.rowcount or 0)


def list_people(
    db: Database, principal: Principal | None, *, limit: int = 100
) -> list[dict[str, Any]]:
    """People ``principal`` may see, by reference; PermissionDenied if they may see none at all."""
    require(principal, Action.VIEW_PEOPLE)
    assert principal is not None
    limit = max(1, min(limit, MAX_PEOPLE))
    with db.transaction() as session:
        rows = session.scalars(
            visible_people(select(Person), principal).order_by(Person.ref).limit(limit)
        ).all()
        record_access(session, principal.email, "people.list", detail={"people": len(rows)})
        return [
            {"ref": p.ref, "display_name": p.display_name, "town": p.town, "kind": p.kind.value}
            for p in rows
        ]


__all__ = [
    "ActiveSession",
    "Role",
    "SignedIn",
    "UserInfo",
    "do_create_user",
    "do_end_expired_sessions",
    "do_grant_role",
    "do_load_session",
    "do_revoke_role",
    "do_sign_in",
    "do_sign_out",
    "list_people",
    "list_users",
    "normalise_email",
    "principal_of",
    "visible_people",
]
