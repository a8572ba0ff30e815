"""A relationship survey for the person asked: their own link, consent first, then who they talk to.

Each person gets a personal link (``/s/<token>``) and answers without an
account. The first step asks consent and nothing else; only then come the
questions ("Who do you talk to about your health?"), each a set of ticked
names. With JavaScript the name box searches the roster as you type
(``/s/<token>/roster``, htmx) and a chosen name is added as a ticked box;
without it the "Search names" button posts the whole form back and the page
comes again with the matches as boxes to tick, keeping every tick so far. A
name that is not on the list is typed in "Someone not on the list" and an
organiser matches it later. Writes go through ``actions.relationship_surveys``
(rate-limited and CSRF-protected like the other public forms). An unknown
token gets a plain "this link does not work" page; a used one says thank you.
The pages show the respondent's name, so no browser or proxy may keep them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions import relationship_surveys as rs
from groundswell.app import App
from groundswell.errors import GroundswellError
from groundswell.web.deps import GsApp
from groundswell.web.ratelimit import rate_limit
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

MAX_QUERY = 80
MAX_TYPED = 120  # characters in one typed name
MAX_TYPED_NAMES = 20  # typed names per question
# Typed names are split on commas, semicolons and new lines ("Jo Bloggs, Sam Smith").
_SEPARATORS = re.compile(r"[,;\n]+")


def _private(response: Response) -> Response:
    """The pages name the respondent: kept by no cache, listed by no search engine."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return _private(render(request, template, status, **context))


def _unknown(request: Request) -> Response:
    return _page(request, "surveys/unknown.html", 404)


async def _open(gs: App, token: str) -> rs.LinkView | None:
    if not token or len(token) > 128:
        return None
    return await anyio.to_thread.run_sync(lambda: rs.open_link(gs, token))


@router.api_route("/s/{token}", methods=["GET", "HEAD"])
async def survey(request: Request, gs: GsApp, token: str) -> Response:
    view = await _open(gs, token)
    if view is None:
        return _unknown(request)
    if view.answered:
        return _page(request, "surveys/answered.html", view=view, token=token,
                     sent=request.query_params.get("sent") == "1")  # fmt: skip
    if view.closed:
        return _page(request, "surveys/closed.html", view=view)
    if not view.consented:
        return _page(request, "surveys/consent.html", view=view, token=token, errors={})
    return _questions(request, view, token, Answers.empty(view))


@router.post("/s/{token}/consent", dependencies=[rate_limit("submission")])
async def consent(request: Request, gs: GsApp, token: str) -> Response:
    view = await _open(gs, token)
    if view is None:
        return _unknown(request)
    if view.answered or view.closed:
        return RedirectResponse(f"/s/{token}", status_code=303)
    choice = str((await request.form()).get("consent", ""))
    if choice not in ("yes", "no"):
        errors = {"consent-yes": "Choose yes if you agree to take part, or no if you do not"}
        return _page(request, "surveys/consent.html", 422, view=view, token=token, errors=errors)
    await anyio.to_thread.run_sync(lambda: rs.do_record_consent(gs, token, consent=choice == "yes"))
    if choice == "no":
        return _page(request, "surveys/declined.html", view=view, token=token)
    return RedirectResponse(f"/s/{token}", status_code=303)


@dataclass
class Answers:
    """What the form holds per question: ticked people, their labels, typed names, searches."""

    picks: dict[int, list[str]]  # question id -> "ref:<person>" ticked, in order
    labels: dict[str, str]  # "ref:<person>" -> "Name, Town", to show a tick again
    typed: dict[int, str]  # question id -> "someone not on the list", as typed
    finds: dict[int, str]  # question id -> the name box's text

    @classmethod
    def empty(cls, view: rs.LinkView) -> Answers:
        ids = [q.id for q in view.questions]
        return cls({i: [] for i in ids}, {}, dict.fromkeys(ids, ""), dict.fromkeys(ids, ""))

    @classmethod
    def from_form(cls, view: rs.LinkView, form: Mapping[str, Any]) -> Answers:
        answers = cls.empty(view)
        getlist = getattr(form, "getlist", lambda name: [form[name]] if name in form else [])
        for question in view.questions:
            i = question.id
            seen: list[str] = []
            for value in getlist(f"q{i}"):
                ref = str(value)
                if ref.startswith("ref:") and ref not in seen and len(ref) <= 80:
                    seen.append(ref)
            answers.picks[i] = seen
            answers.typed[i] = str(form.get(f"other{i}", ""))[: MAX_TYPED * MAX_TYPED_NAMES]
            answers.finds[i] = str(form.get(f"find{i}", "")).strip()[:MAX_QUERY]
        for name, value in form.items():
            if name.startswith("label-ref:") and len(name) <= 90:
                answers.labels.setdefault(name.removeprefix("label-"), str(value)[:200])
        return answers

    def typed_names(self, question_id: int) -> list[str]:
        names = (n.strip()[:MAX_TYPED] for n in _SEPARATORS.split(self.typed[question_id]))
        return [n for n in names if n][:MAX_TYPED_NAMES]

    def entries(self) -> dict[int, list[str]]:
        """Question id -> ``ref:<person>`` picks and typed names, as ``do_answer`` takes them."""
        return {i: [*self.picks[i], *self.typed_names(i)] for i in self.picks}


