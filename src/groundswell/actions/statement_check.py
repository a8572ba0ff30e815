"""Which statements of a conversation are shown, and the personal-data check behind it.

Participants see, and the math counts, the statements ``visible_tids`` lists
(the rule is in ``groundswell.actions.conversations``' docstring); reports and
the API count the same ones. The personal-data check is the one stories get.

A statement the check flags (a name, a phone number, an NHS number...) is held
for a moderator even in a post-moderated conversation: it stays ``pending`` and
is shown to nobody, nor counted in the math, until a moderator accepts it
(accepting is the moderator's word that the flags are acceptable). The flags
are not stored: the check is pure and fast (tens of microseconds a
statement), so it runs again wherever visibility is decided, and the result
is cached by text. See ``groundswell.stories.detect`` for what it finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from groundswell.store.models.conversations import (
    Conversation,
    Moderation,
    Statement,
    StatementStatus,
)
from groundswell.stories.detect import Flag, detect

CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def personal_data(text: str) -> tuple[Flag, ...]:
    """What in ``text`` may identify someone (empty when nothing does)."""
    return tuple(detect(text))


def held(status: StatementStatus | str, text: str | None) -> bool:
    """True for a pending statement the check flags: hidden until a moderator accepts it."""
    return StatementStatus(status) is StatementStatus.PENDING and bool(personal_data(text or ""))


def visible_statuses(moderation: Moderation | str) -> tuple[StatementStatus, ...]:
    """Statement statuses participants see and the math counts (module docstring)."""
    if Moderation(moderation) is Moderation.PRE:
        return (StatementStatus.ACCEPTED,)
    return (StatementStatus.ACCEPTED, StatementStatus.PENDING)


def visible_tids(session: Session, conv: Conversation) -> list[int]:
    """The statements participants see and the math counts, in tid order (module docstring)."""
    return split_tids(session, conv)[0]


def split_tids(session: Session, conv: Conversation) -> tuple[list[int], frozenset[int]]:
    """Every statement of ``conv`` in one query: (``visible_tids``, the ones out of the math)."""
    pending_text = case((Statement.status == StatementStatus.PENDING, Statement.text))
    rows = session.execute(
        select(Statement.tid, Statement.status, pending_text)
        .where(Statement.conversation_id == conv.id)
        .order_by(Statement.tid)
    )
    statuses = visible_statuses(conv.moderation)
    visible, hidden = [], set()
    for tid, status, text in rows:
        if status in statuses and not held(status, text):
            visible.append(tid)
        else:
            hidden.add(tid)
    return visible, frozenset(hidden)


def shown_counts(session: Session, conversation_ids: Sequence[int]) -> dict[int, int]:
    """How many statements each conversation shows (``visible_tids``' rule), in one query."""
    pending_text = case((Statement.status == StatementStatus.PENDING, Statement.text))
    rows = session.execute(
        select(Statement.conversation_id, Conversation.moderation, Statement.status, pending_text)
        .join(Conversation, Conversation.id == Statement.conversation_id)
        .where(Statement.conversation_id.in_(conversation_ids))
    )
    counts = dict.fromkeys(conversation_ids, 0)
    for cid, moderation, status, text in rows:
        if status in visible_statuses(moderation) and not held(status, text):
            counts[cid] += 1
    return counts
