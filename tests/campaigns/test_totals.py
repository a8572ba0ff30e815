"""Collective totals and chart progress: every aggregate under 10 people is hidden."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from groundswell.campaigns import Log, progress
from groundswell.errors import InvalidInput
from groundswell.measures.suppression import MIN_CELL, SECONDARY, SMALL_CELL

START = date(2024, 9, 2)


def logs_for(people: int, days: int, amount: float = 1.5, first: int = 0) -> list[Log]:
    return [Log(f"p{first + i}", START + timedelta(days=d), amount)
            for i in range(people) for d in range(days)]  # fmt: skip


def test_totals_against_the_goal() -> None:
    result = progress(logs_for(12, 3), starts_on=START, ends_on=START + timedelta(days=6),
                      daily_target=1.0, goal=100.0)  # fmt: skip
    assert result.people.value == 12
    assert result.total.value == pytest.approx(12 * 3 * 1.5)
    assert result.share_of_goal.value == pytest.approx(0.54)
    assert result.days_met.value == 36
    assert [d.cumulative.value for d in result.days[:3]] == pytest.approx([18.0, 36.0, 54.0])
    assert [d.people.value for d in result.days[:3]] == [12, 12, 12]
    # Nobody logged from day 4: those days are hidden rather than shown as zero-from-few.
    assert all(d.cumulative.reason == SMALL_CELL for d in result.days[3:])
    assert len(result.days) == 7


def test_everything_hidden_under_10_people() -> None:
    result = progress(logs_for(9, 5), starts_on=START, ends_on=START + timedelta(days=4),
                      daily_target=1.0, goal=50.0)  # fmt: skip
    cells = [result.people, result.total, result.share_of_goal, result.days_met]
    cells += [c for d in result.days for c in (d.people, d.amount, d.cumulative)]
    cells += [c for g in result.groups for c in (g.people, g.total, g.days_met)]
    assert all(c.value is None and c.n is None and c.reason == SMALL_CELL for c in cells)


def test_a_small_day_cannot_be_recovered_by_subtraction() -> None:
    # 10 people on day 0 and day 2, only 3 on day 1 (each walking 2 miles).
    logs = logs_for(10, 1) + [Log(f"p{i}", START + timedelta(days=1), 2.0) for i in range(3)]
    logs += [Log(f"p{i}", START + timedelta(days=2), 1.5) for i in range(10)]
    result = progress(logs, starts_on=START, ends_on=START + timedelta(days=2), daily_target=1)
    day0, day1, day2 = result.days
    assert day1.cumulative.suppressed and day1.amount.suppressed
    assert day0.cumulative.value == 15.0 and day2.cumulative.value == 36.0
    # The amount since the last day shown covers day 1 and day 2 together.
    assert day2.amount.value == 21.0


def test_groups_hide_small_teams_and_one_more() -> None:
    logs = logs_for(12, 2) + logs_for(15, 2, first=100) + logs_for(4, 2, first=200)
    teams = {f"p{i}": "Heysham" for i in range(12)}
    teams |= {f"p{i}": "Torrisholme" for i in range(100, 115)}
    teams |= {f"p{i}": "Bare" for i in range(200, 204)}
    result = progress(logs, starts_on=START, ends_on=START + timedelta(days=1), daily_target=1,
                      groups=teams)  # fmt: skip
    by = {g.group: g for g in result.groups}
    assert by["Bare"].total.reason == SMALL_CELL
    assert by["Heysham"].total.reason == SECONDARY  # the smallest shown: hidden too
    assert by["Torrisholme"].people.value == 15 and by["Torrisholme"].total.value == 45.0
    assert result.people.value == 31


def test_people_without_a_team_and_logs_outside_the_dates() -> None:
    logs = [*logs_for(10, 1), Log("late", START + timedelta(days=30), 5.0)]
    result = progress(logs, starts_on=START, ends_on=START + timedelta(days=1), daily_target=1)
    assert [g.group for g in result.groups] == ["(no team)"]
    assert result.total.value == 15.0
    assert result.share_of_goal.reason == "no goal set"


def test_invalid_arguments() -> None:
    with pytest.raises(InvalidInput, match="before it starts"):
        progress([], starts_on=START, ends_on=START - timedelta(days=1), daily_target=1)
    with pytest.raises(InvalidInput, match="positive number"):
        progress([], starts_on=START, ends_on=START, daily_target=1, goal=0)


def test_finding_5_total_minus_a_shown_day_gives_no_small_tail() -> None:
    # 12 walk on day 1; on days 2-3 only 3 of them: total - day 1's running total = their miles.
    logs = logs_for(12, 1) + [Log(f"p{i}", START + timedelta(days=d), 4.0)
                              for i in range(3) for d in (1, 2)]  # fmt: skip
    result = progress(logs, starts_on=START, ends_on=START + timedelta(days=2), daily_target=1)
    assert result.total.value == 12 * 1.5 + 3 * 8.0
    assert all(d.cumulative.suppressed for d in result.days)
    # Once 10 or more log after the last day shown, that day shows again.
    more = logs + [Log(f"q{i}", START + timedelta(days=2), 1.0) for i in range(10)]
    result = progress(more, starts_on=START, ends_on=START + timedelta(days=2), daily_target=1)
    assert [d.cumulative.value for d in result.days] == [18.0, None, 18.0 + 24.0 + 10.0]


@pytest.mark.parametrize("tail", range(0, 14))
def test_finding_5_no_day_shown_leaves_a_small_remainder(tail: int) -> None:
    logs = logs_for(15, 2) + [Log(f"t{i}", START + timedelta(days=3), 1.0) for i in range(tail)]
    result = progress(logs, starts_on=START, ends_on=START + timedelta(days=4), daily_target=1)
    shown = [d for d in result.days if not d.cumulative.suppressed]
    assert shown  # day 0 at least: the 15 of day 1 cover whatever comes after
    people_after = {log.person for log in logs if log.day > shown[-1].day}
    assert not 0 < len(people_after) < MIN_CELL
    assert all(d.cumulative.n is None for d in shown)  # no count of newcomers between days
    assert result.total.value == pytest.approx(15 * 3.0 + tail)
