"""The movement health dashboard: every indicator by month, suppressed, and its CSV.

Each indicator is a series of month-end figures over the chosen period, each
figure a :class:`groundswell.measures.suppression.Cell`: a count or total over
fewer than 10 people is hidden (the one place for the rule is
``measures.suppression``). With a town chosen, only people of that town (and
what they did) count; conversations, votes and stories count through the
people they are linked to.

The figures about people are read for every town at once and suppressed
together: all towns is the sum of the towns, so a town's hidden figure must not
be all towns minus the towns shown (``suppression.across``), and participants
by month end are a running count whose differences are the month's new
participants (``suppression.running``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import event_counts
from groundswell.actions import health_series as ser
from groundswell.measures import suppression as sup
from groundswell.store.models import (
    Initiative,
    Membership,
    Person,
)

PERIODS = {3: "Last 3 months", 6: "Last 6 months", 12: "Last 12 months", 24: "Last 24 months"}
DEFAULT_PERIOD = 12


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    unit: str
    months: list[str]
    cells: list[sup.Cell]

    @property
    def latest(self) -> sup.Cell:
        return self.cells[-1]


@dataclass(frozen=True)
class Dashboard:
    town: str | None
    period: int
    towns: list[str]
    indicators: list[Indicator]
    initiatives: list[dict[str, Any]]  # hand, power mode, initiatives, members (Cell)


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months up to and including ``today``'s."""
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(min(nxt - timedelta(days=1), today))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return ends[::-1]


def dashboard(
    session: Session, *, town: str | None = None, period: int = DEFAULT_PERIOD,
    today: date | None = None,
) -> Dashboard:  # fmt: skip
    """Every indicator over ``period`` months for ``town`` (everyone when ``None``).

    The figures about people are read for every town at once and suppressed
    together (``suppression.across``): the all-towns figure is the sum of the
    towns', so a town's small figure must not be found by subtracting the
    others from it. People with no town (and votes of anonymous participants)
    make up a part that is never shown on its own.
    """
    today = today or datetime.now(UTC).date()
    ends = month_ends(today, period)
    labels = [e.strftime("%b %Y") for e in ends]
    towns = [t for t in session.scalars(select(Person.town).distinct().order_by(Person.town)) if t]
    keys: list[str | None] = [*towns, None]
    series = _people_series(session, keys, ends)
    pick = town if town in towns else None
    chosen = {k: (v[pick] if pick is not None else v["all"]) for k, v in series.items()}
    chosen["conversations"] = ser.conversations_held(session, town, ends)
    chosen["leadership"] = ser.leadership_index(session, town, ends)
    chosen |= ser.initiatives_over_time(session, town, ends)
    indicators = [
        Indicator(key, title, unit, labels, chosen[key]) for key, (title, unit) in TITLES.items()
    ]
    return Dashboard(town, period, towns, indicators, _initiatives(session, town))


Key = ser.Key
Raw = list[dict[Key, tuple[float, ...]]]  # by month: town -> figures, people last


def _people_series(
    session: Session, keys: list[Key], ends: list[date]
) -> dict[str, dict[Key | str, list[sup.Cell]]]:
    """Each series about people, for every town and for all ("all"), suppressed across towns."""
    raw: dict[str, Raw] = {k: [] for k in _MAKE}
    for end in ends:
        start, stop = ser.month_start(end), end + timedelta(days=1)
        raw["active"].append(ser.active_people(session, end))
        raw["votes"].append(ser.votes(session, start, stop))
        raw["stories"].append(ser.stories(session, start, stop))
        raw["miles"].append(ser.activity(session, start, end))
        raw["wellbeing"].append(ser.wellbeing(session, start, end))
        for name, figures in event_counts.month(session, start, end).items():
            raw[name].append(figures)
    raw["new_leaders"] = ser.new_leaders(session, ends)
    raw["reach"] = ser.reach(session, ends)
    out = {name: _suppressed(raw[name], keys, *spec) for name, spec in _MAKE.items()}
    baseline = ser.month_start(ends[0]) - timedelta(days=1)
    # New in a month is the difference of two month ends: suppressed as a linked table.
    joined = [ser.participants(session, e) for e in [baseline, *ends]]
    levels = {k: [int(m.get(k, (0,))[0]) for m in joined] for k in keys}
    running = sup.running(levels, unpublished=[None])
    out["participants"] = {**running.levels, "all": running.total_levels}
    out["growth"] = {**running.changes, "all": running.total_changes}
    return out


