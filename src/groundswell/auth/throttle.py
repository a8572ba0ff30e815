"""Sign-in throttling by email address, shared by every server process (pure policy).

The in-process rate limits (``groundswell.web.ratelimit``) hold a flood per
process; this holds a password-guessing run against one account wherever it
comes from. After ``FREE_FAILURES`` wrong passwords in a row for an address,
each further try must wait, twice as long after each failure, up to
``MAX_WAIT``: throttling rather than a lockout, so an attacker cannot lock
someone out for long (NCSC, *Password administration for system owners*,
2018: "allow users around 10 login attempts before locking out ... consider
throttling"). A right password resets the count.

The count is kept for every address tried, whether it has an account or not,
so throttling does not reveal who has one. It is stored under a hash of the
address (``throttle_key``), never the address, and forgotten ``FORGET_AFTER``
the last failure.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

FREE_FAILURES = 10
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)


def throttle_key(email: str) -> str:
    """Hex SHA-256 of the normalised address: what the throttle table stores."""
    return hashlib.sha256(f"sign-in:{email}".encode()).hexdigest()


def wait_after(failures: int) -> timedelta:
    """How long the next try must wait after ``failures`` wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 16)  # 2**16 minutes is past MAX_WAIT already
    return min(MAX_WAIT, FIRST_WAIT * (1 << doublings))


def seconds_left(locked_until: datetime | None, now: datetime) -> int:
    """Whole seconds until ``locked_until`` (rounded up); 0 once it has passed."""
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, int(-(-(locked_until - now).total_seconds() // 1)))
