"""Relationship surveys for organisers: create one, issue its links, read its answers, match names.

A survey asks its audience (everyone, or a town or team) who they talk to;
each question writes ties of its own kind (``health_talk``, ``energy``...).
Organisers and admins whose grants cover the survey's audience run it here:
a survey of a town needs a grant over that town, any other a movement-wide
one, as for creating a campaign. "Download links" issues a personal link to
everyone in the audience who has none yet (or, asked to, replaces them all)
and sends them as a CSV: the links are shown once, since only their hashes
are kept. A typed name that matched nobody waits on the survey's page with
the closest names on the roster; confirming one, adding the name as a new
person or dismissing it goes through ``actions.relationship_surveys``, which
writes the ties and audits the reads. Forms work without JavaScript.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell import csvsafe
from groundswell.actions import relationship_surveys as rs
from groundswell.auth.permissions import Action, Principal, Subject, can, require
from groundswell.errors import Conflict, GroundswellError, InvalidInput, NotFound
from groundswell.web.auth import SignedInUser
from groundswell.web.deps import GsApp
from groundswell.web.templating import cell
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

SURVEY_FIELDS = ("slug", "title", "intro", "town", "team")
QUESTION_FIELDS = ("text", "tie_kind", "max_answers")
MIN_ROWS, MAX_ROWS = 2, 12
# Which field an action's message is about ("title: enter ..." -> title).
FIELD_OF = {"slug": "slug", "title": "title", "intro": "intro", "town": "town", "team": "team",
            "questions": "text1", "tie kind": "tie_kind1"}  # fmt: skip
QUESTION_MESSAGE = re.compile(r"question (\d+)(?:, (tie kind|most answers))?")


def _may(user: Principal, town: str | None = None) -> None:
    """Organisers and admins over the audience: a town's grant for a town's survey, else ``*``."""
    require(user, Action.VIEW_PEOPLE, Subject(town=town or None))


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    base: dict[str, Any] = {"current_path": "/admin", "errors": {}, "error": None, "form": {},
                            "cell": cell}  # fmt: skip
    return render_page(request, template, status, **{**base, **context})


async def _summary(gs: GsApp, user: Principal, slug: str) -> rs.SurveySummary:
    """The survey, once the user may run it (404 for a survey that is not there)."""
    found = await anyio.to_thread.run_sync(lambda: rs.list_surveys(gs))
    survey = next((s for s in found if s.slug == slug), None)
    if survey is None:
        raise NotFound(f"there is no survey '{slug}'; see /admin/surveys")
    _may(user, survey.audience_town)
    return survey


@router.get("/admin/surveys")
async def surveys(request: Request, gs: GsApp, user: SignedInUser) -> HTMLResponse:
    require(user, Action.VIEW_PEOPLE)
    found = await anyio.to_thread.run_sync(lambda: rs.list_surveys(gs))
    # Only the surveys this account may run: a town's organiser sees that town's.
    mine = [s for s in found if can(user, Action.VIEW_PEOPLE, Subject(town=s.audience_town))]
    return _render(request, "surveys/admin_list.html", surveys=mine)


def _rows(form: dict[str, str], count: int) -> list[dict[str, str]]:
    return [{f: form.get(f"{f}{n}", "") for f in QUESTION_FIELDS} for n in range(1, count + 1)]


@router.get("/admin/surveys/new")
def new_page(request: Request, user: SignedInUser) -> HTMLResponse:
    require(user, Action.VIEW_PEOPLE)
    return _render(request, "surveys/admin_new.html", rows=MIN_ROWS)


def _questions(
    rows: list[dict[str, str]], errors: dict[str, str], numbers: list[int]
) -> list[rs.QuestionSpec]:
    """The filled rows as questions (their row numbers into ``numbers``); mistakes by field."""
    specs: list[rs.QuestionSpec] = []
    for n, row in enumerate(rows, start=1):
        text, kind, cap = (row[f].strip() for f in QUESTION_FIELDS)
        if not (text or kind or cap):
            continue
        if not text:
            errors[f"text{n}"] = f"Enter question {n}, or clear its other boxes"
        if not kind:
            errors[f"tie_kind{n}"] = (
                f"Enter the kind of link question {n} records, for example health_talk"
            )
        if cap and not (cap.isdigit() and 0 < int(cap) <= 50):
            errors[f"max_answers{n}"] = (
                f"Enter a whole number from 1 to 50 for question {n}, or leave it empty"
            )
        elif text and kind:
            specs.append(
                rs.QuestionSpec(text=text, tie_kind=kind, max_answers=int(cap) if cap else None)
            )
            numbers.append(n)
    if not specs and not errors:
        errors["text1"] = "Enter at least one question"
    return specs


def _field_of(field: str, numbers: list[int]) -> str | None:
    """The form field an action's message is about: "question 2, tie kind" -> tie_kind<row>."""
    found = QUESTION_MESSAGE.fullmatch(field)
    if found is None:
        return FIELD_OF.get(field)
    index = int(found.group(1)) - 1
    row = numbers[index] if 0 <= index < len(numbers) else 1
    return {None: "text", "tie kind": "tie_kind", "most answers": "max_answers"}.get(
        found.group(2), "text"
    ) + str(row)


def _message(text: str) -> str:
    return text[:1].upper() + text[1:]


