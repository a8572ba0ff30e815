"""What each address wants to hear: the kinds it has turned off (``notification_optouts``).

Read and written by address (kept as a hash), so the same choices hold for
a signed-in person's own page and for the token link in any message, and
for people without an account (storytellers, RSVPs).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from groundswell.actions import Database
from groundswell.actions.notifications import KINDS
from groundswell.actions.outbox import address_hash
from groundswell.errors import InvalidInput
from groundswell.store.models import NotificationOptOut, utcnow

ALL = "*"


def turned_off(db: Database, address: str) -> frozenset[str]:
    """The kinds ``address`` does not want (``*``: none at all)."""
    with db.reading() as session:
        return frozenset(
            session.scalars(
                select(NotificationOptOut.kind).where(
                    NotificationOptOut.address_hash == address_hash(address)
                )
            )
        )


def do_turn_off(db: Database, address: str, kind: str) -> None:
    """One kind off (the one-click unsubscribe); turning it off twice is once."""
    if kind != ALL and kind not in KINDS:
        raise InvalidInput(f"no kind of message {kind!r}; choose one of {', '.join(KINDS)}")
    key = address_hash(address)
    with db.transaction() as session:
        if session.get(NotificationOptOut, (key, kind)) is None:
            session.add(NotificationOptOut(address_hash=key, kind=kind, created_at=utcnow()))


def do_set_wanted(db: Database, address: str, wanted: set[str]) -> frozenset[str]:
    """Keep exactly ``wanted`` on: every other kind off; return the kinds now off."""
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise InvalidInput(f"no kind of message {unknown[0]!r}; choose from {', '.join(KINDS)}")
    key = address_hash(address)
    off = frozenset(set(KINDS) - wanted)
    with db.transaction() as session:
        session.execute(delete(NotificationOptOut).where(NotificationOptOut.address_hash == key))
        now = utcnow()
        session.add_all(NotificationOptOut(address_hash=key, kind=k, created_at=now) for k in off)
    return off
