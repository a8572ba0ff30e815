"""Organisers' themes pages: find themes across sources, read one, curate it.

``/listening/themes`` shows the current run's themes (filtered by source and
town) and the "Find themes" form; ``/listening/themes/<id>`` one theme with
its quotes, sources and texts, and the forms to rename, merge, split, move a
text and link it to an initiative. Themes read what people said across the
whole movement, so these pages need an organiser (or admin) grant over the
whole movement (``*``); each view of texts writes one audit row.

Finding themes runs the engine off the request thread on the shared pool of
``web.heavy``: the form posts, the run starts as a job of its own, and the
browser is sent to ``/listening/themes/run?job=...``, which shows the
"working it out" page (htmx polls it; without JavaScript it has a refresh
link) until the run is written, then goes back to the themes. Every form is a
plain POST with a CSRF token (post-redirect-get).
"""

from __future__ import annotations

import threading
import uuid
import weakref
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from groundswell.actions.audit import do_record_access
from groundswell.actions.themes_curation import (
    do_link_initiative,
    do_merge,
    do_move_item,
    do_rename,
    do_split,
    do_unlink_initiative,
)
from groundswell.actions.themes_gather import SOURCE_NAMES, SOURCES, check_sources
from groundswell.actions.themes_runs import RunSummary, current_themes, do_run_themes
from groundswell.actions.themes_views import theme_detail
from groundswell.app import App
from groundswell.auth.permissions import Action, Principal, SignInRequired, scopes_for
from groundswell.errors import Conflict, GroundswellError, InvalidInput, NotFound, PermissionDenied
from groundswell.store.models.base import MAX_INT
from groundswell.web.auth import get_principal
from groundswell.web.deps import GsApp
from groundswell.web.heavy import HeavyWork, answer, heavy_work, shared_key
from groundswell.web.inputs import Id
from groundswell.web.templating import render as render_page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
RUN_TTL = 600.0
MOST_THEMES = 200
MESSAGE_MOST = 200  # a done/error message read back from the query string
# The run being worked out, per pool: a second press joins it rather than queue another.
_pending: weakref.WeakKeyDictionary[HeavyWork, str] = weakref.WeakKeyDictionary()
_PENDING_LOCK = threading.Lock()
STEPS = ("rename", "merge", "split", "move", "link", "unlink")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render_page(request, template, status, **{"current_path": "/listening", **context})


def organiser(request: Request) -> Principal:
    """A signed-in organiser or admin over the whole movement (sign in, or 403, otherwise)."""
    principal = get_principal(request)
    if principal is None:
        raise SignInRequired("sign in to read and curate themes")
    if not scopes_for(principal, Action.VIEW_PEOPLE).everything:
        raise PermissionDenied("themes read the whole movement: only movement-wide organisers "
                               "and admins may read and curate them")  # fmt: skip
    return principal


def _query(**values: Any) -> str:
    return urlencode({k: v for k, v in values.items() if v not in (None, "")}, doseq=True)


@router.get("/listening/themes")
def themes_page(
    request: Request,
    gs: GsApp,
    source: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI reads, never mutates)
    town: str = "",
    done: str = "",
    error: str = "",
) -> HTMLResponse:
    who = organiser(request)
    errors: dict[str, str] = {}
    try:
        chosen = check_sources(source)
    except InvalidInput as exc:
        chosen, errors["source"] = set(SOURCES), exc.message
    found = current_themes(gs, sources=chosen, town=town)
    do_record_access(gs, who.email, "themes.list", "theme_run",
                     found.run.id if found.run else None,
                     {"themes": len(found.themes), "town": town or None})  # fmt: skip
    return render(request, "themes/index.html", found=found, chosen=chosen, town=town,
                  sources=SOURCES, names=SOURCE_NAMES, done=done[:MESSAGE_MOST],
                  error=error[:MESSAGE_MOST],
                  errors=errors)  # fmt: skip


def _run_work(gs: App, sources: set[str], seed: int, n: int | None, who: str) -> RunSummary:
    return do_run_themes(gs, sources=sources, seed=seed, n_themes=n, actor=who)