def _sum(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(sum(col) for col in zip(*rows, strict=True))


def _suppressed(
    raw: Raw, keys: list[Key], make: Any, width: int
) -> dict[Key | str, list[sup.Cell]]:
    zero = (0.0,) * width
    parts = {k: [make(*m.get(k, zero)) for m in raw] for k in keys}
    people = {k: [int(m.get(k, zero)[-1]) for m in raw] for k in keys}
    whole = [make(*_sum([*m.values(), zero])) for m in raw]
    shown, whole = sup.across(parts, people, whole, unpublished=[None])
    return {**shown, "all": whole}


def _mean(total: float, responses: float, people: float) -> sup.Cell:
    return sup.cell(round(total / responses, 2) if responses else None, int(people))


def _people(n: float) -> sup.Cell:
    return sup.count_cell(int(n))


# Each series: its cell from the figures summed over a part, and how many figures (people last).
_MAKE = {
    "active": (_people, 1),
    "votes": (lambda votes, voters: sup.cell(int(votes), int(voters)), 2),
    # A story is one person's: the count of stories stands for people and is suppressed as such.
    "stories": (_people, 1),
    "miles": (lambda amount, n: sup.cell(round(float(amount), 1), int(n)), 2),
    "wellbeing": (_mean, 3),
    "new_leaders": (_people, 1),
    "reach": (_people, 1),
    # Events are counted where at least MIN_CELL people came to them (actions.event_counts).
    "events_held": (lambda events, people: sup.cell(int(events), int(people)), 2),
    "attending": (_people, 1),
    "first_timers": (_people, 1),
    "returners": (_people, 1),
}


_SQL_TITLES = {
    "participants": ("Participants", "people"),
    "active": (f"Active participants (last {ser.ACTIVE_DAYS} days)", "people"),
    "growth": ("New participants in the month", "people"),
    "votes": ("Votes cast in conversations", "votes"),
    "stories": ("Stories collected", "stories"),
    "miles": ("Campaign activity logged", "units logged"),
    "wellbeing": ("Wellbeing: mean SWEMWBS metric score", "score (7-35)"),
}
# In page order: the series above, then talk, leadership, reach and initiatives.
TITLES = {
    **dict(list(_SQL_TITLES.items())[:4]),
    "conversations": ("Conversations held (all time)", "conversations"),
    **dict(list(_SQL_TITLES.items())[4:]),
    "new_leaders": ("New leaders in the month", "people"),
    "leadership": (
        "Distributed-leadership index (1 - Gini of actions led or hosted per active person,"
        f" last {ser.LEADERSHIP_MONTHS} months)", "index (0-1)",
    ),
    "reach": (f"Reach: people within {ser.REACH_STEPS} ties of someone active"
              f" (last {ser.REACH_DAYS} days)", "people"),
    "events_held": ("Events held in the month", "events"),
    "attending": ("People who came to events in the month", "people"),
    "first_timers": ("First-timers: came to their first event in the month", "people"),
    "returners": ("Returners: came again after an earlier event", "people"),
    **ser.INITIATIVE_SERIES,
}  # fmt: skip


def _initiatives(session: Session, town: str | None) -> list[dict[str, Any]]:
    """Initiatives by hand and power mode with their members (members are people: suppressed)."""
    members = select(Membership.initiative_id, func.count(Membership.person_id).label("n")).where(
        Membership.left_on.is_(None)  # "now": members who have left are history, not counted
    )
    members = ser.in_town(members, Membership.person_id, town).group_by(Membership.initiative_id)
    sub = members.subquery()
    query = (
        select(
            Initiative.hand, Initiative.power_mode, func.count(Initiative.id),
            func.coalesce(func.sum(sub.c.n), 0),
        )
        .outerjoin(sub, sub.c.initiative_id == Initiative.id)
        .group_by(Initiative.hand, Initiative.power_mode)
        .order_by(Initiative.hand, Initiative.power_mode)
    )  # fmt: skip
    if town is not None:
        query = query.where(Initiative.town == town)
    return [
        {"hand": hand.value, "power_mode": mode.value, "initiatives": int(n),
         "members": sup.count_cell(int(m))}
        for hand, mode, n, m in session.execute(query)
    ]  # fmt: skip


def csv_rows(board: Dashboard) -> list[list[str]]:
    """Exactly the figures the page shows, as text cells (suppressed cells say so)."""
    rows = [["indicator", "month", "value", "town", "period_months"]]
    place = board.town or "all towns"
    for ind in board.indicators:
        for month, cell in zip(ind.months, ind.cells, strict=True):
            rows.append([ind.title, month, sup.show(cell), place, str(board.period)])
    for row in board.initiatives:
        label = f"Initiatives: {row['hand']} hand, {row['power_mode']}"
        rows.append([label, "now", str(row["initiatives"]), place, ""])
        rows.append([f"{label}: members", "now", sup.show(row["members"]), place, ""])
    return rows
