"""Movement health indicators by month, for the Measures dashboard, in SQL, suppressed.

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
    chosen["conversations"] = more.conversations_held(session, town, ends)
    chosen["leadership"] = more.leadership_index(session, town, ends)
    chosen |= more.initiatives_over_time(session, town, ends)
    indicators = [
        Indicator(key, title, unit, labels, chosen[key]) for key, (title, unit) in TITLES.items()
    ]
    return Dashboard(town, period, towns, indicators, _initiatives(session, town))


Key = str | None  # a town; None: no town (people without one, anonymous participants)
Raw = list[dict[Key, tuple[float, ...]]]  # by month: town -> figures, people last


def _people_series(
    session: Session, keys: list[Key], ends: list[date]
) -> dict[str, dict[Key | str, list[sup.Cell]]]:
    """Each series about people, for every town and for all ("all"), suppressed across towns."""
    raw: dict[str, Raw] = {k: [] for k in _MAKE}
    for end in ends:
        start, stop = _start(end), end + timedelta(days=1)
        raw["active"].append(_active(session, end))
        raw["votes"].append(_votes(session, start, stop))
        raw["stories"].append(_stories(session, start, stop))
        raw["miles"].append(_activity(session, start, end))
        raw["wellbeing"].append(_wellbeing(session, start, end))
    raw["new_leaders"] = more.new_leaders(session, ends)
    raw["reach"] = more.reach(session, ends)
    out = {name: _suppressed(raw[name], keys, *spec) for name, spec in _MAKE.items()}
    baseline = _start(ends[0]) - timedelta(days=1)
    # New in a month is the difference of two month ends: suppressed as a linked table.
    joined = [_participants(session, e) for e in [baseline, *ends]]
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
}


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


def _by_town(session: Session, query: Select[Any]) -> dict[Key, tuple[float, ...]]:
    """Rows of (town, figures...) as town -> figures; no town and an empty one are one part."""
    out: dict[Key, tuple[float, ...]] = {}
    for town, *figures in session.execute(query):
        key = town or None
        values = tuple(float(f or 0) for f in figures)
        out[key] = _sum([out[key], values]) if key in out else values
    return out


def _participants(session: Session, end: date) -> dict[Key, tuple[float, ...]]:
    joined = func.coalesce(Person.joined_at, Person.created_at)
    stop = _at(end + timedelta(days=1))
    query = select(Person.town, func.count(Person.id)).where(joined < stop)
    return _by_town(session, query.group_by(Person.town))


def _active(session: Session, end: date) -> dict[Key, tuple[float, ...]]:
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
    query = (
        select(Person.town, func.count(distinct(who.c[0])))
        .select_from(who)
        .join(Person, Person.id == who.c[0])
        .group_by(Person.town)
    )
    return _by_town(session, query)


def _votes(session: Session, start: date, stop: date) -> dict[Key, tuple[float, ...]]:
    query = (
        select(Person.town, func.count(Vote.id), func.count(distinct(Vote.participant_id)))
        .select_from(Vote)
        .join(Participant, Participant.id == Vote.participant_id)
        .outerjoin(Person, Person.id == Participant.person_id)
        .where(Vote.created_at >= _at(start), Vote.created_at < _at(stop))
        .group_by(Person.town)
    )
    return _by_town(session, query)


def _stories(session: Session, start: date, stop: date) -> dict[Key, tuple[float, ...]]:
    query = (
        select(Person.town, func.count(Story.id))
        .select_from(Story)
        .outerjoin(Person, Person.id == Story.person_id)
        .where(Story.created_at >= _at(start), Story.created_at < _at(stop))
        .group_by(Person.town)
    )
    return _by_town(session, query)


def _activity(session: Session, start: date, end: date) -> dict[Key, tuple[float, ...]]:
    query = (
        select(Person.town, func.coalesce(func.sum(ActivityLog.amount), 0.0),
               func.count(distinct(ActivityLog.person_id)))
        .join(Person, Person.id == ActivityLog.person_id)
        .where(ActivityLog.day.between(start, end))
        .group_by(Person.town)
    )  # fmt: skip
    return _by_town(session, query)


def _wellbeing(session: Session, start: date, end: date) -> dict[Key, tuple[float, ...]]:
    """Per town: the sum of SWEMWBS metric scores, the responses and the people answering."""
    query = (
        select(Person.town, SurveyResponse.person_id, SurveyResponse.answers)
        .join(Person, Person.id == SurveyResponse.person_id)
        .where(SurveyResponse.instrument == Instrument.SWEMWBS,
               SurveyResponse.answered_on.between(start, end))
    )  # fmt: skip
    scores: dict[Key, list[float]] = {}
    people: dict[Key, set[int]] = {}
    # Scores come from the answers each time (a corrected conversion table needs no migration).
    for town, pid, answers in session.execute(query):
        key = town or None
        scores.setdefault(key, []).append(ins.measure_value(ins.SWEMWBS, "metric", answers))
        people.setdefault(key, set()).add(pid)
    return {k: (sum(v), len(v), len(people[k])) for k, v in scores.items()}


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
