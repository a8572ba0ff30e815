"""The Leadership page: roles with reasons, a network picture by role, indicators, gaps.

``GET /roles[?role=organiser&page=2]``. Everyone sees the counts per role,
the movement indicators over time and the communities nobody active
reaches: aggregates. Who holds which role is personal data, so the people
tables and the network picture need ``VIEW_PEOPLE`` and show only the people
in the viewer's scope (others are grey dots in the picture, unnamed).

The use case is ``actions.roles_report`` (computed once per state of the
data, and the page says how long it took); this module only draws it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from groundswell.actions.audit import do_record_access
from groundswell.actions.roles_report import (
    RolesReport,
    data_fingerprint,
    primary_role,
    role_tables,
    roles_report,
    visible_mask,
)
from groundswell.errors import InvalidInput
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.heavy import answer, shared_key
from groundswell.web.routes.roles_svg import COLOURS, HIDDEN, NO_ROLE, line_svg, network_svg
from groundswell.web.templating import render
from groundswell.web.tie_kind_choice import chosen_kinds, kinds_context

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

MAX_UNREACHED = 50
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


def picture(c: RolesReport, mask: np.ndarray) -> dict[str, Any]:
    """The network SVG for this viewer, its legend counts and the table of who is coloured."""
    layout, res = c.layout, c.result
    assert layout is not None and res is not None
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
        role = primary_role(res, i)
        colours.append(COLOURS[role] if role else NO_ROLE)
        roles = res.roles_of(i)
        kinds = ", ".join(ROLE_TITLES[r][1] for r in roles) or "no role"
        names.append(f"{c.labels[i]}: {kinds}")
        counts[role or "none"] += 1
        if role:
            shown.append({"label": c.labels[i], "roles": roles, "ties": int(degree[k]),
                          "community": int(res.evidence.bridges.community[i])})  # fmt: skip
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


def indicator_charts(c: RolesReport) -> tuple[list[dict[str, Any]], list[str]]:
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


def roles_question(gs: GsApp, kinds: tuple[str, ...] | None = None) -> tuple[Any, ...]:
    """What the shared roles job answers: the database, its data and the kinds of tie."""
    with gs.reading() as session:
        return (gs.settings.resolved_database_url, data_fingerprint(session), kinds)


# No heavy_page() cap: the answer is a shared job, bounded by web.heavy's queue.
@router.api_route("/roles", methods=["GET", "HEAD"])
def roles_page(request: Request, gs: GsApp) -> Response:
    # Off the request path when it takes over a second (web.heavy): one computation
    # for every viewer while the data and kinds of tie stay the same; each page picks
    # what its viewer sees.
    try:
        kinds = chosen_kinds(gs, request.query_params)
    except InvalidInput as exc:
        return render(
            request, "roles.html", 422, current_path="/network", error=exc.message,
            **kinds_context(gs, request),
        )  # fmt: skip
    c = answer(
        request, shared_key("roles", roles_question(gs, kinds)),
        lambda: roles_report(gs, kinds), title="Working out who leads",
    )  # fmt: skip
    if isinstance(c, Response):
        return c
    role = request.query_params.get("role") or None
    role = role if role in ROLE_TITLES else None
    principal = get_principal(request)
    context: dict[str, Any] = {
        "current_path": "/network", "c": c, "role": role, "roles": ROLE_TITLES,
        "signed_in": principal is not None, "empty": c.result is None,
        **kinds_context(gs, request),
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
            tables = role_tables(gs, c, mask, role, page, order=tuple(ROLE_TITLES))
            for t in tables:
                t["title"] = ROLE_TITLES[t["role"]][0]
            context["tables"] = tables
            do_record_access(gs, principal.email, "roles.tables", None, None,
                             {"role": role, "page": page})  # fmt: skip
            context["scoped"] = not bool(mask.all())
            if c.layout is not None and c.layout.nodes.size:
                context["picture"] = picture(c, mask)
    return render(request, "roles.html", **context)
