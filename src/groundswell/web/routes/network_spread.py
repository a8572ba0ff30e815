"""The Network spread page: pick seeds, a model and its parameters; see how far it spreads.

A GET form (works without JavaScript): with no ``model`` in the query it shows
the form; with one it simulates on the people and ties in the database and
shows the mean reach with its 95% CI, the adoption curve (server-side SVG and
the same numbers as a table) and the people most likely to adopt.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from groundswell.errors import InvalidInput
from groundswell.store.models import Person, Tie
from groundswell.web.deps import GsApp
from groundswell.web.forms import QueryForm, model_choices
from groundswell.web.heavy import answer, data_version, job_key
from groundswell.web.templating import render
from groundswell.web.tie_kind_choice import chosen_kinds, kinds_context

if TYPE_CHECKING:  # imported where used: the spread engine loads numba
    from groundswell.spread import Model
    from groundswell.spread.models import Kind

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

MAX_RUNS = 10_000
TOP_PEOPLE = 20
MODELS = model_choices("ic", "wc", "lt", "complex", "sir", "direct")
# Simulations use every core; one at a time keeps the server responsive and
# avoids concurrent launches of numba's parallel kernels.
_ONE_AT_A_TIME = threading.Lock()


class SpreadForm(QueryForm):
    FIELDS: ClassVar[tuple[str, ...]] = (
        "choose", "k", "labels", "model", "p", "threshold", "fraction", "recovery",
        "never_adopt", "runs", "seed",
    )  # fmt: skip
    DEFAULTS: ClassVar[dict[str, str]] = {
        "choose": "top", "k": "5", "model": "ic", "p": "0.1", "runs": "1000", "seed": "0"
    }  # fmt: skip


def _model(form: SpreadForm) -> Model:
    from groundswell.spread import Model

    kind = form.values["model"]
    # Only the parameters the chosen model uses: the form keeps the others filled in.
    uses = {
        "ic": ("p",),
        "sir": ("p", "recovery"),
        "direct": ("p",),
        "complex": ("threshold", "fraction"),
    }.get(kind, ())
    return Model(
        cast("Kind", kind),  # Model checks the kind and names the choices
        p=form.number("p", label="Chance p") if "p" in uses else None,
        threshold=form.number("threshold", int, label="K") if "threshold" in uses else None,
        fraction=form.number("fraction", label="Share F") if "fraction" in uses else None,
        recovery=form.number("recovery", label="Recovery") if "recovery" in uses else None,
        never_adopt=form.number("never_adopt", label="Share who never adopt") or 0.0,
    )


def _seeds(form: SpreadForm, graph: Any, seed: int) -> np.ndarray:
    from groundswell.spread import random_seeds, seeds_from_labels, top_degree_seeds

    choose = form.values["choose"]
    if choose == "labels":
        labels = [x.strip() for x in form.values["labels"].split(",") if x.strip()]
        return seeds_from_labels(graph, labels)
    k = form.number("k", int, label="How many people")
    if k is None:
        raise InvalidInput("How many people: enter a number, for example 5")
    if choose == "random":
        return random_seeds(graph, k, seed)
    return top_degree_seeds(graph, k)


def simulate_form(
    gs: Any, form: SpreadForm, tie_kinds: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Run the form's simulation on the store's people and ties (of ``tie_kinds``; None:
    every kind); the page's numbers, with the statement of which ties were read."""
    from groundswell.compute import executor_for
    from groundswell.spread import simulate
    from groundswell.spread.chart import curve_rows, curve_svg
    from groundswell.store.graph import read_chosen_ties

    model = _model(form)
    runs = form.number("runs", int, label="Runs") or 1000
    if not 1 <= runs <= MAX_RUNS:
        raise InvalidInput(f"Runs: choose between 1 and {MAX_RUNS:,}")
    seed = form.number("seed", int, label="Random seed") or 0
    graph, _, used = read_chosen_ties(
        gs, tie_kinds, weighted=model.kind == "lt", label="Kind of tie"
    )
    if graph.n == 0:
        raise InvalidInput("there are no people in the database yet; import people and ties")
    seeds = _seeds(form, graph, seed)
    executor = executor_for(gs.settings)
    try:
        with _ONE_AT_A_TIME:
            result = simulate(graph, model, seeds, runs=runs, seed=seed, executor=executor)
    finally:
        executor.close()
    order = np.argsort(-result.adoption_probability, kind="stable")[:TOP_PEOPLE]
    seed_set = set(seeds.tolist())
    people = [
        {
            "label": str(graph.labels[i]),
            "probability": float(result.adoption_probability[i]),
            "seed": int(i) in seed_set,
        }
        for i in order
        if result.adoption_probability[i] > 0
    ]
    return {
        "result": result,
        "model": model,
        "people_count": graph.n,
        "seed_labels": [str(x) for x in graph.labels[seeds].tolist()],
        "svg": curve_svg(result, title=f"Adoption curve: {model.describe()}"),
        "rows": curve_rows(result),
        "people": people,
        "tie_kinds_used": used,
    }


# No heavy_page() cap: the answer is a shared job, bounded by web.heavy's queue.
@router.api_route("/network/spread", methods=["GET", "HEAD"])
def network_spread(request: Request, gs: GsApp) -> Response:
    form = SpreadForm.from_query(request.query_params)
    context: dict[str, Any] = {
        "form": form.values, "models": MODELS, "max_runs": MAX_RUNS,
        **kinds_context(gs, request),
    }  # fmt: skip
    status = 200
    if "model" in request.query_params:
        try:
            kinds = chosen_kinds(gs, request.query_params)
            key = job_key(request, data_version(gs, Person, Tie), kinds)
            title = "Working out how far it spreads"
            done = answer(request, key, lambda: simulate_form(gs, form, kinds), title=title)
            if isinstance(done, Response):
                return done
            context.update(done)
        except InvalidInput as exc:
            context["error"] = exc.message
            status = 422
    return render(request, "network_spread.html", status, current_path="/network", **context)
