"""Linking a signed-in account to its person when the account's address was never confirmed.

Accounts made at the command line (``groundswell users create``) have an
address nobody has shown they read. The account's owner asks for a link from
"Your account"; opening it, signed in, confirms the address and links the
one person who has it (``groundswell.actions.person_email``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from groundswell.actions import Database
from groundswell.actions.account_tokens import ACCOUNT_KIND, GONE, issue_token, take_token
from groundswell.actions.outbox import enqueue_email
from groundswell.actions.person_email import link_by_email, person_for_email
from groundswell.errors import ExpiredLink, NotFound
from groundswell.store.models import TokenPurpose, User

__all__ = ["LINK_FOR", "do_confirm_link", "do_request_link"]

LINK_FOR = timedelta(hours=24)


def do_request_link(
    db: Database, *, user_id: int, now: datetime, base_url: str, org_name: str
) -> bool:
    """Email the account a link that confirms its address and links its person.

    False (and nothing sent) when the account is linked already or no single
    consenting person has its address: the page says so to the account's owner only.
    """
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("no such account; sign in again")
        if user.person_id is not None or person_for_email(session, user.email) is None:
            return False
        token = issue_token(
            session, TokenPurpose.VERIFY, user.email, now=now, lifetime=LINK_FOR, user_id=user.id
        )
        enqueue_email(
            session, to=user.email, kind=ACCOUNT_KIND, user_id=user.id,
            subject=f"Confirm your email address for {org_name}", template="link_record",
            context={
                "name": user.display_name, "org_name": org_name,
                "link": base_url.rstrip("/") + f"/account/link/{token}",
                "hours": int(LINK_FOR.total_seconds() // 3600),
            },
        )  # fmt: skip
        return True


def do_confirm_link(db: Database, *, token: str, user_id: int, now: datetime) -> str | None:
    """Use a link from ``do_request_link``: the person's ref once linked, else None.

    The link works only for the account it was sent to, signed in.
    """
    with db.transaction() as session:
        row = take_token(session, TokenPurpose.VERIFY, token, now=now, use=True)
        if row.user_id != user_id:
            raise ExpiredLink(GONE)
        user = session.get(User, user_id)
        if user is None or user.email != row.email:
            raise ExpiredLink(GONE)
        return link_by_email(session, user)
