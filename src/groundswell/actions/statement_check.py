"""The personal-data check on conversation statements: the same check stories get.

A statement the check flags (a name, a phone number, an NHS number...) is held
for a moderator even in a post-moderated conversation: it stays ``pending`` and
is shown to nobody, nor counted in the math, until a moderator accepts it
(accepting is the moderator's word that the flags are acceptable). The flags
are not stored: the check is pure and fast (tens of microseconds a
statement), so it runs again wherever visibility is decided, and the result
is cached by text. See ``groundswell.stories.detect`` for what it finds.
"""

from __future__ import annotations

from functools import lru_cache

from groundswell.store.models.conversations import StatementStatus
from groundswell.stories.detect import Flag, detect

CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def personal_data(text: str) -> tuple[Flag, ...]:
    """What in ``text`` may identify someone (empty when nothing does)."""
    return tuple(detect(text))


def held(status: StatementStatus | str, text: str | None) -> bool:
    """True for a pending statement the check flags: hidden until a moderator accepts it."""
    return StatementStatus(status) is StatementStatus.PENDING and bool(personal_data(text or ""))
