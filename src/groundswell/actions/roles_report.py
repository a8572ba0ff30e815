"""The roles report of the movement in the store: roles with reasons, indicators, gaps.

The use case behind the Leadership page (``/roles``). The work (store ->
evidence -> roles -> indicators -> layout) takes seconds on a large movement,
so each process keeps the result for the data it was computed from:

* the graph, the activity rows and the people (ids, refs, towns) are read in
  one session, one snapshot (``reading_snapshot``), and matched by database id;
* the result is keyed by :func:`data_fingerprint`, read in that same session:
  per table its row count, largest id and what an update can change without
  adding a row (tie weights, recruitment and event dates, pledge steps), plus
  the versions of those tables in this process (``actions.data_version``),
  which every write this process makes bumps;
* names are not part of the work: each report reads them afresh, by id, so a
  renamed person (``import people --update``) shows the new name at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database, data_version
from groundswell.actions.accounts import visible_people
from groundswell.actions.event_evidence import hosted_titles, naming
from groundswell.actions.roles import store_activity
from groundswell.actions.snapshot import reading_snapshot
from groundswell.auth.permissions import Action, Principal, can, scopes_for
from groundswell.roles import assign_roles, gather_evidence
from groundswell.roles.assign import ROLE_NAMES, RoleAssignment
from groundswell.roles.evidence import Evidence
from groundswell.roles.indicators import movement_indicators
from groundswell.roles.layout import Layout, pick_and_lay_out
from groundswell.roles.reasons import reason
from groundswell.store.graph import TieKinds, read_chosen_ties
from groundswell.store.models import Attendance, Event, Person, Pledge, Recruitment, Tie

# The tables the report is computed from (``store_activity``, ``read_store_graph``, titles).
READ_TABLES = ("people", "ties", "events", "attendances", "event_hosts", "recruitments",
               "pledges", "memberships")  # fmt: skip
COUNTED = (Person, Tie, Event, Attendance, Recruitment, Pledge)
PER_PAGE = 25
TOP_PER_ROLE = 10
MAX_CACHED = 4  # databases whose results one process keeps


@dataclass(frozen=True, eq=False)
class RolesReport:
    """Everything the page needs about the movement's roles, for one state of the data."""

    key: tuple[Any, ...]
    seconds: float
    n: int
    m: int
    pids: np.ndarray  # database ids, in graph order
    labels: list[str]
    towns: list[str | None]
    result: RoleAssignment | None  # None when there is nobody
    indicators: dict[str, dict[str, Any]]
    layout: Layout | None
    unreached: list[dict[str, Any]]
    alone: int  # people with no ties and no activity
    # graph index -> the events they led or hosted, named for their reasons
    hosted: dict[int, str] = field(default_factory=dict)
    # Which kinds of tie the network was read from (the activity is always whole).
    tie_kinds: TieKinds | None = None


_CACHE: dict[tuple[str, tuple[str, ...] | None], RolesReport] = {}
_LOCK = threading.Lock()


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """What the report is computed from, cheaply: it changes whenever that data may have."""
    parts: list[Any] = list(data_version.current(READ_TABLES))
    queries = [select(func.count(), func.max(model.id)) for model in COUNTED]
    queries += [
        select(func.sum(Tie.weight), func.count(Tie.observed_at)),
        select(func.min(Recruitment.at), func.max(Recruitment.at)),
        select(func.min(Event.held_on), func.max(Event.held_on)),
        # A pledge shared or kept adds no row but changes the evidence and "commitments kept".
        select(func.count(Pledge.shared_at), func.count(Pledge.done_at)),
    ]
    for query in queries:
        parts.extend(session.execute(query).one())
    return tuple(parts)


def roles_report(db: Database, tie_kinds: Sequence[str] | None = None) -> RolesReport:
    """The report for the data as it is now, on ties of ``tie_kinds`` (None: every kind):
    cached per database and kinds while its fingerprint stays the same."""
    kinds = tuple(sorted(set(tie_kinds))) if tie_kinds else None
    with _LOCK:  # one computation at a time; the next request finds it cached
        with reading_snapshot(db) as session:
            url = session.get_bind().engine.url.render_as_string(hide_password=False)
            key = (url, kinds, data_fingerprint(session))
            hit = _CACHE.get((url, kinds))
            if hit is None or hit.key != key:
                _CACHE.pop((url, kinds), None)
                while len(_CACHE) >= MAX_CACHED:  # oldest first (dicts keep order)
                    _CACHE.pop(next(iter(_CACHE)))
                hit = _CACHE[(url, kinds)] = _compute(session, key, kinds)
        return hit


