"""Campaign pages: collective progress, logging today's amount on a phone, CSV download.

A signed-in user linked to a person (``groundswell users link``) logs their
own day; "today" is the campaign's local date. Without JavaScript the log
form posts and is redirected (303) back to the campaign page; with htmx the
progress block (confirmation, collective total, own streak) swaps in place.
Every collective figure comes from ``actions.campaigns.campaign_report``, so
the small-number rules of ``measures.suppression`` apply; the only personal
figures shown are the signed-in person's own. Two small reads stay here
because they only shape the form: the amount already logged today (to fill
the field in) and the campaign's time zone (which day "today" is).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from groundswell.actions.accounts import linked_person
from groundswell.actions.campaigns import (
    campaign_report,
    do_log_activity,
    list_campaigns,
    progress_csv,
)
from groundswell.app import App
from groundswell.auth.permissions import Principal
from groundswell.campaigns import streaks
from groundswell.errors import Conflict, InvalidInput
from groundswell.store.models import ActivityLog, Campaign, Person, utcnow
from groundswell.web import charts
from groundswell.web.auth import CurrentUser, SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.inputs import Id
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import cell, render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _today_amount(gs: App, slug: str, ref: str, today: date) -> float | None:
    with gs.reading() as session:
        return session.scalar(
            select(ActivityLog.amount)
            .join(Campaign, Campaign.id == ActivityLog.campaign_id)
            .join(Person, Person.id == ActivityLog.person_id)
            .where(Campaign.slug == slug, Person.ref == ref, ActivityLog.day == today)
        )


def _context(gs: App, slug: str, user: Principal | None) -> dict[str, Any]:
    ref = linked_person(gs, user.user_id) if user is not None else None
    report = campaign_report(gs, slug, person=ref)
    c, p = report.campaign, report.progress
    today = streaks.local_date(utcnow(), c.timezone)
    days = [d for d in p.days if not d.cumulative.suppressed]
    return {
        "report": report,
        "c": c,
        "p": p,
        "show": cell,  # the value with separators, or why it is hidden
        "today": today,
        "ref": ref,
        "mine": report.mine,
        "today_amount": _today_amount(gs, slug, ref, today) if ref else None,
        "open": c.starts_on <= today and (c.ends_on is None or today <= c.ends_on),
        # Outside its days a campaign says when it ran or will start, and takes no logs.
        "ended": c.ends_on is not None and c.ends_on < today,
        "upcoming": today < c.starts_on,
        "bar": charts.progress_svg(
            p.share_of_goal.value,
            ident="goal",
            title=f"Progress towards the group goal of {c.name}",
        ),
        "chart": charts.line_svg(
            [d.day.isoformat() for d in days],
            [d.cumulative.value for d in days],
            ident="running",
            title=f"Running total of {c.unit} by day",
        ),
        "shown_days": days,
    }


@router.api_route("/campaigns", methods=["GET", "HEAD"])
async def campaigns(request: Request, gs: GsApp) -> HTMLResponse:
    def load() -> list[Any]:
        return [(c, campaign_report(gs, c.slug).progress) for c in list_campaigns(gs)]

    rows = await anyio.to_thread.run_sync(load)
    return render(request, "campaigns/list.html", rows=rows, show=cell)


@router.api_route("/campaigns/{slug}", methods=["GET", "HEAD"])
async def campaign_page(
    request: Request, gs: GsApp, user: CurrentUser, slug: str, logged: Id = 0
) -> HTMLResponse:
    context = await anyio.to_thread.run_sync(lambda: _context(gs, slug, user))
    return render(request, "campaigns/page.html", logged=bool(logged), errors={}, **context)


@router.get("/campaigns/{slug}/progress.csv")
async def campaign_csv(gs: GsApp, slug: str) -> Response:
    report = await anyio.to_thread.run_sync(lambda: campaign_report(gs, slug))
    return Response(
        progress_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-progress.csv"'},
    )


@router.post("/campaigns/{slug}/log", dependencies=[rate_limit("submission")])
async def log_today(
    request: Request,
    gs: GsApp,
    user: SignedInUser,
    slug: str,
    amount: Annotated[str, Form()] = "",
) -> Response:
    htmx = request.headers.get("hx-request") == "true"
    problem = None
    try:
        value = float(amount.strip())
    except ValueError:
        problem = "Enter how much you did today as a number, for example 1 or 1.5"
    if problem is None:
        try:
            await anyio.to_thread.run_sync(lambda: _log(gs, slug, user.user_id, value))
        except (InvalidInput, Conflict) as exc:
            problem = exc.message
    if problem is not None:
        context = await anyio.to_thread.run_sync(lambda: _context(gs, slug, user))
        # htmx swaps only 2xx answers, so the in-place error comes back as 200.
        template, status = (
            ("campaigns/_progress.html", 200) if htmx else ("campaigns/page.html", 422)
        )
        return render(
            request, template, status, logged=False, errors={"amount": problem}, draft=amount,
            **context,
        )  # fmt: skip
    if htmx:
        context = await anyio.to_thread.run_sync(lambda: _context(gs, slug, user))
        return render(request, "campaigns/_progress.html", logged=True, errors={}, **context)
    return RedirectResponse(f"/campaigns/{slug}?logged=1", status_code=303)


def _log(gs: App, slug: str, user_id: int, amount: float) -> None:
    ref = linked_person(gs, user_id)
    if ref is None:
        raise InvalidInput(
            "your account is not linked to a person in the movement yet; "
            "ask an organiser to link it, then log your day"
        )
    # A second log today replaces the first: a slip of the thumb is corrected by logging again.
    do_log_activity(gs, campaign=slug, person=ref, day=_today(gs, slug), amount=amount,
                    origin="web", update=True)  # fmt: skip


def _today(gs: App, slug: str) -> date:
    with gs.reading() as session:
        tz = session.scalar(select(Campaign.timezone).where(Campaign.slug == slug))
    return streaks.local_date(utcnow(), tz or streaks.DEFAULT_TZ)
