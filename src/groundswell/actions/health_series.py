"""Movement health series by month for the Measures dashboard, read in SQL.

Each function takes the month ends of the dashboard (see
``health_dashboard.month_ends``). Series about people return, by month, a
town -> figures map (people last) that ``health_dashboard`` suppresses across
towns: participants, active people, votes, stories, campaign activity,
wellbeing, new leaders and reach. The others return one suppression ``Cell``
per month for the chosen town:

* conversations held: conversations opened up to each month's end (cumulative);
* new leaders: people who led or hosted for the first time that month (an event's
  ``led_by_id``, an attendance as host, a membership as host or leader);
* distributed-leadership index: ``1 - Gini`` of events led per leader over the
  trailing 12 months;
* reach: people within two ties of anyone active in the trailing 90 days;
* initiatives by hand and by power mode, cumulative by month.

Figures about people are hidden below ``suppression.MIN_CELL`` people; a count
of conversations or initiatives rests on the people who took part in them, and
is hidden with them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVarTuple

import numpy as np
from sqlalchemy import Select, distinct, func, select, union, union_all
from sqlalchemy.orm import Session

from groundswell.actions.roles import store_activity
from groundswell.measures import instruments as ins
from groundswell.measures import suppression as sup
from groundswell.roles.indicators import leadership_in_window, within_two_steps
from groundswell.store.graph import read_store_graph
from groundswell.store.models import (
    ActivityLog,
    Attendance,
    Conversation,
    Event,
    Hand,
    Initiative,
    Instrument,
    MemberRole,
    Membership,
    Participant,
    Person,
    PowerMode,
    Story,
    SurveyResponse,
    Vote,
)
from groundswell.store.models.initiatives_log import InitiativeModeChange

ACTIVE_DAYS = 30
LEADERSHIP_MONTHS = 12
REACH_DAYS = 90
REACH_STEPS = 2  # within_two_steps: the titles say so
LEAD_ROLES = (MemberRole.HOST, MemberRole.LEADER)


Key = str | None  # a town; None: no town (people without one, anonymous participants)
Ts = TypeVarTuple("Ts")  # the columns of a query that in_town narrows


def _at(day: date) -> datetime:
    """Midnight UTC starting ``day``; stored times are UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def in_town(query: Select[*Ts], person_col: Any, town: str | None) -> Select[*Ts]:
    if town is None:
        return query
    return query.where(person_col.in_(select(Person.id).where(Person.town == town)))


def _sum(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(sum(col) for col in zip(*rows, strict=True))


def month_start(end: date, back: int = 0) -> date:
    """The first day of ``end``'s month, ``back`` months earlier."""
    index = end.year * 12 + end.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


# --- participation ---


def by_town(session: Session, query: Select[*tuple[Any, ...]]) -> dict[Key, tuple[float, ...]]:
    """Rows of (town, figures...) as town -> figures; no town and an empty one are one part."""
    out: dict[Key, tuple[float, ...]] = {}
    for town, *figures in session.execute(query):
        key = town or None
        values = tuple(float(f or 0) for f in figures)
        out[key] = _sum([out[key], values]) if key in out else values
    return out


def participants(session: Session, end: date) -> dict[Key, tuple[float, ...]]:
    joined = func.coalesce(Person.joined_at, Person.created_at)
    stop = _at(end + timedelta(days=1))
    query = select(Person.town, func.count(Person.id)).where(joined < stop)
    return by_town(session, query.group_by(Person.town))


def active_people(session: Session, end: date) -> dict[Key, tuple[float, ...]]:
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
    return by_town(session, query)


def votes(session: Session, start: date, stop: date) -> dict[Key, tuple[float, ...]]:
    query = (
        select(Person.town, func.count(Vote.id), func.count(distinct(Vote.participant_id)))
        .select_from(Vote)
        .join(Participant, Participant.id == Vote.participant_id)
        .outerjoin(Person, Person.id == Participant.person_id)
        .where(Vote.created_at >= _at(start), Vote.created_at < _at(stop))
        .group_by(Person.town)
    )
    return by_town(session, query)


def stories(session: Session, start: date, stop: date) -> dict[Key, tuple[float, ...]]:
    query = (
        select(Person.town, func.count(Story.id))
        .select_from(Story)
        .outerjoin(Person, Person.id == Story.person_id)
        .where(Story.created_at >= _at(start), Story.created_at < _at(stop))
        .group_by(Person.town)
    )
    return by_town(session, query)


def activity(session: Session, start: date, end: date) -> dict[Key, tuple[float, ...]]:
    query = (
        select(Person.town, func.coalesce(func.sum(ActivityLog.amount), 0.0),
               func.count(distinct(ActivityLog.person_id)))
        .join(Person, Person.id == ActivityLog.person_id)
        .where(ActivityLog.day.between(start, end))
        .group_by(Person.town)
    )  # fmt: skip
    return by_town(session, query)


def wellbeing(session: Session, start: date, end: date) -> dict[Key, tuple[float, ...]]:
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


# --- conversations ---


def conversations_held(session: Session, town: str | None, ends: list[date]) -> list[sup.Cell]:
    """Conversations opened by each month end; with a town, those its people joined."""
    cells = []
    for end in ends:
        stop = _at(end + timedelta(days=1))
        if town is None:
            n = session.scalar(select(func.count(Conversation.id)).where(
                Conversation.opened_at < stop))  # fmt: skip
            cells.append(sup.Cell(int(n or 0), None))
            continue
        query = (
            select(
                func.count(distinct(Conversation.id)),
                func.count(distinct(Participant.person_id)),
            )
            .join(Participant, Participant.conversation_id == Conversation.id)
            .where(Conversation.opened_at < stop, Participant.created_at < stop)
        )  # fmt: skip
        talks, people = session.execute(in_town(query, Participant.person_id, town)).one()
        cells.append(sup.cell(int(talks or 0), int(people or 0)))
    return cells


# --- leadership ---


def _lead_days() -> Any:
    """(person_id, day) for each time someone led or hosted."""
    return union_all(
        select(Event.led_by_id.label("person_id"), Event.held_on.label("day")).where(
            Event.led_by_id.is_not(None)
        ),
        select(Attendance.person_id, Event.held_on)
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.role.in_(("host", "leader"))),
        select(Membership.person_id, Membership.joined_on).where(
            Membership.role.in_(LEAD_ROLES), Membership.joined_on.is_not(None)
        ),
    ).subquery()


