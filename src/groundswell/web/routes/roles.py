"""The Leadership page: roles with reasons, a network picture by role, indicators, gaps.

``GET /roles[?role=organiser&page=2]``. Everyone sees the counts per role,
the movement indicators over time and the communities nobody active
reaches: aggregates. Who holds which role is personal data, so the people
tables and the network picture need ``VIEW_PEOPLE`` and show only the people
in the viewer's scope (others are grey dots in the picture, unnamed).

The computation (store -> evidence -> roles -> indicators -> layout) runs
once per process for each state of the database, keyed by its row counts,
and the page says how long it took.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from groundswell.actions.accounts import visible_people
from groundswell.actions.audit import do_record_access
from groundswell.app import App
from groundswell.auth.permissions import Action, Principal, can, scopes_for
from groundswell.store.models import Attendance, Event, Person, Pledge, Recruitment, Tie
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import heavy_page
from groundswell.web.routes.roles_svg import (
    COLOURS,
    HIDDEN,
    NO_ROLE,
    Layout,
    line_svg,
    network_svg,
    pick_and_lay_out,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PER_PAGE = 25
TOP_PER_ROLE = 10
MAX_UNREACHED = 50
MAX_CACHED = 4  # databases whose results one process keeps
# role -> (plural, singular, what they do)
ROLE_TITLES = {
    "organiser": ("Organisers", "organiser", "grow other leaders in a distributed network"),
    "mobiliser": ("Mobilisers", "mobiliser", "call large numbers of people to act"),
    "connector": ("Connectors", "connector", "link communities that otherwise hardly talk"),
    "lone_wolf": ("Lone wolves", "lone wolf", "long-standing change-makers who work alone"),
}
# name -> (heading, what it means, unit: % share, int count, or "" a number)
INDICATORS = {
    "distributed_leadership": ("Distributed leadership", "1 − Gini of actions led or hosted "
                               "among active people: 1 when everyone leads equally", ""),
    "top_3pct_share": ("Concentration", "share of all actions driven by the top 3% of "
                       "active people", "%"),
    "leaders_per_100": ("Leaders per 100", "active people who led or hosted, per 100 "
                        "active people", ""),
    "recruitment_depth": ("Recruitment tree depth", "levels in the deepest chain of people "
                          "who brought others in", "int"),
    "ladder_up_90d": ("Ladder movement", "share of newcomers who moved up a rung within "
                      "90 days", "%"),
    "commitments_kept": ("Commitments kept", "pledges done / pledges made", "%"),
    "within_2_steps": ("Reach within 2 steps", "share of everyone who is active or one or "
                       "two ties from someone active", "%"),
}  # fmt: skip
COUNTED = (Person, Tie, Event, Attendance, Recruitment, Pledge)


@dataclass(frozen=True, eq=False)
class Computed:
    """Everything the page needs, computed once per database state."""

    key: tuple
    seconds: float
    n: int
    m: int
    pids: np.ndarray  # database ids, in graph order
    labels: list[str]
    names: list[str | None]
    towns: list[str | None]
    result: Any  # RoleAssignment, or None when there is nobody
    indicators: dict[str, dict]
    layout: Layout | None
    unreached: list[dict]
    alone: int  # people with no ties and no activity
    # graph index -> the events they led or hosted, named for their reasons
    hosted: dict[int, str] = field(default_factory=dict)


_CACHE: dict[str, Computed] = {}
_LOCK = threading.Lock()


def row_counts(gs: App) -> tuple[int, ...]:
    with gs.reading() as session:
        counts = tuple(
            int(session.scalar(select(func.count()).select_from(model)) or 0) for model in COUNTED
        )
        # A pledge shared or kept adds no row but changes the evidence and "commitments kept".
        steps = session.execute(
            select(func.count(Pledge.shared_at), func.count(Pledge.done_at))
        ).one()
        return (*counts, int(steps[0]), int(steps[1]))


def computed(gs: App) -> Computed:
    """The cached result for the database's current row counts (computing it if needed)."""
    url = gs.settings.resolved_database_url
    key = (url, row_counts(gs))
    with _LOCK:  # one computation at a time; the next request finds it cached
        hit = _CACHE.get(url)
        if hit is None or hit.key != key:
            _CACHE.pop(url, None)
            while len(_CACHE) >= MAX_CACHED:  # oldest database first (dicts keep order)
                _CACHE.pop(next(iter(_CACHE)))
            hit = _CACHE[url] = compute(gs, key)
        return hit


