"""Measures: the movement health dashboard (charts, tables, CSV, print) and the survey form.

The dashboard reads :mod:`groundswell.actions.health_dashboard` (counts in SQL,
every figure a suppression ``Cell``) and the took-part comparison from
``actions.measures.outcome_report``; the CSV holds exactly the figures shown.
The wellbeing survey is answered by a signed-in user linked to a person
(``groundswell users link``) and saved through ``do_record_survey``; the
movement's means sit beside published national figures
(``actions.wellbeing_norms``). Personal survey links are in
``routes.wellbeing_links``.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell import csvsafe
from groundswell.actions import health_dashboard as mq
from groundswell.actions.accounts import linked_person
from groundswell.actions.measures import do_record_survey, outcome_csv, outcome_report
from groundswell.actions.wellbeing_norms import movement_norms
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.measures import instruments as ins
from groundswell.measures import suppression
from groundswell.web import charts
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.ratelimit import rate_limit
from groundswell.web.survey_form import questions, read_answers, wording_of
from groundswell.web.templating import cell, render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _filters(gs: App, town: str | None, period: int | None) -> tuple[str | None, int]:
    period = period if period in mq.PERIODS else mq.DEFAULT_PERIOD
    return (town or None), period


def _board(gs: App, town: str | None, period: int) -> mq.Dashboard:
    with gs.reading() as session:
        board = mq.dashboard(session, town=town, period=period)
    if town is not None and town not in board.towns:
        raise NotFound(f"there is no town '{town}' among the movement's people; choose another")
    return board


@router.api_route("/measures", methods=["GET", "HEAD"])
async def dashboard(
    request: Request, gs: GsApp, town: str | None = None, period: Id | None = None
) -> HTMLResponse:
    town, period = _filters(gs, town, period)

    def load() -> dict[str, Any]:
        board = _board(gs, town, period)
        charts_svg = {
            ind.key: charts.line_svg(
                ind.months,
                [c.value for c in ind.cells],
                ident=f"chart-{ind.key}",
                title=f"{ind.title} by month",
            )
            for ind in board.indicators
        }
        outcome = outcome_report(gs, instrument="swemwbs", n_boot=500)
        norms = movement_norms(gs, town=town)
        return {"board": board, "charts": charts_svg, "outcome": outcome, "norms": norms}

    context = await anyio.to_thread.run_sync(load)
    return render(
        request, "measures/dashboard.html", periods=mq.PERIODS, show=cell,
        thresholds=(suppression.MIN_CELL, suppression.MIN_PAIRED), **context,
    )  # fmt: skip


def _csv(rows: list[list[str]], name: str) -> Response:
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/measures/dashboard.csv")
async def dashboard_csv(gs: GsApp, town: str | None = None, period: Id | None = None) -> Response:
    town, period = _filters(gs, town, period)
    board = await anyio.to_thread.run_sync(lambda: _board(gs, town, period))
    return _csv(mq.csv_rows(board), "movement-health.csv")


@router.get("/measures/outcomes.csv")
async def outcomes_csv(gs: GsApp) -> Response:
    report = await anyio.to_thread.run_sync(
        lambda: outcome_report(gs, instrument="swemwbs", n_boot=500)
    )
    return Response(
        outcome_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="wellbeing-change.csv"'},
    )


# --- the survey ---


def _survey_page(request: Request, ref: str | None, status: int = 200, **extra: Any) -> Response:
    gs: App = request.app.state.gs
    return render(
        request, "measures/survey.html", status, ref=ref, **questions(wording_of(gs)),
        errors=extra.pop("errors", {}), given=extra.pop("given", {}), **extra,
    )  # fmt: skip


@router.get("/measures/survey")
async def survey(request: Request, gs: GsApp, user: SignedInUser, saved: Id = 0) -> Response:
    ref = await anyio.to_thread.run_sync(lambda: linked_person(gs, user.user_id))
    return _survey_page(request, ref, saved=bool(saved))


@router.post("/measures/survey", dependencies=[rate_limit("submission")])
async def survey_answer(request: Request, gs: GsApp, user: SignedInUser) -> Response:
    form = await request.form()
    given = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    ref = await anyio.to_thread.run_sync(lambda: linked_person(gs, user.user_id))
    errors: dict[str, str] = {}
    if ref is None:
        errors["consent"] = "Your account is not linked to you in the movement; ask an organiser"
    # Without the licensed wording no SWEMWBS answer is read: none was asked.
    ons, swe = read_answers(given, wording_of(gs), errors)
    if given.get("consent") != "yes":
        errors["consent"] = "Tick the box to agree that your answers are stored, or leave the form"
    if not errors:
        assert ref is not None
        today = datetime.now(UTC).date()
        sets = [(ins.ONS4, ons)] + ([(ins.SWEMWBS, swe)] if swe is not None else [])
        try:
            for instrument, answers in sets:
                values = [int(x) for x in answers]
                await anyio.to_thread.run_sync(
                    partial(
                        do_record_survey, gs, person=ref, instrument=instrument,
                        answered_on=today, answers=values, consent=True, mode="online",
                        update=True,
                    )
                )  # fmt: skip
        except (InvalidInput, Conflict, ValueError) as exc:
            errors["consent"] = getattr(exc, "message", str(exc))
    if errors:
        return _survey_page(request, ref, 422, errors=errors, given=given)
    return RedirectResponse("/measures/survey?saved=1", status_code=303)
