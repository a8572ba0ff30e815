"""Ties between people who came to the same events (kind ``attended_together``).

Turning up together is a weak tie of its own kind: evidence that two people
have met, not that they know or trust each other (the "foci" of Feld 1981,
*The focused organization of social ties*, AJS 86(5): people who share
activities come to know each other). So these ties are kept apart from the
ties organisers record (kind ``attended_together``, origin ``attendance``) and
analyses choose whether to read them (``store.graph.read_store_graph(kinds=...)``).

The weight of a pair's tie is the number of events both attended within
``window_days`` before (and on) the day of the event being recomputed,
365 days by default, so old gatherings fade out when the ties are rebuilt.
Each pair is stored once, the lower person id as ``source``.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import combinations

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.events import find_event
from groundswell.errors import InvalidInput
from groundswell.store.models import Attendance, Event, Tie

KIND = "attended_together"
ORIGIN = "attendance"
DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3660


def link_attendees(
    session: Session, event: Event, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> int:
    """Rebuild the ``attended_together`` ties among ``event``'s attendees; returns how many."""
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"window: give 1 to {MAX_WINDOW_DAYS} days, not {window_days}")
    people = sorted(
        session.scalars(select(Attendance.person_id).where(Attendance.event_id == event.id))
    )
    if len(people) < 2:
        return 0
    last = event.held_on
    first = last - timedelta(days=window_days)
    weight: Counter[tuple[int, int]] = Counter()
    latest: dict[tuple[int, int], date] = {}
    together: dict[int, list[int]] = {}
    days: dict[int, date] = {}
    for eid, pid, day in session.execute(
        select(Attendance.event_id, Attendance.person_id, Event.held_on)
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.person_id.in_(people), Event.held_on.between(first, last))
    ):
        together.setdefault(eid, []).append(pid)
        days[eid] = day
    for eid, members in together.items():
        for pair in combinations(sorted(set(members)), 2):
            weight[pair] += 1
            latest[pair] = max(latest.get(pair, days[eid]), days[eid])
    # Replace every tie of this kind among these people (pairs in chunks: bound the SQL size).
    chunk = 500
    for start in range(0, len(people), chunk):
        part = people[start : start + chunk]
        session.execute(
            delete(Tie).where(
                and_(Tie.kind == KIND, Tie.source_id.in_(part), Tie.target_id.in_(people))
            )
        )
    rows = [
        {
            "source_id": a,
            "target_id": b,
            "kind": KIND,
            "weight": float(n),
            "origin": ORIGIN,
            "observed_at": datetime(d.year, d.month, d.day, tzinfo=UTC),
        }
        for (a, b), n in sorted(weight.items())
        for d in (latest[(a, b)],)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(Tie), rows[start : start + 5000])
    session.flush()
    return len(rows)


def do_link_attendees(db: Database, slug: str, *, window_days: int = DEFAULT_WINDOW_DAYS) -> int:
    """``link_attendees`` for the event ``slug`` in its own transaction."""
    with db.transaction() as session:
        return link_attendees(session, find_event(session, slug), window_days=window_days)