@router.post("/admin/surveys/new")
async def create(request: Request, gs: GsApp, user: SignedInUser) -> Response:
    require(user, Action.VIEW_PEOPLE)
    raw = await request.form()
    form = {name: str(value) for name, value in raw.items() if isinstance(value, str)}
    typed_rows = form.get("rows", "")[:2]
    count = min(max(int(typed_rows) if typed_rows.isdigit() else 0, MIN_ROWS), MAX_ROWS)
    if "more" in raw:
        return _render(request, "surveys/admin_new.html", form=form, rows=min(count + 1, MAX_ROWS))
    errors: dict[str, str] = {}
    numbers: list[int] = []
    specs = _questions(_rows(form, count), errors, numbers)
    town = form.get("town", "").strip() or None
    if not can(user, Action.VIEW_PEOPLE, Subject(town=town)):
        errors["town"] = ("Your grant covers only some towns: enter one of them"
                          if town is None else f"Your grant does not cover {town}")  # fmt: skip
    if errors:
        return _render(request, "surveys/admin_new.html", 422, form=form, rows=count, errors=errors)
    try:
        summary = await anyio.to_thread.run_sync(
            lambda: rs.do_create_survey(
                gs, slug=form.get("slug", "").strip(), title=form.get("title", "").strip(),
                questions=specs, intro=form.get("intro", "").strip(), audience_town=town,
                audience_team=form.get("team", "").strip() or None,
                both_ways=form.get("both_ways") == "yes", actor=user.email,
            )
        )  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        field, _, message = exc.message.partition(": ")
        name = _field_of(field, numbers)
        if name and message:
            errors[name] = _message(message)
            return _render(request, "surveys/admin_new.html", 422, form=form, rows=count,
                           errors=errors)  # fmt: skip
        return _render(request, "surveys/admin_new.html", 422, form=form, rows=count,
                       error=_message(exc.message))  # fmt: skip
    return RedirectResponse(f"/admin/surveys/{summary.slug}", status_code=303)


PENDING_SHOWN = 50  # waiting names on the page, most named first: each is scored on load
DONE = {"match": "matched", "add": "added as a new person", "dismiss": "dismissed"}


async def _survey_page(request: Request, gs: GsApp, survey: rs.SurveySummary, user: Principal,
                       status: int = 200, **context: Any) -> HTMLResponse:  # fmt: skip
    slug = survey.slug
    overview = await anyio.to_thread.run_sync(lambda: rs.survey_overview(gs, slug))
    pending = await anyio.to_thread.run_sync(
        lambda: rs.pending_names(gs, slug, actor=user.email, viewer=user, limit=PENDING_SHOWN)
    )
    return _render(request, "surveys/admin_survey.html", status, survey=survey,
                   overview=overview, pending=pending, pending_shown=PENDING_SHOWN,
                   **context)  # fmt: skip


@router.get("/admin/surveys/{slug}")
async def survey_page(request: Request, gs: GsApp, user: SignedInUser, slug: str) -> HTMLResponse:
    survey = await _summary(gs, user, slug)
    params = request.query_params
    what = params.get("done", "")
    done = (
        (DONE[what], params.get("name", "")[:120], params.get("ties", "")[:6])
        if what in DONE
        else None
    )
    return await _survey_page(request, gs, survey, user, done=done)


@router.post("/admin/surveys/{slug}/links.csv")
async def links(request: Request, gs: GsApp, user: SignedInUser, slug: str) -> Response:
    await _summary(gs, user, slug)
    reissue = (await request.form()).get("reissue") == "yes"
    issued = await anyio.to_thread.run_sync(
        lambda: rs.do_issue_links(gs, slug, actor=user.email, reissue=reissue)
    )
    base = gs.settings.base_url.rstrip("/")
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["person", "name", "town", "link"])
    writer.writerows([i.person_ref, i.display_name or "", i.town or "", f"{base}/s/{i.token}"]
                     for i in issued)  # fmt: skip
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="survey-{slug}-links-{stamp}.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


async def _resolve(request: Request, gs: GsApp, user: Principal, slug: str, what: str) -> Response:
    survey = await _summary(gs, user, slug)
    form = await request.form()
    name = str(form.get("name", "")).strip()[:120]
    person = str(form.get("person", "")).strip()[:64]
    town = str(form.get("town", "")).strip()[:80] or None
    try:
        if what == "match":
            ties = await anyio.to_thread.run_sync(
                lambda: rs.do_match(gs, slug, name, person, actor=user.email, viewer=user)
            )
        elif what == "add":
            await anyio.to_thread.run_sync(
                lambda: rs.do_add_person(gs, slug, name, actor=user.email, town=town, viewer=user)
            )
            ties = -1
        else:
            await anyio.to_thread.run_sync(lambda: rs.do_dismiss(gs, slug, name, actor=user.email))
            ties = -1
    except GroundswellError as exc:
        if exc.http_status in (401, 403):
            raise
        problem = _message(exc.message)
        return await _survey_page(request, gs, survey, user, 422, error=problem, done=None)
    counted = f"&ties={ties}" if ties >= 0 else ""
    back = f"/admin/surveys/{slug}?done={what}&name={quote(name)}{counted}#pending"
    return RedirectResponse(back, status_code=303)


@router.post("/admin/surveys/{slug}/match")
async def match(request: Request, gs: GsApp, user: SignedInUser, slug: str) -> Response:
    return await _resolve(request, gs, user, slug, "match")


@router.post("/admin/surveys/{slug}/add-person")
async def add_person(request: Request, gs: GsApp, user: SignedInUser, slug: str) -> Response:
    return await _resolve(request, gs, user, slug, "add")


@router.post("/admin/surveys/{slug}/dismiss")
async def dismiss(request: Request, gs: GsApp, user: SignedInUser, slug: str) -> Response:
    return await _resolve(request, gs, user, slug, "dismiss")
