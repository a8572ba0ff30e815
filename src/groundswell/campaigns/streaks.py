"""Streaks: runs of consecutive local days on which a person met the daily target.

A day is a calendar date in the campaign's time zone (Europe/London by
default), not a UTC date: a walk logged at 00:30 BST on the morning the
clocks change belongs to that local date, although it is still the previous
day in UTC.

Examples
--------
>>> from datetime import date
>>> days = [date(2024, 1, 30), date(2024, 1, 31), date(2024, 2, 1)]
>>> s = count_streaks(days, today=date(2024, 2, 2))
>>> s.current, s.longest
(3, 3)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from groundswell.errors import InvalidInput

DEFAULT_TZ = "Europe/London"
_EPSILON = 1e-9  # 0.1 + 0.2 miles must meet a 0.3 target


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or ``InvalidInput`` naming a valid one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name}' is not a time zone; use an IANA name such as {DEFAULT_TZ}"
        ) from None


def local_date(moment: datetime, tz: str = DEFAULT_TZ) -> date:
    """The calendar date of ``moment`` in ``tz``; ``moment`` must carry its offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            f"the time {moment.isoformat()} has no time zone; "
            "give it with an offset, e.g. 2024-03-31T00:30:00+00:00"
        )
    return moment.astimezone(zone(tz)).date()


def met_target(amounts: Mapping[date, float], target: float) -> list[date]:
    """The days whose amount reaches ``target`` (a yes/no campaign uses target 1)."""
    return sorted(d for d, amount in amounts.items() if amount + _EPSILON >= target)


@dataclass(frozen=True)
class Streaks:
    """A person's streaks: the one still running, the longest, and days met in all."""

    current: int
    longest: int
    longest_from: date | None
    longest_to: date | None
    days_met: int


def count_streaks(days: Iterable[date], *, today: date | None = None) -> Streaks:
    """Current and longest runs of consecutive ``days``.

    The current streak is the run ending ``today``, or yesterday: until the day
    is over, not having logged yet today does not break a streak. Without
    ``today`` the current streak is the run ending on the last day given.
    """
    ordered = sorted(set(days))
    if not ordered:
        return Streaks(0, 0, None, None, 0)
    best, best_end, run = 1, ordered[0], 1
    for previous, day in pairwise(ordered):
        run = run + 1 if day - previous == timedelta(days=1) else 1
        if run > best:
            best, best_end = run, day
    last = ordered[-1]
    alive = today is None or (today - last).days in (0, 1)
    return Streaks(
        current=run if alive else 0,
        longest=best,
        longest_from=best_end - timedelta(days=best - 1),
        longest_to=best_end,
        days_met=len(ordered),
    )
