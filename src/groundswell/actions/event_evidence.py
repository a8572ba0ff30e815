"""What events add to the roles evidence: every host, and the events named in reasons.

An event's first host is its ``led_by`` person (as events logged before RSVPs
existed had one leader); the other hosts in ``event_hosts`` hosted it too, so
each becomes a ``hosted`` row and the people who came count towards the
turnout of every host (Han 2014, ch. 4: co-hosting is how organisers develop
leaders). A host is never their own event's turnout.

``hosted_titles`` names the events each person led or hosted, latest first,
so that a reason can say which events it rests on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.store.models import Event, EventHost

MAX_NAMED = 3


def co_hosts(session: Session) -> list[tuple[int, int, date]]:
    """(person id, event id, day) for every host of an event other than its ``led_by``."""
    rows = session.execute(
        select(EventHost.person_id, EventHost.event_id, Event.held_on, Event.led_by_id)
        .join(Event, Event.id == EventHost.event_id)
        .order_by(EventHost.id)
    ).all()
    return [(p, e, day) for p, e, day, leader in rows if p != leader]


def hosted_titles(session: Session, person_ids: list[int]) -> dict[int, list[tuple[date, str]]]:
    """Person id -> (day, title) of the events they led or hosted, latest first."""
    found: dict[int, dict[int, tuple[date, str]]] = {}
    wanted = sorted(set(person_ids))
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for pid, eid, day, title in session.execute(
            select(Event.led_by_id, Event.id, Event.held_on, Event.title).where(
                Event.led_by_id.in_(part)
            )
        ):
            if pid is not None:
                found.setdefault(pid, {})[eid] = (day, title)
        for pid, eid, day, title in session.execute(
            select(EventHost.person_id, Event.id, Event.held_on, Event.title)
            .join(Event, Event.id == EventHost.event_id)
            .where(EventHost.person_id.in_(part))
        ):
            found.setdefault(pid, {})[eid] = (day, title)
    return {p: sorted(events.values(), reverse=True) for p, events in found.items()}


def naming(events: list[tuple[date, str]]) -> str:
    """E.g. 'led or hosted Prom walk (1 May 2026), Bench repair (3 April 2026) and 4 more'."""
    if not events:
        return ""
    shown = ", ".join(f"{title} ({day.day} {day:%B %Y})" for day, title in events[:MAX_NAMED])
    more = len(events) - MAX_NAMED
    return "led or hosted " + shown + (f" and {more:,} more" if more > 0 else "")