def _questions(request: Request, view: rs.LinkView, token: str, answers: Answers,
               status: int = 200, **context: Any) -> Response:  # fmt: skip
    base: dict[str, Any] = {"found": {}, "error": None}
    return _page(request, "surveys/questions.html", status, view=view, token=token,
                 answers=answers, **{**base, **context})  # fmt: skip


def _search(gs: App, token: str, answers: Answers) -> dict[int, Sequence[rs.RosterEntry] | None]:
    """Matches for each question's name box; None where fewer than 2 letters were typed."""
    found: dict[int, Sequence[rs.RosterEntry] | None] = {}
    for question_id, query in answers.finds.items():
        if not query:
            continue
        if len(query) < 2:
            found[question_id] = None
            continue
        picked = set(answers.picks[question_id])
        entries = rs.roster_search(gs, token, query)
        found[question_id] = [e for e in entries if f"ref:{e.ref}" not in picked]
    return found


@router.post("/s/{token}", dependencies=[rate_limit("submission")])
async def answer(request: Request, gs: GsApp, token: str) -> Response:
    view = await _open(gs, token)
    if view is None:
        return _unknown(request)
    if view.answered or view.closed or not view.consented:
        return RedirectResponse(f"/s/{token}", status_code=303)
    form = await request.form()
    answers = Answers.from_form(view, form)
    if "search" in form:
        found = await anyio.to_thread.run_sync(lambda: _search(gs, token, answers))
        focus = str(form.get("search", ""))
        return _questions(request, view, token, answers, found=found, focus=focus)
    try:
        await anyio.to_thread.run_sync(lambda: rs.do_answer(gs, token, answers.entries()))
    except GroundswellError as exc:
        return _questions(request, view, token, answers, 422, error=exc.message)
    return RedirectResponse(f"/s/{token}?sent=1", status_code=303)


@router.post("/s/{token}/withdraw", dependencies=[rate_limit("submission")])
async def withdraw(request: Request, gs: GsApp, token: str) -> Response:
    """Take part no more: the names given and the links made from them are deleted."""
    view = await _open(gs, token)
    if view is None:
        return _unknown(request)
    if view.consented:
        await anyio.to_thread.run_sync(lambda: rs.do_withdraw(gs, token))
    return _page(request, "surveys/declined.html", view=view, token=token, withdrawn=True)


@router.get("/s/{token}/roster", dependencies=[rate_limit("lookup")])
async def roster(request: Request, gs: GsApp, token: str, question: int = 0) -> Response:
    """Names matching what was typed in one question's box: the htmx type-ahead's list."""
    view = await _open(gs, token)
    if view is None or view.answered or view.closed or not view.consented:
        return _private(HTMLResponse("", status_code=404))
    ids = {q.id for q in view.questions}
    if question not in ids:
        question = min(ids)
    params = request.query_params
    query = (params.get(f"find{question}") or params.get("q") or "").strip()[:MAX_QUERY]
    entries = None
    if len(query) >= 2:
        picked = set(params.getlist(f"q{question}"))
        found = await anyio.to_thread.run_sync(lambda: rs.roster_search(gs, token, query))
        entries = [e for e in found if f"ref:{e.ref}" not in picked]
    return _page(request, "surveys/_roster.html", question_id=question, query=query,
                 entries=entries, token=token)  # fmt: skip


@router.get("/s/{token}/pick", dependencies=[rate_limit("lookup")])
async def pick(request: Request, gs: GsApp, token: str, question: int, ref: str) -> Response:
    """One chosen name as a ticked box, for htmx to add to that question's picks."""
    view = await _open(gs, token)
    if view is None or view.answered or view.closed or not view.consented or len(ref) > 64:
        return _private(HTMLResponse("", status_code=404))
    name = request.query_params.get("name", "")[:MAX_QUERY]
    # The roster says who this is: a crafted link cannot put words in the page.
    entries = await anyio.to_thread.run_sync(lambda: rs.roster_search(gs, token, name, limit=50))
    entry = next((e for e in entries if e.ref == ref), None)
    if entry is None or question not in {q.id for q in view.questions}:
        return _private(HTMLResponse("", status_code=404))
    return _page(request, "surveys/_chip.html", question_id=question, entry=entry,
                 swap_result=True)  # fmt: skip