def new_leaders(session: Session, ends: list[date]) -> list[dict[str | None, tuple[float, ...]]]:
    """By month, town -> people whose first time leading or hosting fell in that month."""
    days = _lead_days()
    first = (
        select(days.c.person_id, func.min(days.c.day).label("first"))
        .group_by(days.c.person_id)
        .subquery()
    )
    out = []
    for end in ends:
        query = (
            select(Person.town, func.count())
            .select_from(first)
            .join(Person, Person.id == first.c.person_id)
            .where(first.c.first.between(month_start(end), end))
            .group_by(Person.town)
        )
        found: dict[str | None, tuple[float, ...]] = {}
        for town, n in session.execute(query):
            found[town or None] = (found.get(town or None, (0,))[0] + int(n),)
        out.append(found)
    return out


def leadership_index(session: Session, town: str | None, ends: list[date]) -> list[sup.Cell]:
    """Distributed leadership over the 12 months to each month end, as the roles report has it.

    The one definition (``roles.indicators.distributed_leadership``): ``1 - Gini``
    of actions led or hosted per active person, over the same activity rows as
    the roles report (``actions.roles.store_activity``); with a town, its people
    only. Over fewer than ``MIN_CELL`` active people the index is hidden; when
    nobody led anything there is nothing to measure, and the cell says so
    rather than showing a perfect 1.
    """
    activity = store_activity(session)
    towns = session.scalars(select(Person.town).order_by(Person.id)).all()
    among = None if town is None else np.array([t == town for t in towns], dtype=bool)
    cells = []
    for end in ends:
        lo = _epoch_day(month_start(end, LEADERSHIP_MONTHS - 1))
        value, people = leadership_in_window(activity, len(towns), lo, _epoch_day(end) + 1, among)
        if value is None and people >= sup.MIN_CELL:
            cells.append(sup.Cell(None, people, sup.NOTHING_TO_MEASURE))
        else:
            cells.append(sup.cell(None if value is None else round(value, 3), people))
    return cells


def _epoch_day(day: date) -> float:
    """Days since 1970-01-01, the activity rows' clock."""
    return float((day - date(1970, 1, 1)).days)


# --- reach ---


