"""Accounts by email: self sign-up with a confirmed address, and password reset.

Each emailed link carries a 256-bit random token; the database keeps only its
SHA-256 (``groundswell.auth.tokens``), the link works once and not after its
lifetime. Neither form says whether an address has an account (OWASP Forgot
Password and Authentication Cheat Sheets: "return a consistent message for
both existent and non-existent accounts" in a consistent time): a sign-up for
a taken address emails its owner instead of saying so, a reset for an unknown
address sends nothing, and both answer the same page. Email goes through the
outbox in the same transaction (``groundswell.actions.outbox``), so the answer
never waits on a mail server. The account for a sign-up is made only when the
link in the confirmation email is opened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.accounts import normalise_email
from groundswell.actions.audit import record_access
from groundswell.actions.outbox import enqueue_email
from groundswell.actions.person_email import link_by_email
from groundswell.auth import passwords, throttle, tokens
from groundswell.errors import Conflict, ExpiredLink, InvalidInput
from groundswell.store.models import (
    AccountToken,
    OutboxMessage,
    SignInThrottle,
    TokenPurpose,
    User,
    UserSession,
    utcnow,
)

__all__ = [
    "ACCOUNT_KIND",
    "RESET_FOR",
    "VERIFY_FOR",
    "do_confirm_sign_up",
    "do_request_password_reset",
    "do_request_sign_up",
    "do_reset_password",
    "issue_token",
    "reset_email",
    "retire_tokens",
    "sweep_account_tokens",
    "take_token",
]

# The message kind of every account email: the person asked for it, so it is
# never one a person turns off (an opt-out must not lock anyone out).
ACCOUNT_KIND = "account"
VERIFY_FOR = timedelta(hours=24)
# OWASP Forgot Password Cheat Sheet: reset tokens are single use and short-lived.
RESET_FOR = timedelta(hours=1)
# At most this many reset emails to one address an hour, whichever process is asked:
# the in-process limits alone would let several processes mail-bomb someone.
RESETS_PER_HOUR = 3
# Sign-up mail ("confirm your address" or "you already have an account") to one
# address in an hour: past this, a form posted again and again with someone else's
# address sends them nothing more (the per-client rate limit alone cannot stop a
# crowd of clients flooding one inbox).
SIGN_UPS_PER_HOUR = 3
_SIGN_UP_TEMPLATES = ("verify_email", "account_exists")
KEEP_AFTER_EXPIRY = timedelta(days=7)  # then the row (an email address) is swept


def _link(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def sweep_account_tokens(session: Session, now: datetime) -> int:
    """Delete links a week past their expiry (each holds an address); returns how many."""
    done = session.execute(
        delete(AccountToken).where(AccountToken.expires_at < now - KEEP_AFTER_EXPIRY)
    )
    return int(getattr(done, "rowcount", 0) or 0)


def issue_token(
    session: Session, purpose: TokenPurpose, email: str, *, now: datetime, lifetime: timedelta,
    **fields: object,
) -> str:  # fmt: skip
    """Store a new token's hash for ``email`` and return the token (for the link only)."""
    sweep_account_tokens(session, now)
    token = tokens.new_token()
    session.add(
        AccountToken(
            token_hash=tokens.hash_token(token), purpose=purpose, email=email,
            created_at=now, expires_at=now + lifetime, **fields,
        )
    )  # fmt: skip
    session.flush()
    return token


GONE = "this link has expired or has already been used; ask for a new one"


