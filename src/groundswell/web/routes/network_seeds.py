"""The "find the 3%" page: how few people does it take to reach most of the network?

A GET form (works without JavaScript): with no ``model`` in the query it shows
the form; with one it chooses seeds on the people and ties in the database
(fewest people for a target share, or the best k), checks their reach with
an independent Monte Carlo simulation beside five simple baselines, and
answers the 3% question plainly. The coverage-versus-seed-share curve is a
server-side SVG (no inline scripts or styles: the CSP forbids them) with the
same numbers as a table.

The work is bounded so the page answers in seconds on a 20,000-person
movement: epsilon 0.2 for best k, a target-mode sample sized to at most
``MEMBER_BUDGET`` RR set members (the additive error that buys is shown),
and ``MC_RUNS`` simulations per checked seed set.
"""

from __future__ import annotations

import math
import threading
from html import escape
from typing import Any, ClassVar

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from groundswell.actions.audit import do_record_access
from groundswell.actions.scopes import person_in_scope
from groundswell.auth.permissions import Action, scopes_for
from groundswell.errors import InvalidInput
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.forms import QueryForm, model_choices
from groundswell.web.ratelimit import heavy_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

MODELS = model_choices("direct", "ic", "wc", "lt")
RULE_SHARE, RULE_REACH = 0.03, 0.90  # "3% of people reach 90%"
EPSILON = 0.2  # best k: (1 - 1/e - 0.2) guarantee, a fraction of the sets 0.1 needs
CONFIDENCE = 0.99
BASE_ERROR = 0.02  # target mode: each share within +-2 points at 99%...
MEMBER_BUDGET = 8_000_000  # ...unless that needs more RR set members than this
MC_RUNS = 100
MAX_K = 5_000
SHOWN_PEOPLE = 50
# Selection and simulation use every core; one at a time keeps the server
# responsive and avoids concurrent launches of numba's parallel kernels.
_ONE_AT_A_TIME = threading.Lock()
BASELINE_NAMES = {
    "highest-degree": "Most ties",
    "degree-discount": "Most ties, discounting neighbours of those chosen",
    "pagerank": "PageRank",
    "k-core": "Deepest k-core",
    "random": "At random",
}


class SeedsForm(QueryForm):
    FIELDS: ClassVar[tuple[str, ...]] = ("model", "p", "mode", "target", "k", "consented", "seed")
    DEFAULTS: ClassVar[dict[str, str]] = {
        "model": "ic", "p": "0.1", "mode": "target", "target": "90", "k": "20", "seed": "0"
    }  # fmt: skip


def _model(form: SeedsForm) -> Any:
    from groundswell.spread import Model

    kind = form.values["model"]
    if kind not in dict(MODELS):
        raise InvalidInput(f"How people take it up: choose one of {', '.join(dict(MODELS))}")
    p = form.number("p", label="Chance p", required=True) if kind in ("ic", "direct") else None
    return Model(kind, p=p)


def _people(gs: Any, n: int, principal: Any) -> tuple[list[str | None], np.ndarray, np.ndarray]:
    """Towns, contact consent and who ``principal`` may see, in node order (by database id)."""
    from sqlalchemy import select

    from groundswell.store.models.people import Person

    seen = person_in_scope(scopes_for(principal, Action.VIEW_PEOPLE), Person.id)
    with gs.reading() as session:
        rows = session.execute(
            select(Person.town, Person.consent_contact, seen).order_by(Person.id)
        ).all()
    if len(rows) != n:  # someone was added between the two reads
        raise InvalidInput("the people changed while reading them; try again")
    visible = np.array([bool(r[2]) for r in rows], dtype=np.bool_)
    return [r[0] for r in rows], np.array([bool(r[1]) for r in rows], dtype=np.bool_), visible