def _compute(
    session: Session, key: tuple[Any, ...], kinds: tuple[str, ...] | None = None
) -> RolesReport:
    started = time.perf_counter()
    graph, _, used = read_chosen_ties(session, kinds, label="Kind of tie")
    activity = store_activity(session)
    rows = session.execute(select(Person.id, Person.ref, Person.town).order_by(Person.id)).all()
    by_ref = {r.ref: r for r in rows}
    people = [by_ref[str(label)] for label in graph.labels.tolist()]  # the graph's own order
    pids = np.array([p.id for p in people], np.int64)
    towns = [p.town for p in people]
    base: dict[str, Any] = dict(key=key, n=graph.n, m=graph.m, pids=pids, towns=towns,
                                labels=[p.ref for p in people], tie_kinds=used)  # fmt: skip
    if graph.n == 0:
        empty: dict[str, Any] = dict(result=None, indicators={}, layout=None, unreached=[], alone=0)
        return RolesReport(seconds=time.perf_counter() - started, **base, **empty)
    evidence = gather_evidence(graph, activity, seed=0)
    result = assign_roles(graph, evidence)
    indicators = movement_indicators(graph, activity, evidence, period="quarter")
    layout = pick_and_lay_out(result.graph, result.people(), seed=0)
    unreached, alone = _unreached(evidence, towns)
    holders = np.flatnonzero(evidence.led + evidence.hosted > 0)
    titles = hosted_titles(session, pids[holders].tolist())
    hosted = {int(i): naming(titles.get(int(pids[i]), [])) for i in holders.tolist()}
    return RolesReport(
        seconds=time.perf_counter() - started, result=result, indicators=indicators,
        layout=layout, unreached=unreached, alone=alone, hosted=hosted, **base,
    )  # fmt: skip


def _unreached(evidence: Evidence, towns: list[str | None]) -> tuple[list[dict[str, Any]], int]:
    """Communities with no active member, largest first, with their main towns.

    Leiden puts each person without ties in a community of their own; those
    are not communities to reach, so they are counted apart (the second value:
    people with no ties and no activity).
    """
    community = evidence.bridges.community
    k = max(evidence.bridges.n_communities, 1)
    size = np.bincount(community, minlength=k)
    active = np.bincount(community[evidence.active], minlength=k)
    out: list[dict[str, Any]] = []
    for c in np.flatnonzero((active == 0) & (size > 1)).tolist():
        members = np.flatnonzero(community == c).tolist()
        common = Counter(towns[i] or "town not recorded" for i in members).most_common(3)
        out.append({"id": c, "size": int(size[c]), "towns": common})
    out.sort(key=lambda x: (-x["size"], x["id"]))
    alone = int(np.count_nonzero((evidence.degree == 0) & ~evidence.active))
    return out, alone


def visible_mask(db: Database, report: RolesReport, viewer: Principal | None) -> np.ndarray | None:
    """Which people the viewer may see (None: nobody, not even the people list)."""
    if not can(viewer, Action.VIEW_PEOPLE):
        return None
    if scopes_for(viewer).everything:
        return np.ones(report.n, bool)
    with db.reading() as session:
        ids = np.array(session.scalars(visible_people(select(Person.id), viewer)).all(), np.int64)
    return np.isin(report.pids, ids)


def names_of(db: Database, report: RolesReport, index: list[int]) -> dict[int, str | None]:
    """Display names for graph ``index``es, read now and matched by database id."""
    ids = [int(report.pids[i]) for i in index]
    if not ids:
        return {}
    with db.reading() as session:
        query = select(Person.id, Person.display_name).where(Person.id.in_(ids))
        found = {pid: name for pid, name in session.execute(query)}
    return {i: found.get(pid) for i, pid in zip(index, ids, strict=True)}


def role_tables(
    db: Database,
    report: RolesReport,
    mask: np.ndarray,
    role: str | None,
    page: int,
    order: Sequence[str] = ROLE_NAMES,
) -> list[dict[str, Any]]:
    """Per role (in ``order``): the visible holders, best score first (top N, or one page
    of one ``role``)."""
    res = report.result
    assert res is not None
    picked: list[tuple[str, np.ndarray, int, int, int]] = []
    for name in order if role is None else (role,):
        held = np.flatnonzero(res.holds[name] & mask)
        score = res.scores[name][held]
        held = held[np.lexsort((held, -score))]
        size = TOP_PER_ROLE if role is None else PER_PAGE
        pages = max(1, -(-held.size // size))
        at = min(max(page, 1), pages) if role else 1
        picked.append((name, held, at, pages, size))
    shown = sorted({int(i) for name, held, at, _, size in picked
                    for i in held[(at - 1) * size : at * size].tolist()})  # fmt: skip
    names = names_of(db, report, shown)
    tables = []
    for name, held, at, pages, size in picked:
        rows = held[(at - 1) * size : at * size].tolist()
        tables.append({
            "role": name, "visible": int(held.size),
            "people": [_person(report, names, int(i), name) for i in rows],
            "page": at, "pages": pages, "first": (at - 1) * size + 1,
        })  # fmt: skip
    return tables


def _person(report: RolesReport, names: dict[int, str | None], i: int, role: str) -> dict[str, Any]:
    res = report.result
    assert res is not None
    hosted = report.hosted.get(i)
    return {
        "label": report.labels[i],
        "name": names.get(i),
        "town": report.towns[i],
        "reason": reason(res, role, i) + (f"; {hosted}" if hosted else ""),
        "score": float(res.scores[role][i]),
        "others": [r for r in res.roles_of(i) if r != role],
    }


def primary_role(res: RoleAssignment, i: int) -> str | None:
    """The role a person holds most strongly (None: no role)."""
    held = res.roles_of(i)
    return max(held, key=lambda r: res.scores[r][i]) if held else None
