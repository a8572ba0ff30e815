"""The Network page: the movement's ties as a picture, a table of the same, and exports.

``GET /network[?community=N][&seeds=target][&tie_kind=K ...]``. The picture is
worked out off the request path (``web.heavy``) once per state of the data
and kinds of tie (``actions.network_picture``); what each viewer sees on it
is ``actions.network_view``'s. Seeds are marked when the 3% question's
answer for this picture is already worked out, or when asked for
(``seeds=target``, a heavy answer shared by everyone who asks).

``GET /network/export.graphml`` and ``/network/export.gexf``: the people in
the organiser's scope and their ties for Gephi or Kumu (``actions.network_export``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from groundswell.actions import public_summaries as queries
from groundswell.actions.network_export import FORMATS, export_network
from groundswell.actions.network_picture import NetworkPicture, network_picture, picture_seeds
from groundswell.actions.network_view import ROLES, community_name, picture_view
from groundswell.auth.permissions import Action, can, require
from groundswell.errors import InvalidInput
from groundswell.network.picture import OTHER, SIZE
from groundswell.store.models import Person, Tie
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.heavy import answer, data_version, shared_key
from groundswell.web.ratelimit import heavy_page
from groundswell.web.templating import render
from groundswell.web.tie_kind_choice import chosen_kinds, kinds_context

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/), without
# yellow, which is too pale on white; the community number is always in the name too.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
OTHER_COLOUR = "#768692"
SHAPES = {  # role -> shape drawn for a holder (no role: a circle)
    "organiser": "square",
    "mobiliser": "triangle",
    "connector": "diamond",
    "lone_wolf": "hexagon",
}


def colour(community: int) -> str:
    return OTHER_COLOUR if community == OTHER else PALETTE[community % len(PALETTE)]


def shape_points(shape: str, x: float, y: float, r: float) -> str:
    """SVG polygon points of a role's shape around (x, y)."""
    corners = {"triangle": (3, -90.0), "diamond": (4, -90.0), "hexagon": (6, 0.0)}[shape]
    count, start = corners
    angles = np.deg2rad(start + 360.0 * np.arange(count) / count)
    size = r * (1.35 if shape == "triangle" else 1.2)
    return " ".join(f"{x + size * np.cos(a):.1f},{y + size * np.sin(a):.1f}" for a in angles)


def _community(raw: str | None) -> int | None:
    """``?community=N`` as on the page (1 is the largest; ``other`` the small ones)."""
    if raw is None or raw == "":
        return None
    if raw == "other":
        return OTHER
    if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
        return int(raw) - 1
    raise InvalidInput("community: give a community's number as the page shows it, or 'other'")


def _link(kinds: tuple[str, ...] | None, **params: str) -> str:
    query = [("tie_kind", k) for k in kinds or ()] + [(k, v) for k, v in params.items() if v]
    return "/network" + (f"?{urlencode(query)}" if query else "")


@router.api_route("/network", methods=["GET", "HEAD"])
def network(request: Request, gs: GsApp) -> Response:
    kinds = chosen_kinds(gs, request.query_params)
    opened = _community(request.query_params.get("community"))
    version = (gs.settings.resolved_database_url, data_version(gs, Person, Tie), kinds)
    pic = answer(request, shared_key("network-picture", version),
                 lambda: network_picture(gs, kinds), title="Drawing the network")  # fmt: skip
    if isinstance(pic, Response):
        return pic
    seeds = _seeds(request, gs, version, pic)
    if isinstance(seeds, Response):
        return seeds
    if opened is not None:  # laid out on first request, then kept with the picture
        done = answer(request, shared_key("network-community", version, opened),
                      lambda: pic.opened(opened), title="Drawing the community")  # fmt: skip
        if isinstance(done, Response):
            return done
    principal = get_principal(request)
    view = picture_view(gs, pic, principal, community=opened, seeds=seeds)
    for node in view["nodes"]:
        node["colour"] = colour(node["community"])
        node["shape"] = SHAPES.get(node["role"] or "", "circle")
        if node["shape"] not in ("circle", "square"):
            node["points"] = shape_points(node["shape"], node["x"], node["y"], node["r"])
        if node["open"]:
            number = "other" if node["community"] == OTHER else str(node["community"] + 1)
            node["href"] = _link(kinds, community=number)
    for edge in view["edges"]:  # thicker for more ties between two communities
        weight = np.log1p(edge["weight"]) * 0.6 + 0.4 if view["kind"] == "communities" else 0.6
        edge["width"] = f"{weight:.1f}"
    for row in view["communities"]:
        number = "other" if row["id"] == OTHER else str(row["id"] + 1)
        row["colour"] = colour(row["id"])
        may_open = row["id"] != OTHER or view["may_see"]
        row["href"] = _link(kinds, community=number) if may_open else None
    with gs.reading() as session:
        summary = queries.network(session)
    context: dict[str, Any] = {
        "network": summary, "view": view, "size": SIZE, "roles": ROLES, "shapes": SHAPES,
        "seconds": pic.seconds, **kinds_context(gs, request),
        "overview_href": _link(kinds), "seeds_href": _link(kinds, seeds="target",
        community=request.query_params.get("community", "")),
        "opened_name": None if opened is None else community_name(opened),
        "export": can(principal, Action.VIEW_PEOPLE),
        "export_query": urlencode([("tie_kind", k) for k in kinds or ()]),
    }  # fmt: skip
    return render(request, "network.html", **context)


def _seeds(
    request: Request, gs: GsApp, version: tuple[Any, ...], pic: NetworkPicture
) -> np.ndarray | Response | None:
    """The default 3% question's seeds: worked out when asked, or already known."""
    if request.query_params.get("seeds") == "target":
        found: np.ndarray | Response = answer(
            request, shared_key("network-seeds", version),
            lambda: picture_seeds(pic), title="Finding the fewest people",
        )  # fmt: skip
        return found
    return pic.known_seeds()


@router.get("/network/export.{fmt}", dependencies=[heavy_page()])
def network_export(request: Request, gs: GsApp, fmt: str) -> Response:
    """The people in the organiser's scope and their ties, for Gephi or Kumu (audited)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"export format {fmt}: choose one of {', '.join(FORMATS)}")
    principal = get_principal(request)
    require(principal, Action.VIEW_PEOPLE)
    assert principal is not None  # require refuses anonymous viewers
    kinds = chosen_kinds(gs, request.query_params)
    body = export_network(gs, fmt, actor=principal.email, principal=principal, tie_kinds=kinds)
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="network.{fmt}"',
            "Cache-Control": "no-store",
        },
    )
