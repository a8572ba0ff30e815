"""Collective totals against a group goal, by team or neighbourhood, and progress for charts.

Campaigns are collective, not competitive: there is no ranking of people.
Every aggregate passes through :mod:`groundswell.measures.suppression`: a
figure over fewer than 10 people is hidden, and so is a single team's or
neighbourhood's figure that could be found by subtracting the others from
the published total.

Progress for charts is a running (cumulative) total shown only on days on which
at least 10 people logged; the amount between two shown days therefore always
covers at least 10 people, and the last days shown are dropped until the days
after them (the published total minus the last running total) cover none or
at least 10, so no small day can be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from groundswell.campaigns.streaks import _EPSILON
from groundswell.errors import InvalidInput
from groundswell.measures import suppression as sup

NO_GROUP = "(no team)"


@dataclass(frozen=True)
class Log:
    """One person's amount on one local day."""

    person: Hashable
    day: date
    amount: float


@dataclass(frozen=True)
class DayProgress:
    day: date
    people: sup.Cell  # people who logged that day
    amount: sup.Cell  # amount since the previous day shown
    cumulative: sup.Cell  # running total up to and including this day


@dataclass(frozen=True)
class GroupTotal:
    group: str
    people: sup.Cell
    total: sup.Cell
    days_met: sup.Cell  # person-days on which the daily target was met


@dataclass(frozen=True)
class Progress:
    """A campaign's collective picture, every aggregate a suppression ``Cell``."""

    people: sup.Cell
    total: sup.Cell
    goal: float | None
    share_of_goal: sup.Cell
    days_met: sup.Cell
    days: list[DayProgress]
    groups: list[GroupTotal]

    def to_dict(self) -> dict[str, Any]:
        return {
            "people": self.people.to_dict(),
            "total": self.total.to_dict(),
            "goal": self.goal,
            "share_of_goal": self.share_of_goal.to_dict(),
            "days_met": self.days_met.to_dict(),
            "days": [
                {"day": d.day.isoformat(), **{k: getattr(d, k).to_dict() for k in DAY_COLUMNS}}
                for d in self.days
            ],
            "groups": [
                {"group": g.group, **{k: getattr(g, k).to_dict() for k in GROUP_COLUMNS}}
                for g in self.groups
            ],
        }


DAY_COLUMNS = ("people", "amount", "cumulative")
GROUP_COLUMNS = ("people", "total", "days_met")


def progress(
    logs: Iterable[Log],
    *,
    starts_on: date,
    ends_on: date,
    daily_target: float,
    goal: float | None = None,
    groups: Mapping[Any, str | None] | None = None,
) -> Progress:
    """Totals, progress by day from ``starts_on`` to ``ends_on``, and totals by group.

    ``groups`` maps a person to their team or neighbourhood; people without
    one are counted under ``(no team)``.

    Examples
    --------
    Twelve people walk a mile each on the first day; three people's miles are
    too few to show (under 10 people, ``measures.suppression``):

    >>> day = date(2026, 6, 1)
    >>> logs = [Log(f"p{i}", day, 1.0) for i in range(12)]
    >>> done = progress(logs, starts_on=day, ends_on=day, daily_target=1.0, goal=100.0)
    >>> done.total.value, done.share_of_goal.value
    (12.0, 0.12)
    >>> progress(logs[:3], starts_on=day, ends_on=day, daily_target=1.0).total.reason
    'suppressed (<10)'
    """
    if ends_on < starts_on:
        raise InvalidInput(f"the campaign ends ({ends_on}) before it starts ({starts_on})")
    if goal is not None and goal <= 0:
        raise InvalidInput(f"the group goal is {goal}; give a positive number or none")
    rows = [log for log in logs if starts_on <= log.day <= ends_on]
    people = {log.person for log in rows}
    total = sum(log.amount for log in rows)
    met = sum(1 for log in rows if log.amount + _EPSILON >= daily_target)
    n = len(people)
    return Progress(
        people=sup.count_cell(n),
        total=sup.cell(total, n),
        goal=goal,
        share_of_goal=sup.cell(total / goal, n) if goal else sup.Cell(None, None, "no goal set"),
        days_met=sup.cell(met, n),
        days=_days(rows, starts_on, ends_on),
        groups=_groups(rows, groups or {}, daily_target),
    )


def _days(rows: Sequence[Log], starts_on: date, ends_on: date) -> list[DayProgress]:
    amount: dict[date, float] = {}
    people: dict[date, set[Hashable]] = {}
    for log in rows:
        amount[log.day] = amount.get(log.day, 0.0) + log.amount
        people.setdefault(log.day, set()).add(log.person)
    days = [starts_on + timedelta(days=i) for i in range((ends_on - starts_on).days + 1)]
    shown = _shown_days(days, people)
    out = []
    running = since_shown = 0.0
    for day in days:
        running += amount.get(day, 0.0)
        since_shown += amount.get(day, 0.0)
        if day in shown:
            n = len(people[day])
            # The running total carries no count of people: two of them apart would
            # count the newcomers between two days, however few.
            out.append(DayProgress(day, sup.count_cell(n), sup.Cell(since_shown, n),
                                   sup.Cell(running, None)))  # fmt: skip
            since_shown = 0.0
        else:
            hidden = sup.Cell(None, None, sup.SMALL_CELL)
            out.append(DayProgress(day, hidden, hidden, hidden))
    return out


def _shown_days(days: list[date], people: Mapping[date, set[Hashable]]) -> set[date]:
    """Days whose running total may be shown.

    A day is shown when at least ``MIN_CELL`` people logged on it, so the amount
    since the day shown before covers at least that many. The published total
    minus the last shown day's running total is the amount logged after it, so
    the last days shown are dropped until those after cover none or at least
    ``MIN_CELL`` people (Hundepool et al. 2012, ch. 5: secondary suppression
    against the margin).
    """
    shown = [d for d in days if len(people.get(d, ())) >= sup.MIN_CELL]
    while shown:
        after: set[Hashable] = set()
        for d in days[days.index(shown[-1]) + 1 :]:
            after |= people.get(d, set())
        if not 0 < len(after) < sup.MIN_CELL:
            break
        shown.pop()
    return set(shown)


def _groups(
    rows: Sequence[Log], groups: Mapping[Any, str | None], daily_target: float
) -> list[GroupTotal]:
    members: dict[str, set[Hashable]] = {}
    total: dict[str, float] = {}
    met: dict[str, int] = {}
    for log in rows:
        name = groups.get(log.person) or NO_GROUP
        members.setdefault(name, set()).add(log.person)
        total[name] = total.get(name, 0.0) + log.amount
        met[name] = met.get(name, 0) + (log.amount + _EPSILON >= daily_target)
    names = sorted(members)
    hide = sup.secondary([len(members[g]) for g in names])
    out = []
    for i, name in enumerate(names):
        n = len(members[name])
        if i in hide:
            small = sup.Cell(None, None, sup.SMALL_CELL if n < sup.MIN_CELL else sup.SECONDARY)
            out.append(GroupTotal(name, small, small, small))
        else:
            out.append(
                GroupTotal(
                    name, sup.count_cell(n), sup.cell(total[name], n), sup.cell(met[name], n)
                )
            )
    return out
