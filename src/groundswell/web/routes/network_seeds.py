"""The "find the 3%" page: how few people does it take to reach most of the network?

A GET form (works without JavaScript): with no ``model`` in the query it shows
the form; with one it answers on the people and ties in the database through
:mod:`groundswell.actions.seeds` (fewest people for a target share, or the
best k), beside five simple baselines of the same size, and answers the 3%
question plainly. The coverage-versus-seed-share curve is a server-side SVG
(no inline scripts or styles: the CSP forbids them) with the same numbers
as a table; ``/network/seeds.csv`` downloads "who to ask".
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from groundswell.actions.audit import do_record_access
from groundswell.actions.seeds import (
    BASELINE_NAMES,
    MAX_K,
    RULE_REACH,
    RULE_SHARE,
    SeedsQuestion,
    answer_seeds_question,
    who_to_ask_csv,
)
from groundswell.auth.permissions import Principal
from groundswell.errors import InvalidInput
from groundswell.store.models import ConsentEvent, Person, Tie
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.forms import QueryForm, model_choices
from groundswell.web.heavy import answer, data_version, job_key
from groundswell.web.ratelimit import heavy_page
from groundswell.web.templating import render as render_page
from groundswell.web.tie_kind_choice import chosen_kinds, kinds_context, query_pairs

if TYPE_CHECKING:
    from groundswell.spread.models import Kind

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

MODELS = model_choices("direct", "ic", "wc", "lt")


class SeedsForm(QueryForm):
    FIELDS: ClassVar[tuple[str, ...]] = (
        "model", "p", "mode", "target", "k", "consented", "seed", "page"
    )  # fmt: skip
    DEFAULTS: ClassVar[dict[str, str]] = {
        "model": "ic", "p": "0.1", "mode": "target", "target": "90", "k": "20", "seed": "0",
        "page": "1",
    }  # fmt: skip


def question(form: SeedsForm, tie_kinds: tuple[str, ...] | None = None) -> SeedsQuestion:
    """The form as a question for ``actions.seeds`` (``InvalidInput`` naming the field),
    on ties of ``tie_kinds`` (None: every kind)."""
    from groundswell.spread import Model

    kind = form.values["model"]
    if kind not in dict(MODELS):
        raise InvalidInput(f"How people take it up: choose one of {', '.join(dict(MODELS))}")
    p = form.number("p", label="Chance p", required=True) if kind in ("ic", "direct") else None
    model = Model(cast("Kind", kind), p=p)  # one of MODELS, checked above
    seed = form.number("seed", int, label="Random seed", required=True)
    mode = form.values["mode"] if form.values["mode"] in ("target", "k") else "target"
    target = k = None
    if mode == "target":
        target = form.number("target", label="Target share", required=True) / 100
        if not 0 < target <= 1:
            raise InvalidInput("Target share: choose a percentage above 0 and at most 100")
    else:
        k = form.number("k", int, label="How many people", required=True)  # range: the action
    consented = form.values["consented"] == "yes"
    return SeedsQuestion(model, mode, target, k, consented, seed, tie_kinds)


WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


def coverage_svg(curve: np.ndarray, n: int, target: float, bound: int | None = None) -> str:
    """Reach share against seed share, with markers at 3% of people, at the target and
    at the proven fewest people any choice needs (``bound``), where known."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    last = max(len(curve) - 1, 1)
    x_top = max(last / n, RULE_SHARE * 1.5, (bound or 0) / n)
    x_top = next((t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5) if t >= x_top), 1.0)

    def x(share: float) -> float:
        return LEFT + plot_w * min(share, x_top) / x_top

    def y(share: float) -> float:
        return TOP + plot_h * (1 - share)

    # At most ~400 points: the chart's shape, not every prefix.
    step = max(1, len(curve) // 400)
    idx = list(range(0, len(curve), step)) + ([len(curve) - 1] if len(curve) else [])
    line = " ".join(f"{x(i / n):.1f},{y(float(curve[i])):.1f}" for i in idx)
    desc = (
        f"Share of everyone reached rises to {float(curve[-1]) if len(curve) else 0:.0%} "
        f"with {last / n:.1%} of people as seeds; dashed lines mark 3% of people "
        f"and the {target:.0%} target."
        + (
            f" A dotted line marks {bound:,} people: no choice reaching the target uses fewer."
            if bound
            else ""
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        'role="img" aria-labelledby="coverage-title coverage-desc" '
        'font-family="Arial, sans-serif" font-size="12" class="gs-chart" id="coverage-chart">',
        '<title id="coverage-title">Reach against the share of people chosen</title>',
        f'<desc id="coverage-desc">{escape(desc)}</desc>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#d8dde0"/><text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="#212b32">{tick:.0%}</text>'
        )
    for i in range(6):
        tick = x_top * i / 5
        parts.append(
            f'<text x="{x(tick):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'fill="#212b32">{tick:.1%}</text>'
        )
    parts += [
        f'<line x1="{x(RULE_SHARE):.1f}" x2="{x(RULE_SHARE):.1f}" y1="{TOP}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#d5281b" stroke-dasharray="6 4" stroke-width="1.5"/>',
        f'<text x="{x(RULE_SHARE) + 4:.1f}" y="{TOP + 12}" fill="#d5281b">3% of people</text>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
        f'stroke="#007f3b" stroke-dasharray="6 4" stroke-width="1.5"/>',
        f'<text x="{WIDTH - RIGHT - 4}" y="{y(target) - 4:.1f}" text-anchor="end" '
        f'fill="#007f3b">target {target:.0%}</text>',
        *_bound_line(bound, n, x),
        f'<polyline points="{line}" fill="none" stroke="#005eb8" stroke-width="2.5"/>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#4c6272"/>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#4c6272"/>',
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle" '
        'fill="#212b32">share of people chosen as seeds</text>',
        f'<text transform="translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)" '
        'text-anchor="middle" fill="#212b32">share of everyone reached</text>',
        "</svg>",
    ]
    return "\n".join(parts)


def coverage_rows(curve: np.ndarray, n: int) -> list[tuple[int, float, float]]:
    """(people, their share, share reached) at round seed shares: the chart as a table."""
    shares = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0)
    counts = sorted({min(math.ceil(s * n), len(curve) - 1) for s in shares} | {len(curve) - 1})
    return [(c, c / n, float(curve[c])) for c in counts if c >= 0]


def _bound_line(bound: int | None, n: int, x: Any) -> list[str]:
    if not bound:
        return []
    at = x(bound / n)
    return [
        f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#330072" stroke-dasharray="2 3" stroke-width="1.5"/>',
        f'<text x="{at - 4:.1f}" y="{TOP + 28}" text-anchor="end" fill="#330072">'
        f"at least {bound:,} needed</text>",
    ]


def audit_again(gs: GsApp, principal: Principal | None, result: dict[str, Any]) -> None:
    """A cached answer shown again names people again: audit this viewing too."""
    if principal is not None and result.get("people"):
        detail = {"people": len(result["people"])}
        do_record_access(gs, principal.email, "network.seeds", None, None, detail)


# No heavy_page() cap: the answer is a shared job, bounded by web.heavy's queue.
@router.api_route("/network/seeds", methods=["GET", "HEAD"])
def network_seeds(request: Request, gs: GsApp) -> Response:
    form = SeedsForm.from_query(request.query_params)
    context: dict[str, Any] = {
        "form": form.values,
        "models": MODELS,
        "baseline_names": BASELINE_NAMES,
        "max_k": MAX_K,
        **kinds_context(gs, request),
    }
    status = 200
    if "model" in request.query_params:
        try:
            kinds = chosen_kinds(gs, request.query_params)
            asked = question(form, kinds)
            page = form.number("page", int, label="Page") or 1
            principal = get_principal(request)
            # Off the request path when it takes over a second (web.heavy); one
            # computation per question, viewer and state of the people, ties and consent.
            key = job_key(request, data_version(gs, Person, Tie, ConsentEvent), kinds)
            done = answer(
                request, key, lambda: answer_seeds_question(gs, asked, principal, page),
                ttl=300.0, title="Finding the fewest people",
                reused=lambda again: audit_again(gs, principal, again),
            )  # fmt: skip
            if isinstance(done, Response):
                return done
            result = dict(done)  # shared with other views: this page adds to a copy
            curve = result.pop("curve")
            bound = result["lower_bound"]
            result["svg"] = coverage_svg(curve, result["n"], asked.target or RULE_REACH, bound)
            result["rows"] = coverage_rows(curve, result["n"])
            context["result"] = result
            values = {k: v for k, v in form.values.items() if k != "page"}
            context["query"] = query_pairs(values, context["tie_kinds_chosen"])
        except InvalidInput as exc:
            context["error"] = exc.message
            status = 422
    return render_page(request, "network_seeds.html", status, current_path="/network", **context)


@router.get("/network/seeds.csv", dependencies=[heavy_page()])
def network_seeds_csv(request: Request, gs: GsApp) -> Response:
    """ "Who to ask": the chosen people the asker may see, most useful first."""
    form = SeedsForm.from_query(request.query_params)
    try:
        asked = question(form, chosen_kinds(gs, request.query_params))
        text, _hidden = who_to_ask_csv(gs, asked, get_principal(request))
    except InvalidInput as exc:
        return Response(exc.message + "\n", status_code=422, media_type="text/plain")
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="who-to-ask.csv"'},
    )
