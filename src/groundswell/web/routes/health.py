"""``/healthz``: is the database reachable, and is its schema at the newest revision?"""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from groundswell.store import migrate
from groundswell.web.deps import GsApp
from groundswell.web.schemas import Health

router = APIRouter(include_in_schema=False)
log = logging.getLogger("groundswell.web")


def check_health(gs: GsApp) -> Health:
    head = migrate.head_revision(gs.engine)
    try:
        revision = migrate.current_revision(gs.engine)
    except SQLAlchemyError as exc:
        log.error("health check: database unreachable: %s", exc)
        return Health(
            status="error",
            database_reachable=False,
            revision=None,
            head=head,
            at_head=False,
            detail="database unreachable",
        )
    at_head = revision == head
    return Health(
        status="ok" if at_head else "error",
        database_reachable=True,
        revision=revision,
        head=head,
        at_head=at_head,
        detail=None if at_head else "database schema is behind; run 'groundswell init'",
    )


@router.api_route("/healthz", methods=["GET", "HEAD"], response_model=Health)
def healthz(gs: GsApp) -> JSONResponse:
    health = check_health(gs)
    status = 200 if health.status == "ok" else 503
    return JSONResponse(health.model_dump(), status_code=status)