def _active(session: Session, first: date, end: date) -> list[int]:
    """Ids of people who attended or led an event, logged activity or voted in the window."""
    voted = (
        select(Participant.person_id)
        .join(Vote, Vote.participant_id == Participant.id)
        .where(Vote.created_at >= _at(first), Vote.created_at < _at(end + timedelta(days=1)))
    )
    who = union_all(
        select(Attendance.person_id)
        .join(Event, Event.id == Attendance.event_id)
        .where(Event.held_on.between(first, end)),
        select(Event.led_by_id).where(Event.held_on.between(first, end)),
        select(ActivityLog.person_id).where(ActivityLog.day.between(first, end)),
        voted,
    ).subquery()
    query = select(who.c[0]).distinct().where(who.c[0].is_not(None))
    return [int(p) for p in session.scalars(query)]


def reach(session: Session, ends: list[date]) -> list[dict[str | None, tuple[float, ...]]]:
    """By month, town -> people within two ties of anyone active in the 90 days to its end.

    Reach is ``roles.indicators.within_two_steps``, the one definition (the
    roles report's ``within_2_steps`` too), over the ties read once.
    """
    graph, _ = read_store_graph(session, directed=False, weighted=False)
    n = graph.n
    rows = session.execute(select(Person.id, Person.town).order_by(Person.id)).all()
    pids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    names: list[str | None] = sorted({r[1] or None for r in rows}, key=lambda t: (t is None, t))
    index = {t: i for i, t in enumerate(names)}
    code = np.fromiter((index[r[1] or None] for r in rows), dtype=np.int64, count=len(rows))
    out: list[dict[Key, tuple[float, ...]]] = []
    for end in ends:
        active = np.zeros(n, dtype=bool)
        ids = np.asarray(_active(session, end - timedelta(days=REACH_DAYS - 1), end), np.int64)
        active[np.searchsorted(pids, ids)] = True
        per_town = np.bincount(code[within_two_steps(graph, active)], minlength=len(names))
        out.append({t: (int(per_town[i]),) for i, t in enumerate(names) if per_town[i]})
    return out


# --- initiatives over time ---

INITIATIVE_SERIES = {
    **{f"hand_{h.value}": (f"Initiatives: {h.value} hand", "initiatives") for h in Hand},
    **{f"mode_{m.value}": (f"Initiatives: power {m.value}", "initiatives") for m in PowerMode},
}


def _mode_on(
    day: date, now: PowerMode, changes: list[tuple[date, PowerMode | None, PowerMode]]
) -> PowerMode:
    """An initiative's power mode on ``day`` from its changes (sorted by date)."""
    before = [to for on, _, to in changes if on <= day]
    if before:
        return before[-1]
    after = [frm for on, frm, _ in changes if on > day]
    return after[0] if after and after[0] is not None else (changes[0][2] if changes else now)


def initiatives_over_time(
    session: Session, town: str | None, ends: list[date]
) -> dict[str, list[sup.Cell]]:
    """Initiatives started by each month end, by hand and by power mode then.

    An initiative starts on ``started_on`` (else the day it was recorded); its
    mode on a day comes from ``initiative_mode_changes`` where it has any. A
    count is hidden when the initiatives behind it have fewer than
    ``MIN_CELL`` members (of the town, with a town chosen).
    """
    query = select(Initiative.id, Initiative.hand, Initiative.power_mode, Initiative.started_on,
                   Initiative.created_at)  # fmt: skip
    if town is not None:
        query = query.where(Initiative.town == town)
    inits = session.execute(query).all()
    changes: dict[int, list[Any]] = {}
    log = select(InitiativeModeChange.initiative_id, InitiativeModeChange.changed_on,
                 InitiativeModeChange.from_mode, InitiativeModeChange.to_mode)  # fmt: skip
    for iid, on, frm, to in session.execute(log.order_by(InitiativeModeChange.changed_on,
                                                         InitiativeModeChange.id)):  # fmt: skip
        changes.setdefault(iid, []).append((on, frm, to))
    members: dict[int, set[int]] = {}
    mq = in_town(select(Membership.initiative_id, Membership.person_id), Membership.person_id,
                  town)  # fmt: skip
    for iid, pid in session.execute(mq):
        members.setdefault(iid, set()).add(pid)
    series: dict[str, list[sup.Cell]] = {k: [] for k in INITIATIVE_SERIES}
    for end in ends:
        groups: dict[str, list[int]] = {k: [] for k in INITIATIVE_SERIES}
        for iid, hand, mode, started, created in inits:
            began = started or created.date()
            if began > end:
                continue
            groups[f"hand_{hand.value}"].append(iid)
            groups[f"mode_{_mode_on(end, mode, changes.get(iid, [])).value}"].append(iid)
        for key, ids in groups.items():
            people = set().union(*(members.get(i, set()) for i in ids))
            series[key].append(sup.cell(len(ids), len(people)))
    return series