def compute(gs: App, key: tuple) -> Computed:
    from groundswell.actions.roles import gather_store
    from groundswell.roles import assign_roles, gather_evidence
    from groundswell.roles.indicators import movement_indicators

    started = time.perf_counter()
    graph, activity = gather_store(gs)
    with gs.reading() as session:
        rows = session.execute(
            select(Person.id, Person.ref, Person.display_name, Person.town).order_by(Person.id)
        ).all()
    pids = np.array([r[0] for r in rows], np.int64)
    towns = [r[3] for r in rows]
    labels, names = [r[1] for r in rows], [r[2] for r in rows]
    base: dict[str, Any] = dict(key=key, n=graph.n, m=graph.m, pids=pids, towns=towns,
                                labels=labels, names=names)  # fmt: skip
    if graph.n == 0:
        empty: dict[str, Any] = dict(result=None, indicators={}, layout=None, unreached=[], alone=0)
        return Computed(seconds=time.perf_counter() - started, **base, **empty)
    evidence = gather_evidence(graph, activity, seed=0)
    result = assign_roles(graph, evidence)
    indicators = movement_indicators(graph, activity, evidence, period="quarter")
    layout = pick_and_lay_out(result.graph, result.people(), seed=0)
    unreached, alone = _unreached(evidence, towns)
    return Computed(
        seconds=time.perf_counter() - started, result=result, indicators=indicators,
        layout=layout, unreached=unreached, alone=alone, hosted=_hosted(gs, evidence, pids),
        **base,
    )  # fmt: skip


def _hosted(gs: App, evidence: Any, pids: np.ndarray) -> dict[int, str]:
    """The events each person who led or hosted any did, named (``actions.event_evidence``)."""
    from groundswell.actions.event_evidence import hosted_titles, naming

    holders = np.flatnonzero(evidence.led + evidence.hosted > 0)
    with gs.reading() as session:
        titles = hosted_titles(session, pids[holders].tolist())
    return {int(i): naming(titles.get(int(pids[i]), [])) for i in holders.tolist()}


def _unreached(evidence: Any, towns: list[str | None]) -> tuple[list[dict], int]:
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


def visible_mask(gs: App, c: Computed, principal: Principal | None) -> np.ndarray | None:
    """Which people the viewer may see (None: nobody, not even the people list)."""
    if not can(principal, Action.VIEW_PEOPLE):
        return None
    if scopes_for(principal).everything:
        return np.ones(c.n, bool)
    with gs.reading() as session:
        ids = np.array(session.scalars(visible_people(select(Person.id), principal)).all(), int)
    mask = np.zeros(c.n, bool)
    pos = np.searchsorted(c.pids, ids)
    ok = pos < c.n
    mask[pos[ok][c.pids[pos[ok]] == ids[ok]]] = True
    return mask


def _person(c: Computed, i: int, role: str) -> dict[str, Any]:
    from groundswell.roles.reasons import reason

    res = c.result
    return {
        "label": c.labels[i],
        "name": c.names[i],
        "town": c.towns[i],
        "reason": reason(res, role, i) + (f"; {c.hosted[i]}" if c.hosted.get(i) else ""),
        "score": float(res.scores[role][i]),
        "others": [r for r in res.roles_of(i) if r != role],
    }