def choose_form(gs: Any, form: SeedsForm, principal: Any) -> dict[str, Any]:
    """Run the form's selection and checks on the store's people and ties."""
    from groundswell.seeds import Constraints, best_k, check_selection, fewest_seeds
    from groundswell.seeds.sampling import independent_prefix_coverage, rr_spec, stream_key
    from groundswell.seeds.target import error_for_budget
    from groundswell.store.graph import read_store_graph

    model = _model(form)
    seed = form.number("seed", int, label="Random seed", required=True)
    mode = form.values["mode"] if form.values["mode"] in ("target", "k") else "target"
    graph = read_store_graph(gs, weighted=model.kind == "lt")[0]
    n = graph.n
    if n == 0:
        raise InvalidInput("there are no people in the database yet; import people and ties")
    towns, consent, visible = _people(gs, n, principal)
    consented = form.values["consented"] == "yes"
    constraints = Constraints(consented=np.nonzero(consent)[0] if consented else None)
    if consented and not consent.any():
        raise InvalidInput("nobody has agreed to be contacted yet; untick 'consented only'")
    target = None
    if mode == "target":
        target = form.number("target", label="Target share", required=True) / 100
        if not 0 < target <= 1:
            raise InvalidInput("Target share: choose a percentage above 0 and at most 100")
    else:
        k = form.number("k", int, label="How many people", required=True)
        if not 1 <= k <= min(MAX_K, n):
            raise InvalidInput(f"How many people: choose between 1 and {min(MAX_K, n):,}")
    with _ONE_AT_A_TIME:
        if target is not None:
            error = error_for_budget(graph, model, MEMBER_BUDGET, CONFIDENCE, BASE_ERROR)
            selection = fewest_seeds(
                graph,
                model,
                target,
                seed=seed,
                constraints=constraints,
                error=error,
                confidence=CONFIDENCE,
                max_members=2 * MEMBER_BUDGET,  # one doubling at most
            )
            curve = selection.curve
            settings = (
                f"greedy on reverse-reachable sets; each share within +-{error:.0%} "
                f"with probability {CONFIDENCE:.0%}"
            )
        else:
            selection = best_k(graph, model, k, epsilon=EPSILON, seed=seed, constraints=constraints)
            # The curve for the chosen order, on fresh sets (Hoeffding, BASE_ERROR).
            from groundswell.seeds.target import hoeffding_sets

            sets = hoeffding_sets(BASE_ERROR, CONFIDENCE)
            counts = independent_prefix_coverage(
                rr_spec(graph, model), stream_key(seed), sets, selection.seeds
            )
            curve = counts / sets
            settings = f"OPIM-C with epsilon {EPSILON:g}; curve from {sets:,} fresh RR sets"
        report = check_selection(
            graph, model, selection, runs=MC_RUNS, seed=seed, baselines=True,
            constraints=constraints,
        )  # fmt: skip
    chosen = selection.seeds
    share = len(chosen) / n
    reach_share = report.check.reach_mean / n
    at_rule = math.ceil(RULE_SHARE * n)
    rule_reach = float(curve[at_rule]) if at_rule < len(curve) else None
    if target is not None and selection.reached and len(chosen) <= at_rule:
        holds = True
    elif rule_reach is not None:
        holds = rule_reach >= RULE_REACH
    elif target is not None:
        holds = False  # even all the seeds found stop short of 3%... and of the target
    else:
        holds = None  # best k below 3% of people: the curve stops before 3%
    degree = graph.out_degree()
    people, hidden = [], 0
    for i in chosen[:SHOWN_PEOPLE].tolist():
        if not visible[i]:
            hidden += 1
            continue
        people.append(
            {"label": str(graph.labels[i]), "town": towns[i] or "", "degree": int(degree[i])}
        )
    if people:  # people named to a signed-in organiser: audited like every people list
        do_record_access(gs, principal.email, "network.seeds", None, None, {"people": len(people)})
    baselines = [
        {
            "name": BASELINE_NAMES.get(name, name),
            "reach": check.reach_mean,
            "ci": check.reach_ci95,
            "seeds": len(ids),
        }
        for name, (ids, check) in report.baselines.items()
    ]
    return {
        "model": model,
        "mode": mode,
        "n": n,
        "seeds_count": len(chosen),
        "seed_share": share,
        "target": target,
        "reached": selection.reached,
        "capped": any("max_members" in note for note in selection.notes),
        "reach": report.check.reach_mean,
        "reach_share": reach_share,
        "reach_ci": report.check.reach_ci95,
        "rr_reach_share": float(curve[-1]) if len(curve) else 0.0,
        "holds": holds,
        "rule_reach": rule_reach,
        "rule_people": at_rule,
        "svg": coverage_svg(curve, n, target or RULE_REACH),
        "rows": coverage_rows(curve, n),
        "people": people,
        "hidden": hidden,
        "more": max(0, len(chosen) - SHOWN_PEOPLE),
        "baselines": baselines,
        "settings": settings,
        "mc_runs": MC_RUNS,
        "consented": consented,
        "notes": selection.notes,
        "seconds": selection.seconds,
    }


WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


def coverage_svg(curve: np.ndarray, n: int, target: float) -> str:
    """Reach share against seed share, with markers at 3% of people and at the target."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    last = max(len(curve) - 1, 1)
    x_top = max(last / n, RULE_SHARE * 1.5)
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


@router.api_route("/network/seeds", methods=["GET", "HEAD"], dependencies=[heavy_page()])
def network_seeds(request: Request, gs: GsApp) -> HTMLResponse:
    form = SeedsForm.from_query(request.query_params)
    context: dict[str, Any] = {
        "form": form.values,
        "models": MODELS,
        "baseline_names": BASELINE_NAMES,
        "max_k": MAX_K,
    }
    status = 200
    if "model" in request.query_params:
        try:
            context["result"] = choose_form(gs, form, get_principal(request))
        except InvalidInput as exc:
            context["error"] = exc.message
            status = 422
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "network_seeds.html",
        {"current_path": "/network", **context},
        status_code=status,
    )
