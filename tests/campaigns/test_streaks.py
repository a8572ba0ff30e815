"""Streaks on local days: month and year ends, leap days, and the BST clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from groundswell.campaigns import count_streaks, local_date, met_target
from groundswell.errors import InvalidInput


def run(first: date, days: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(days)]


@pytest.mark.parametrize(
    "first",
    [date(2024, 1, 30), date(2024, 2, 27), date(2023, 2, 27), date(2024, 4, 29),
     date(2024, 12, 30)],
)  # fmt: skip
def test_streak_runs_across_month_and_year_ends(first: date) -> None:
    days = run(first, 5)
    s = count_streaks(days, today=days[-1])
    assert (s.current, s.longest, s.days_met) == (5, 5, 5)
    assert (s.longest_from, s.longest_to) == (days[0], days[-1])


def test_leap_day_is_a_day() -> None:
    # 28 Feb then 1 Mar is a gap in a leap year, and consecutive otherwise.
    assert count_streaks([date(2024, 2, 28), date(2024, 3, 1)]).longest == 1
    assert count_streaks([date(2023, 2, 28), date(2023, 3, 1)]).longest == 2


def test_current_streak_survives_until_the_day_is_over() -> None:
    days = run(date(2024, 3, 1), 4)  # 1-4 March
    assert count_streaks(days, today=date(2024, 3, 4)).current == 4
    assert count_streaks(days, today=date(2024, 3, 5)).current == 4  # not logged yet today
    assert count_streaks(days, today=date(2024, 3, 6)).current == 0  # a whole day missed
    gap = [*run(date(2024, 3, 1), 6), *run(date(2024, 3, 9), 2)]
    s = count_streaks(gap, today=date(2024, 3, 10))
    assert (s.current, s.longest, s.longest_to) == (2, 6, date(2024, 3, 6))


def test_empty_and_repeated_days() -> None:
    assert count_streaks([]).longest == 0 and count_streaks([]).current == 0
    assert count_streaks([date(2024, 1, 1)] * 3).days_met == 1


BST = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("moment", "local"),
    [
        # Autumn: 00:30 BST on Sunday 27 Oct 2024 (clocks go back at 02:00) is 23:30 UTC on
        # the 26th; it belongs to the 27th.
        (datetime(2024, 10, 27, 0, 30, tzinfo=BST), date(2024, 10, 27)),
        (datetime(2024, 10, 26, 23, 30, tzinfo=UTC), date(2024, 10, 27)),
        # Both 01:30s of that morning (BST, then GMT) are the 27th.
        (datetime(2024, 10, 27, 0, 30, tzinfo=UTC), date(2024, 10, 27)),
        (datetime(2024, 10, 27, 1, 30, tzinfo=UTC), date(2024, 10, 27)),
        # Spring: at 00:30 on Sunday 31 Mar 2024 clocks still read GMT; UTC and local agree.
        (datetime(2024, 3, 31, 0, 30, tzinfo=UTC), date(2024, 3, 31)),
        # The first night of BST: 00:30 BST on 1 April is 23:30 UTC on 31 March.
        (datetime(2024, 4, 1, 0, 30, tzinfo=BST), date(2024, 4, 1)),
        (datetime(2024, 3, 31, 23, 30, tzinfo=UTC), date(2024, 4, 1)),
        # Winter: London is UTC.
        (datetime(2024, 1, 31, 23, 59, tzinfo=UTC), date(2024, 1, 31)),
    ],
)
def test_local_date_in_london(moment: datetime, local: date) -> None:
    assert local_date(moment) == local
    assert local_date(moment, "Europe/London") == local


def test_streak_across_the_clock_change_from_timestamps() -> None:
    # Logged just after midnight local time each night around the October change.
    stamps = [
        datetime(2024, 10, 25, 23, 30, tzinfo=UTC),  # 00:30 BST 26th
        datetime(2024, 10, 26, 23, 30, tzinfo=UTC),  # 00:30 BST 27th (change day)
        datetime(2024, 10, 28, 0, 30, tzinfo=UTC),  # 00:30 GMT 28th
    ]
    days = [local_date(t) for t in stamps]
    assert days == [date(2024, 10, 26), date(2024, 10, 27), date(2024, 10, 28)]
    assert count_streaks(days, today=date(2024, 10, 28)).current == 3
    # Read as UTC dates the same logs would show a broken streak (25th, 26th, 28th).
    assert count_streaks([t.date() for t in stamps]).longest == 2


def test_other_time_zones_and_bad_input() -> None:
    moment = datetime(2024, 6, 1, 22, 0, tzinfo=UTC)
    assert local_date(moment, "Pacific/Auckland") == date(2024, 6, 2)
    assert local_date(moment, "America/New_York") == date(2024, 6, 1)
    with pytest.raises(InvalidInput, match="no time zone"):
        local_date(datetime(2024, 6, 1, 22, 0))
    with pytest.raises(InvalidInput, match="IANA name such as Europe/London"):
        local_date(moment, "Mars/Olympus")


def test_met_target() -> None:
    amounts = {date(2024, 1, 1): 0.9, date(2024, 1, 2): 1.0, date(2024, 1, 3): 0.1 + 0.2 + 0.7}
    assert met_target(amounts, 1.0) == [date(2024, 1, 2), date(2024, 1, 3)]
    assert met_target({date(2024, 1, 1): 1.0, date(2024, 1, 2): 0.0}, 1) == [date(2024, 1, 1)]