def role_tables(c: Computed, mask: np.ndarray, role: str | None, page: int) -> list[dict]:
    """Per role: the visible holders, best score first (top N, or one page of one role)."""
    tables = []
    for name in ROLE_TITLES if role is None else (role,):
        held = np.flatnonzero(c.result.holds[name] & mask)
        score = c.result.scores[name][held]
        held = held[np.lexsort((held, -score))]
        size = TOP_PER_ROLE if role is None else PER_PAGE
        pages = max(1, -(-held.size // size))
        at = min(max(page, 1), pages) if role else 1
        rows = held[(at - 1) * size : at * size]
        tables.append({
            "role": name, "title": ROLE_TITLES[name][0], "visible": int(held.size),
            "people": [_person(c, int(i), name) for i in rows.tolist()],
            "page": at, "pages": pages, "first": (at - 1) * size + 1,
        })  # fmt: skip
    return tables


def primary_role(res: Any, i: int) -> str | None:
    held = res.roles_of(i)
    return max(held, key=lambda r: res.scores[r][i]) if held else None


def picture(c: Computed, mask: np.ndarray) -> dict[str, Any]:
    """The network SVG for this viewer, its legend counts and the table of who is coloured."""
    layout = c.layout
    assert layout is not None
    colours: list[str] = []
    names: list[str | None] = []
    shown: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    degree = np.bincount(layout.edges.ravel(), minlength=layout.nodes.size)
    for k, i in enumerate(layout.nodes.tolist()):
        if not mask[i]:
            colours.append(HIDDEN)
            names.append(None)
            counts["hidden"] += 1
            continue
        role = primary_role(c.result, i)
        colours.append(COLOURS[role] if role else NO_ROLE)
        roles = c.result.roles_of(i)
        kinds = ", ".join(ROLE_TITLES[r][1] for r in roles) or "no role"
        names.append(f"{c.labels[i]}: {kinds}")
        counts[role or "none"] += 1
        if role:
            shown.append({"label": c.labels[i], "roles": roles, "ties": int(degree[k]),
                          "community": int(c.result.evidence.bridges.community[i])})  # fmt: skip
    desc = (
        f"{layout.nodes.size:,} people and {layout.edges.shape[0]:,} ties between them: "
        + ", ".join(f"{counts[r]:,} {ROLE_TITLES[r][0].lower()}" for r in ROLE_TITLES)
        + f", {counts['none']:,} people without a role"
        + (f", {counts['hidden']:,} people outside your scope" if counts["hidden"] else "")
        + ". The table below lists the people with a role."
    )
    svg = network_svg(layout, colours, names, title="People with a role and their ties", desc=desc)
    legend = [
        {"colour": COLOURS[r], "text": ROLE_TITLES[r][0], "count": counts[r]} for r in ROLE_TITLES
    ]
    legend.append({"colour": NO_ROLE, "text": "No role (a neighbour)", "count": counts["none"]})
    if counts["hidden"]:
        legend.append({"colour": HIDDEN, "text": "Outside your scope", "count": counts["hidden"]})
    shown.sort(key=lambda x: (x["roles"][0], -x["ties"], x["label"]))
    return {"svg": svg, "legend": legend, "people": shown}


def indicator_charts(c: Computed) -> tuple[list[dict], list[str]]:
    """One small chart per indicator (latest period and whole record) and the periods."""
    charts, periods = [], []
    for name, (title, means, unit) in INDICATORS.items():
        item = c.indicators[name]
        points = [(p["period"], p["value"]) for p in item["over_time"]]
        periods = [p for p, _ in points]
        latest = points[-1] if points else ("", None)
        charts.append({
            "name": name, "title": title, "means": means, "unit": unit,
            "whole": item["value"], "latest": latest[1], "latest_period": latest[0],
            "values": [v for _, v in points],
            "svg": line_svg(points, ident=f"ind-{name}", title=f"{title} by quarter", unit=unit),
        })  # fmt: skip
    return charts, periods


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < len(raw) < 7 else 1


@router.api_route("/roles", methods=["GET", "HEAD"], dependencies=[heavy_page()])
def roles_page(request: Request, gs: GsApp) -> HTMLResponse:
    c = computed(gs)
    role = request.query_params.get("role") or None
    role = role if role in ROLE_TITLES else None
    principal = get_principal(request)
    context: dict[str, Any] = {
        "current_path": "/network", "c": c, "role": role, "roles": ROLE_TITLES,
        "signed_in": principal is not None, "empty": c.result is None,
    }  # fmt: skip
    if c.result is not None:
        mask = visible_mask(gs, c, principal)
        context["counts"] = {r: int(c.result.holds[r].sum()) for r in ROLE_TITLES}
        context["charts"], context["periods"] = indicator_charts(c)
        context["unreached"] = c.unreached[:MAX_UNREACHED]
        context["unreached_more"] = max(len(c.unreached) - MAX_UNREACHED, 0)
        context["communities"] = c.result.evidence.bridges.n_communities
        if mask is not None and principal is not None:  # a mask needs a signed-in viewer
            page = _page_number(request.query_params.get("page"))
            context["tables"] = role_tables(c, mask, role, page)
            do_record_access(gs, principal.email, "roles.tables", None, None,
                             {"role": role, "page": page})  # fmt: skip
            context["scoped"] = not bool(mask.all())
            if c.layout is not None and c.layout.nodes.size:
                context["picture"] = picture(c, mask)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "roles.html", context)