@router.post("/listening/themes/run")
def start_run(
    request: Request,
    gs: GsApp,
    source: Annotated[list[str], Form()] = [],  # noqa: B006
    themes: Annotated[str, Form()] = "",
    seed: Annotated[str, Form()] = "0",
) -> Response:
    who = organiser(request)
    try:
        chosen = check_sources(source)
        n = (
            _number(themes, "number of themes", lowest=1, highest=MOST_THEMES)
            if themes.strip()
            else None
        )
        seed_value = _number(seed or "0", "seed", lowest=0)
    except InvalidInput as exc:
        return RedirectResponse(f"/listening/themes?{_query(error=exc.message)}", status_code=303)
    pool = heavy_work(request)
    with _PENDING_LOCK:
        # A press while a run is pending joins it; after that, each press is a run of its
        # own (a new key, so no cached answer is reused).
        key = _pending.get(pool, "")
        job = pool.job(key) if key else None
        if job is None or job.future.done():
            key = _pending[pool] = shared_key("themes-run", uuid.uuid4().hex)
            pool.submit(key, lambda: _run_work(gs, chosen, seed_value, n, who.email),
                        ttl=RUN_TTL, address=None)  # fmt: skip
    return RedirectResponse(f"/listening/themes/run?job={key}", status_code=303)


def _number(text: str, what: str, *, lowest: int, highest: int = MAX_INT) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInput(f"the {what} must be a whole number, e.g. 8") from None
    if not lowest <= value <= highest:
        raise InvalidInput(f"the {what} must be between {lowest} and {highest}")
    return value


def _gone() -> RunSummary:
    raise Conflict("that run is no longer being worked out; press Find themes again")


@router.get("/listening/themes/run")
def run_progress(request: Request, gs: GsApp, job: str = "") -> Response:
    organiser(request)
    found = heavy_work(request).job(job)
    if found is None:
        raise NotFound("no run is being worked out at this address: see the current themes "
                       "at /listening/themes")  # fmt: skip
    try:
        if found.future.done():  # finished: its answer or its error, never a new start
            result: RunSummary | Response = found.future.result()
        else:
            result = answer(request, job, _gone, title="Finding themes", limited=False)
    except GroundswellError as exc:
        return RedirectResponse(f"/listening/themes?{_query(error=exc.message)}", status_code=303)
    if isinstance(result, Response):
        return result
    done = f"Found {result.themes} themes in {result.texts} texts"
    return RedirectResponse(f"/listening/themes?{_query(done=done)}", status_code=303)


@router.get("/listening/themes/{theme_id}")
def theme_page(
    request: Request, gs: GsApp, theme_id: Id, done: str = "", error: str = ""
) -> HTMLResponse:
    who = organiser(request)
    detail = theme_detail(gs, theme_id)  # 404 when not in the current run
    do_record_access(gs, who.email, "themes.read", "theme", theme_id,
                     {"items": len(detail.items)})  # fmt: skip
    return render(request, "themes/theme.html", theme=detail, done=done[:MESSAGE_MOST],
                  error=error[:MESSAGE_MOST])  # fmt: skip


@router.post("/listening/themes/{theme_id}")
def curate(
    request: Request,
    gs: GsApp,
    theme_id: Id,
    step: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
    other: Annotated[str, Form()] = "",
    item: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "",
    initiative: Annotated[str, Form()] = "",
    what_changed: Annotated[str, Form()] = "",
) -> Response:
    who = organiser(request).email
    back = theme_id
    try:
        if step == "rename":
            do_rename(gs, theme_id, label, actor=who)
        elif step == "merge":
            do_merge(gs, theme_id, _id(other, "the theme to merge in"), actor=who)
        elif step == "split":
            new = do_split(gs, theme_id, actor=who)
            done = f"Split: the other part is theme {new}"
            return RedirectResponse(f"/listening/themes/{back}?{_query(done=done)}", 303)
        elif step == "move":
            target = None if to in ("", "none") else _id(to, "the theme to move it to")
            do_move_item(gs, _id(item, "the text"), target, actor=who)
        elif step == "link":
            do_link_initiative(gs, theme_id, initiative, what_changed, actor=who)
        elif step == "unlink":
            do_unlink_initiative(gs, theme_id, actor=who)
        else:
            raise InvalidInput(f"choose one of: {', '.join(STEPS)}")
    except (InvalidInput, Conflict, NotFound) as exc:
        return RedirectResponse(f"/listening/themes/{back}?{_query(error=exc.message)}", 303)
    return RedirectResponse(f"/listening/themes/{back}?{_query(done=step)}", status_code=303)


def _id(text: str, what: str) -> int:
    try:
        return _number(text, what, lowest=0)
    except InvalidInput:
        raise InvalidInput(f"choose {what}") from None
