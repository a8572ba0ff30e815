"""Gather activity for role detection: from the store, or from an activity CSV.

Store (``GRAPH`` = ``db``): people and ties as ``read_store_graph`` reads
them; recruitments become ``recruited`` rows; each event's ``led_by`` person
becomes ``led`` (``hosted`` when they are a host of the event's initiative);
attendances other than the leader's become ``attended``; pledges give
``pledge_made``, ``pledge_shared`` and ``pledge_done`` at their dates; people's
``joined_at`` gives their start for tenure.

Activity CSV (``--activity FILE``), one row per thing someone did::

    person,kind,other,at
    p17,recruited,p42,2024-02-03
    p17,led,walk-2024-03-01,2024-03-01
    p42,attended,walk-2024-03-01,2024-03-01
    p42,pledge_made,,2024-03-02

- ``person`` (required): a node label of GRAPH.
- ``kind`` (required): recruited, led, hosted, attended, pledge_made,
  pledge_shared, pledge_done, or joined (when the person joined the movement:
  tenure counts from it; the earliest ``joined`` row of a person is kept).
- ``other``: for ``recruited``, the recruit (a node label, required); for
  ``led``, ``hosted`` and ``attended``, any name for the action, so attendances
  count towards the turnout of whoever led or hosted it; empty otherwise.
- ``at``: an ISO date or date-time (empty: undated, counted in totals only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.csvfiles import CsvTable, choice, read_csv, timestamp
from groundswell.actions.event_evidence import co_hosts
from groundswell.network.graph import Graph
from groundswell.roles.activity import (
    ATTENDED,
    HOSTED,
    KINDS,
    LED,
    PLEDGE_DONE,
    PLEDGE_MADE,
    PLEDGE_SHARED,
    RECRUITED,
    Activity,
)
from groundswell.store.graph import TieKinds, read_chosen_ties, read_store_graph
from groundswell.store.models import (
    Attendance,
    Event,
    MemberRole,
    Membership,
    Person,
    Pledge,
    Recruitment,
)

ACTIVITY_COLUMNS = ("person", "kind")
ACTIVITY_OPTIONAL = ("other", "at")


def _day(value: date | None) -> float:
    """Days since 1970-01-01 of a date or datetime (NaN for None)."""
    if value is None:
        return np.nan
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return float(np.datetime64(value, "D").astype(np.int64))


def read_activity_csv(path: str | Path, graph: Graph) -> tuple[Graph, Activity, list[str], int]:
    """Read an activity CSV for ``graph``'s people.

    People named in the file but absent from ``graph`` (no ties on record)
    join it without ties. Returns the graph, the activity, the columns not
    read, and how many people were added. Raises ``InputFileError`` naming
    the file, line and field of the first bad value.
    """
    table = read_csv(path, required=ACTIVITY_COLUMNS, optional=ACTIVITY_OPTIONAL)
    index = {str(label): i for i, label in enumerate(graph.labels.tolist())}
    known = len(index)
    actions: dict[str, int] = {}
    size = len(table)
    person = np.empty(size, np.int32)
    kind = np.empty(size, np.int8)
    other = np.full(size, -1, np.int64)
    day = np.full(size, np.nan)
    codes = {k: i for i, k in enumerate(KINDS)}
    names = (*KINDS, "joined")
    joined: dict[int, float] = {}
    for r, (line, row) in enumerate(table):
        person[r] = _person(table, line, row, "person", index)
        if not row["kind"]:
            raise table.error(line, "kind", "this value is empty", "use one of " + ", ".join(names))
        name = choice(table, line, row, "kind", names, "")
        if name == "joined":
            when = _day(timestamp(table, line, row, "at"))
            joined[int(person[r])] = min(joined.get(int(person[r]), np.inf), when)
            kind[r] = -1
            continue
        k = codes[name]
        kind[r] = k
        ref = row.get("other", "")
        if k == RECRUITED:
            if not ref:
                raise table.error(line, "other", "a 'recruited' row needs the recruit here",
                                  "write the recruit's label as in GRAPH")  # fmt: skip
            other[r] = _person(table, line, row, "other", index)
        elif k in (LED, HOSTED, ATTENDED) and ref:
            other[r] = actions.setdefault(ref, len(actions))
        day[r] = _day(timestamp(table, line, row, "at"))
    added = len(index) - known
    if added:
        graph = _with_people(graph, list(index)[known:])
    keep = kind >= 0
    start = None
    if joined:
        start = np.full(graph.n, np.nan)
        start[list(joined)] = list(joined.values())
    activity = Activity(person[keep], kind[keep], other[keep], day[keep], start)
    return graph, activity, table.extra, added


def _person(
    table: CsvTable, line: int, row: dict[str, str], column: str, index: dict[str, int]
) -> int:
    label = row.get(column, "")
    if not label:
        raise table.error(line, column, "this value is empty", "write the person's label")
    return index.setdefault(label, len(index))


def _with_people(graph: Graph, labels: list[str]) -> Graph:
    """``graph`` with more people who have no ties."""
    old = graph.labels
    if old.dtype.kind in "iu" and all(x.lstrip("-").isdigit() for x in labels):
        new = np.concatenate([old, np.array(labels, dtype=np.int64)])
    else:
        new = np.concatenate([old.astype(str), np.array(labels, dtype=str)])
    indptr = np.concatenate([graph.indptr, np.full(len(labels), graph.indptr[-1])])
    return Graph(indptr, graph.indices, new, graph.directed, graph.weights)


def gather_store(db: Database) -> tuple[Graph, Activity]:
    """The people, ties and activity in the store, as a graph and activity rows."""
    with db.reading() as session:
        graph = read_store_graph(session)[0]
        return graph, store_activity(session)


def gather_store_kinds(
    db: Database, kinds: Sequence[str] | None
) -> tuple[Graph, Activity, TieKinds]:
    """``gather_store`` on ties of ``kinds`` only (checked; None: every kind).

    The kinds choose the network (ties); the activity is always read whole:
    recruitment is its own tree (who brought whom), not a tie, so choosing
    kinds of tie never drops or doubles it.
    """
    with db.reading() as session:
        graph, _, used = read_chosen_ties(session, kinds)
        return graph, store_activity(session), used


def store_activity(session: Session) -> Activity:
    """Everyone's activity rows, people indexed in id order (the store graph's order)."""
    ids = np.array(session.scalars(select(Person.id).order_by(Person.id)).all(), np.int64)

    def index(values: Sequence[int] | np.ndarray) -> np.ndarray:
        return np.searchsorted(ids, np.asarray(values, np.int64)).astype(np.int64)

    joined = np.array(
        [_day(t) for t in session.scalars(select(Person.joined_at).order_by(Person.id))]
    )
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(
        person: Sequence[int],
        kind: Sequence[int] | np.ndarray,
        other: Sequence[int] | np.ndarray,
        days: np.ndarray,
    ) -> None:
        rows = index(person) if len(person) else np.empty(0, np.int64)
        parts.append((rows, np.asarray(kind, np.int8), np.asarray(other, np.int64), days))

    rec = session.execute(
        select(Recruitment.recruiter_id, Recruitment.recruit_id, Recruitment.at)
    ).all()
    recruits = index([r[1] for r in rec]) if rec else np.empty(0, np.int64)
    add([r[0] for r in rec], np.full(len(rec), RECRUITED), recruits,
        np.array([_day(r[2]) for r in rec]))  # fmt: skip
    hosts = set(
        session.execute(
            select(Membership.initiative_id, Membership.person_id).where(
                Membership.role == MemberRole.HOST
            )
        ).all()
    )
    events = session.execute(
        select(Event.id, Event.led_by_id, Event.initiative_id, Event.held_on).where(
            Event.led_by_id.is_not(None)
        )
    ).all()
    kinds = [HOSTED if (e[2], e[1]) in hosts else LED for e in events]
    leaders = [e[1] for e in events if e[1] is not None]  # all of them: the query asks so
    add(leaders, kinds, [e[0] for e in events],
        np.array([_day(e[3]) for e in events]))  # fmt: skip
    att = session.execute(
        select(Attendance.person_id, Attendance.event_id, Event.held_on, Event.led_by_id).join(
            Event, Event.id == Attendance.event_id
        )
    ).all()
    # Hosts besides the leader (event_hosts) host it too; no host is their own turnout.
    co = co_hosts(session)
    add([h[0] for h in co], np.full(len(co), HOSTED), [h[1] for h in co],
        np.array([_day(h[2]) for h in co]))  # fmt: skip
    hosting = {(h[1], h[0]) for h in co}
    att = [a for a in att if a[0] != a[3] and (a[1], a[0]) not in hosting]
    add([a[0] for a in att], np.full(len(att), ATTENDED), [a[1] for a in att],
        np.array([_day(a[2]) for a in att]))  # fmt: skip
    pledges = session.execute(
        select(Pledge.person_id, Pledge.made_at, Pledge.shared_at, Pledge.done_at)
    ).all()
    stages = (
        (PLEDGE_MADE, [(p.person_id, p.made_at) for p in pledges]),
        (PLEDGE_SHARED, [(p.person_id, p.shared_at) for p in pledges]),
        (PLEDGE_DONE, [(p.person_id, p.done_at) for p in pledges]),
    )
    for kind, stamps in stages:
        rows = [(who, at) for who, at in stamps if at is not None]
        add([who for who, _ in rows], np.full(len(rows), kind), np.full(len(rows), -1),
            np.array([_day(at) for _, at in rows]))  # fmt: skip
    person = np.concatenate([p for p, _, _, _ in parts]).astype(np.int32)
    return Activity(
        person,
        np.concatenate([k for _, k, _, _ in parts]).astype(np.int8),
        np.concatenate([o for _, _, o, _ in parts]).astype(np.int64),
        np.concatenate([d for _, _, _, d in parts]).astype(np.float64),
        joined if joined.size else None,
    )
