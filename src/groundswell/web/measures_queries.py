"""Movement health indicators by month, for the Measures dashboard, in SQL, suppressed.

Each indicator is a series of month-end figures over the chosen period, each
figure a :class:`groundswell.measures.suppression.Cell`: a count or total over
fewer than 10 people is hidden (the one place for the rule is
``measures.suppression``). With a town chosen, only people of that town (and
what they did) count; conversations, votes and stories count through the
people they are linked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, distinct, func, select, union
from sqlalchemy.orm import Session

from groundswell.measures import instruments as ins
from groundswell.measures import suppression as sup
from groundswell.store.models import (
    ActivityLog,
    Initiative,
    Instrument,
    Membership,
    Participant,
    Person,
    Story,
    SurveyResponse,
    Vote,
)
from groundswell.web import measures_more as more

PERIODS = {3: "Last 3 months", 6: "Last 6 months", 12: "Last 12 months", 24: "Last 24 months"}
DEFAULT_PERIOD = 12
ACTIVE_DAYS = 30


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


def _start(end: date) -> date:
    return end.replace(day=1)


def _at(day: date) -> datetime:
    """Midnight UTC starting ``day``; stored times are UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _in_town(query: Select[Any], person_col: Any, town: str | None) -> Select[Any]:
    if town is None:
        return query
    return query.where(person_col.in_(select(Person.id).where(Person.town == town)))


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def dashboard(
    session: Session, *, town: str | None = None, period: int = DEFAULT_PERIOD,
    today: date | None = None,
) -> Dashboard:  # fmt: skip
    """Every indicator over ``period`` months for ``town`` (everyone when ``None``)."""
    today = today or datetime.now(UTC).date()
    ends = month_ends(today, period)
    labels = [e.strftime("%b %Y") for e in ends]
    joined = func.coalesce(Person.joined_at, Person.created_at)
    people_q = _in_town(select(func.count(Person.id)), Person.id, town)
    series: dict[str, list[sup.Cell]] = {k: [] for k in _SQL_TITLES}
    for end in ends:
        start, stop = _start(end), end + timedelta(days=1)
        total = _count(session, people_q.where(joined < _at(stop)))
        series["participants"].append(sup.count_cell(total))
        new = _count(session, people_q.where(joined >= _at(start), joined < _at(stop)))
        series["growth"].append(sup.count_cell(new))
        series["active"].append(sup.count_cell(_active(session, town, end)))
        series["votes"].append(_votes(session, town, start, stop))
        series["stories"].append(_stories(session, town, start, stop))
        series["miles"].append(_activity(session, town, start, end))
        series["wellbeing"].append(_wellbeing(session, town, start, end))
    series["conversations"] = more.conversations_held(session, town, ends)
    series["new_leaders"] = more.new_leaders(session, town, ends)
    series["leadership"] = more.leadership_index(session, town, ends)
    series["reach"] = more.reach(session, town, ends)
    series |= more.initiatives_over_time(session, town, ends)
    indicators = [
        Indicator(key, title, unit, labels, series[key]) for key, (title, unit) in TITLES.items()
    ]
    towns = [t for t in session.scalars(select(Person.town).distinct().order_by(Person.town)) if t]
    return Dashboard(town, period, towns, indicators, _initiatives(session, town))


_SQL_TITLES = {
    "participants": ("Participants", "people"),
    "active": (f"Active participants (last {ACTIVE_DAYS} days)", "people"),
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
        f"Distributed-leadership index (1 - Gini of events led, last {more.LEADERSHIP_MONTHS}"
        " months)", "index (0-1)",
    ),
    "reach": (f"Reach: people within {more.REACH_STEPS} ties of someone active"
              f" (last {more.REACH_DAYS} days)", "people"),
    **more.INITIATIVE_SERIES,
}  # fmt: skip


def _active(session: Session, town: str | None, end: date) -> int:
    """People who logged activity, answered a survey or voted in the 30 days to ``end``."""
    first = end - timedelta(days=ACTIVE_DAYS - 1)
    voted = (
        select(Participant.person_id)
        .join(Vote, Vote.participant_id == Participant.id)
        .where(Vote.created_at >= _at(first), Vote.created_at < _at(end + timedelta(days=1)))
        .where(Participant.person_id.is_not(None))
    )
    who = union(
        select(ActivityLog.person_id).where(ActivityLog.day.between(first, end)),
        select(SurveyResponse.person_id).where(SurveyResponse.answered_on.between(first, end)),
        voted,
    ).subquery()
    query = _in_town(select(func.count(distinct(who.c[0]))), who.c[0], town)
    return _count(session, query)


def _votes(session: Session, town: str | None, start: date, stop: date) -> sup.Cell:
    query = (
        select(func.count(Vote.id), func.count(distinct(Vote.participant_id)))
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Vote.created_at >= _at(start), Vote.created_at < _at(stop))
    )
    votes, voters = session.execute(_in_town(query, Participant.person_id, town)).one()
    return sup.cell(int(votes or 0), int(voters or 0))


def _stories(session: Session, town: str | None, start: date, stop: date) -> sup.Cell:
    query = select(func.count(Story.id)).where(
        Story.created_at >= _at(start), Story.created_at < _at(stop)
    )
    # A story is one person's: the count of stories stands for people and is suppressed as such.
    return sup.count_cell(_count(session, _in_town(query, Story.person_id, town)))


def _activity(session: Session, town: str | None, start: date, end: date) -> sup.Cell:
    people = func.count(distinct(ActivityLog.person_id))
    query = select(func.coalesce(func.sum(ActivityLog.amount), 0.0), people).where(
        ActivityLog.day.between(start, end)
    )
    amount, people = session.execute(_in_town(query, ActivityLog.person_id, town)).one()
    return sup.cell(round(float(amount), 1), int(people or 0))


def _wellbeing(session: Session, town: str | None, start: date, end: date) -> sup.Cell:
    query = select(SurveyResponse.person_id, SurveyResponse.answers).where(
        SurveyResponse.instrument == Instrument.SWEMWBS,
        SurveyResponse.answered_on.between(start, end),
    )
    rows = session.execute(_in_town(query, SurveyResponse.person_id, town)).all()
    people = {p for p, _ in rows}
    if len(people) < sup.MIN_CELL:
        return sup.cell(None, len(people))
    # Scores come from the answers each time (a corrected conversion table needs no migration).
    values = [ins.measure_value(ins.SWEMWBS, "metric", a) for _, a in rows]
    return sup.cell(round(sum(values) / len(values), 2), len(people))


def _initiatives(session: Session, town: str | None) -> list[dict[str, Any]]:
    """Initiatives by hand and power mode with their members (members are people: suppressed)."""
    members = select(Membership.initiative_id, func.count(Membership.person_id).label("n"))
    members = _in_town(members, Membership.person_id, town).group_by(Membership.initiative_id)
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