def take_token(
    session: Session, purpose: TokenPurpose, token: str, *, now: datetime, use: bool
) -> AccountToken:
    """The live token row for ``token``; with ``use``, marked used in the same statement.

    Marking it used is one conditional UPDATE, so of two requests racing with
    the same link exactly one succeeds (on SQLite and PostgreSQL alike).
    """
    digest = tokens.hash_token(token or "")
    live = (
        AccountToken.token_hash == digest,
        AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
        AccountToken.expires_at > now,
    )
    if use:
        taken = session.execute(
            update(AccountToken).where(*live).values(used_at=now)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if getattr(taken, "rowcount", 0) != 1:
            raise ExpiredLink(GONE)
        row = session.scalar(select(AccountToken).where(AccountToken.token_hash == digest))
    else:
        row = session.scalar(select(AccountToken).where(*live))
    if row is None:
        raise ExpiredLink(GONE)
    return row


def retire_tokens(session: Session, purpose: TokenPurpose, email: str, now: datetime) -> None:
    """Every other live link of this kind for ``email`` stops working (only the newest counts)."""
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.purpose == purpose, AccountToken.email == email,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def _check_name(display_name: str) -> str:
    name = " ".join(display_name.split())
    if not name:
        raise InvalidInput("name is empty; give the name people will see")
    if len(name) > 120:
        raise InvalidInput(f"name is {len(name)} characters; use at most 120")
    return name


def do_request_sign_up(
    db: Database, *, email: str, display_name: str, password: str, now: datetime,
    base_url: str, org_name: str,
) -> None:  # fmt: skip
    """Email a link that confirms the address; the account is made when it is opened.

    A taken address gets an email saying so (with the reset link's page)
    instead: the page answers the same either way, so it tells nobody who has
    an account. The password is hashed before either path, so both take as long.
    Past ``SIGN_UPS_PER_HOUR`` such emails in the last hour to one address, no
    more are sent (silently: the page still answers the same).
    """
    email = normalise_email(email)
    name = _check_name(display_name)
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)
    with db.transaction() as session:
        # Outbox rows are stamped by the clock when queued, so the hour is the clock's.
        recent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.to_address == email,
                OutboxMessage.template.in_(_SIGN_UP_TEMPLATES),
                OutboxMessage.created_at > utcnow() - timedelta(hours=1),
            )
        )  # fmt: skip
        if (recent or 0) >= SIGN_UPS_PER_HOUR:
            return
        user_id = session.scalar(select(User.id).where(User.email == email))
        context: dict[str, object] = {"name": name, "org_name": org_name}
        if user_id is not None:
            context["link"] = _link(base_url, "/account/reset")
            context["sign_in"] = _link(base_url, "/sign-in")
            enqueue_email(
                session, to=email, kind=ACCOUNT_KIND, subject=f"You already have an account "
                f"with {org_name}", template="account_exists", context=context, user_id=user_id,
            )  # fmt: skip
            return
        retire_tokens(session, TokenPurpose.VERIFY, email, now)
        token = issue_token(
            session, TokenPurpose.VERIFY, email, now=now, lifetime=VERIFY_FOR,
            display_name=name, password_hash=hashed,
        )  # fmt: skip
        context["link"] = _link(base_url, f"/account/verify/{token}")
        context["hours"] = int(VERIFY_FOR.total_seconds() // 3600)
        enqueue_email(
            session, to=email, kind=ACCOUNT_KIND, subject=f"Confirm your email address for "
            f"{org_name}", template="verify_email", context=context,
        )  # fmt: skip


def do_confirm_sign_up(db: Database, *, token: str, now: datetime) -> str:
    """Make the account a sign-up link stands for; returns its email.

    ExpiredLink for a used, expired or unknown link; Conflict when the address
    got an account some other way in the meantime (then the user signs in).
    """
    with db.transaction() as session:
        row = take_token(session, TokenPurpose.VERIFY, token, now=now, use=True)
        if row.user_id is not None or row.password_hash is None or row.display_name is None:
            raise ExpiredLink(GONE)  # not a sign-up link (an address check for an account)
        if session.scalar(select(User.id).where(User.email == row.email)) is not None:
            raise Conflict(f"{row.email} already has an account; sign in instead")
        user = User(
            email=row.email, display_name=row.display_name, password_hash=row.password_hash,
            created_at=now,
        )  # fmt: skip
        session.add(user)
        row.password_hash = None  # the account holds it now
        retire_tokens(session, TokenPurpose.VERIFY, row.email, now)
        session.flush()
        record_access(session, row.email, "accounts.sign_up", "user", row.email)
        link_by_email(session, user)  # the address is confirmed: link the person who gave it
        return row.email


def reset_email(db: Database, *, token: str, now: datetime) -> str:
    """The address a live reset link is for (the form shows it); ExpiredLink otherwise."""
    with db.reading() as session:
        return take_token(session, TokenPurpose.RESET, token, now=now, use=False).email


def do_request_password_reset(
    db: Database, *, email: str, now: datetime, base_url: str, org_name: str
) -> None:
    """Email a reset link if ``email`` has an account; otherwise send nothing, silently.

    The caller answers the same page either way. Past ``RESETS_PER_HOUR``
    links in the last hour for one address, no more are sent (also silently).
    """
    try:
        email = normalise_email(email)
    except InvalidInput:
        return
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == email))
        recent = session.scalar(
            select(func.count()).select_from(AccountToken).where(
                AccountToken.purpose == TokenPurpose.RESET, AccountToken.email == email,
                AccountToken.created_at > now - timedelta(hours=1),
            )
        )  # fmt: skip
        # Written whether or not the address has an account, so both answers commit
        # the same way and take as long; kept under the address's hash, not the address.
        key = throttle.throttle_key(email)
        record_access(session, "anonymous", "accounts.reset_requested", "address", key)
        if user is None or user.disabled or (recent or 0) >= RESETS_PER_HOUR:
            return
        retire_tokens(session, TokenPurpose.RESET, email, now)
        token = issue_token(
            session, TokenPurpose.RESET, email, now=now, lifetime=RESET_FOR, user_id=user.id
        )
        enqueue_email(
            session, to=email, kind=ACCOUNT_KIND, subject=f"Reset your password for {org_name}",
            template="password_reset", user_id=user.id,
            context={
                "name": user.display_name, "org_name": org_name,
                "link": _link(base_url, f"/account/reset/{token}"),
                "minutes": int(RESET_FOR.total_seconds() // 60),
            },
        )  # fmt: skip


def do_reset_password(db: Database, *, token: str, password: str, now: datetime) -> str:
    """Set a new password through a reset link; returns the account's email.

    Every session of the account ends (whoever had the old password is signed
    out), every other reset link for it stops working, and the address's count
    of wrong passwords starts again, as after a right password.
    """
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)
    with db.transaction() as session:
        row = take_token(session, TokenPurpose.RESET, token, now=now, use=True)
        user = session.get(User, row.user_id) if row.user_id is not None else None
        if user is None or user.disabled:
            raise ExpiredLink(GONE)
        user.password_hash = hashed
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        session.execute(
            delete(SignInThrottle).where(
                SignInThrottle.key_hash == throttle.throttle_key(user.email)
            )
        )
        retire_tokens(session, TokenPurpose.RESET, user.email, now)
        record_access(session, user.email, "accounts.reset", "user", user.email)
        return user.email
