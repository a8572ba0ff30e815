"""The web app factory: pages, JSON API, health check and static files over one App."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from groundswell.app import App
from groundswell.compute.warm import warm
from groundswell.web import auth, embedded_worker, errors
from groundswell.web.heavy import INLINE_SECONDS
from groundswell.web.inputs import InputGuard
from groundswell.web.routes import (
    about,
    account,
    account_email,
    admin,
    admin_campaigns,
    admin_imports,
    admin_invite,
    admin_outbox,
    admin_users,
    api,
    api_seeds,
    campaigns,
    conversations,
    conversations_admin,
    conversations_report,
    events,
    events_door,
    health,
    initiatives,
    join,
    listening,
    listening_comments,
    listening_notes,
    measures,
    memberships,
    network_picture,
    network_seeds,
    network_spread,
    notifications,
    pages,
    pledges,
    roles,
    stories,
    stories_admin,
    surveys,
    surveys_admin,
    themes,
    themes_public,
    wellbeing_links,
)
from groundswell.web.security import SecurityHeaders
from groundswell.web.templating import STATIC_DIR, make_templates, vendor_present
from groundswell.web.votes import VoteShortcut

API_PREFIX = "/api/v1"


def create_app(app: App | None = None) -> FastAPI:
    """Build the FastAPI application over ``app`` (``App.build()`` when none is given).

    The App is kept in ``fastapi_app.state.gs``; an App built here is closed
    when the server stops, one passed in is left to its owner.
    """
    owned = app is None
    gs = App.build() if app is None else app

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            gs.close()

    web = FastAPI(
        title="Groundswell API",
        summary="Read the movement's counts, conversations and initiatives.",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by routes.api from vendored Swagger UI (CSP: self only)
        redoc_url=None,
        lifespan=lifespan,
        # No OpenTelemetry here: skip FastAPI's per-request check for a tracer or meter.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    web.state.gs = gs
    web.state.templates = make_templates(vendor=vendor_present(), brand=gs.settings)
    web.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    web.include_router(health.router)
    web.include_router(api.router, prefix=API_PREFIX)
    web.include_router(api_seeds.router, prefix=API_PREFIX)
    web.include_router(account.api_router, prefix=API_PREFIX)
    web.include_router(campaigns.router)
    web.include_router(measures.router)
    web.include_router(wellbeing_links.router)
    web.include_router(pages.router)
    web.include_router(about.router)
    web.include_router(initiatives.router)
    web.include_router(events_door.router)  # /events/new before /events/{slug}
    web.include_router(events.router)
    web.include_router(join.router)
    web.include_router(themes.router)  # /listening/themes before /listening/{slug}
    web.include_router(themes_public.router)
    web.include_router(listening_comments.router)  # /listening/comments before /{slug}
    web.include_router(listening_notes.router)
    web.include_router(listening.router)
    web.include_router(network_picture.router)
    web.include_router(network_spread.router)
    web.include_router(network_seeds.router)
    web.include_router(roles.router)
    web.include_router(stories.router)
    web.include_router(stories_admin.router)
    web.include_router(surveys.router)
    web.include_router(surveys_admin.router)
    web.include_router(account.router)
    for organising in (admin, admin_campaigns, admin_imports, admin_users, memberships, pledges):
        web.include_router(organising.router)
    web.include_router(account_email.router)
    web.include_router(admin_invite.router)
    web.include_router(admin_outbox.router)
    web.include_router(notifications.router)
    web.include_router(conversations_admin.router)  # /conversations/new before /{slug}
    web.include_router(conversations.router)
    web.router.routes.insert(0, conversations.VOTE_ROUTE)  # the busiest request, matched first
    web.include_router(conversations_report.router)
    errors.install(web)
    auth.install(web)  # sessions, CSRF and rate limits, inside the security headers
    web.add_middleware(InputGuard)  # NUL bytes, too many fields, unreadable forms: 400
    web.add_middleware(SecurityHeaders, hsts_seconds=gs.settings.hsts_seconds)
    web.add_middleware(VoteShortcut)  # outermost: a plain vote skips the rest (web.votes)
    return web


def serve_app() -> FastAPI:
    """The app as ``groundswell serve`` runs it: ``create_app()`` with its startup heap frozen.

    Startup leaves about 180,000 long-lived objects (numba, scipy, SQLAlchemy,
    the routes). Python's full (oldest-generation) collection walks all of
    them: 110 ms on an idle machine, and under a steady stream of votes it ran
    every few seconds and paused the server for 120-180 ms each time, most of
    the vote latency's tail. ``gc.freeze`` moves everything alive now out of the collector's
    reach, so later collections walk only what requests create (the Python
    docs recommend it after start-up: library/gc.html#gc.freeze). Garbage is
    collected first so none of it is kept for good. Tests build apps with
    ``create_app`` and are left alone: freezing there would keep each test's
    apps forever.
    """
    web = create_app()
    # No mail server: this process writes the outbox's .eml files itself (web.embedded_worker).
    embedded_worker.start(web.state.gs)
    # Load (or, on a fresh install, compile) every kernel the pages use before
    # this process takes requests: the first "Find the 3%" or roles page would
    # otherwise wait for it (compute/warm.py).
    warm()
    # Kernels loaded: a network answer taking over a second now shows a progress page.
    web.state.heavy_inline_seconds = INLINE_SECONDS
    gc.collect()
    gc.freeze()
    return web
