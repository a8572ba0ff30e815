"""Events on the movement health dashboard: held, people attending, first-timers, returners.

For one month (``start`` to ``end``, inclusive), by town, in the shape the
dashboard suppresses across towns (``health_dashboard._suppressed``: figures
with the people behind them last):

- ``events_held``: events held in the month (status ``held``, by the event's
  town) and the distinct people who came to them;
- ``attending``: distinct people who came to any event in the month (by their
  own town, as every other figure about people);
- ``first_timers``: of those, people whose first event ever was in the month;
- ``returners``: of those, people who had come to an event before the month.

First-timers and returners are the two halves of the people attending (Han
2014, ch. 4: whether newcomers come back is the first rung of the ladder).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.store.models import Attendance, Event, EventStatus, Person

Key = str | None
Figures = dict[Key, tuple[float, ...]]
SERIES = ("events_held", "attending", "first_timers", "returners")


def _by_town(rows: list[tuple[str | None, int]]) -> Figures:
    out: dict[Key, tuple[float, ...]] = {}
    for town, n in rows:
        key = town or None
        out[key] = (out.get(key, (0.0,))[0] + float(n or 0),)
    return out


def month(session: Session, start: date, end: date) -> dict[str, Figures]:
    """The four series' figures for one month (see the module docstring)."""
    in_month = Event.held_on.between(start, end)
    held: dict[Key, tuple[float, ...]] = {}
    for town, events, people in session.execute(
        select(Event.town, func.count(func.distinct(Event.id)),
               func.count(func.distinct(Attendance.person_id)))
        .outerjoin(Attendance, Attendance.event_id == Event.id)
        .where(in_month, Event.status == EventStatus.HELD)
        .group_by(Event.town)
    ):  # fmt: skip
        key = town or None
        before = held.get(key, (0.0, 0.0))
        held[key] = (before[0] + float(events), before[1] + float(people))
    came = (
        select(Attendance.person_id)
        .join(Event, Event.id == Attendance.event_id)
        .where(in_month)
        .distinct()
        .subquery()
    )
    first = (
        select(Attendance.person_id, func.min(Event.held_on).label("first"))
        .join(Event, Event.id == Attendance.event_id)
        .group_by(Attendance.person_id)
        .subquery()
    )
    per_town = (
        select(Person.town, func.count(Person.id))
        .join(came, came.c.person_id == Person.id)
        .join(first, first.c.person_id == Person.id)
        .group_by(Person.town)
    )
    attending = _by_town([(t, n) for t, n in session.execute(per_town)])
    first_timers = _by_town([(t, n) for t, n in session.execute(
        per_town.where(first.c.first >= start))])  # fmt: skip
    returners = _by_town([(t, n) for t, n in session.execute(
        per_town.where(first.c.first < start))])  # fmt: skip
    return {"events_held": held, "attending": attending, "first_timers": first_timers,
            "returners": returners}  # fmt: skip
