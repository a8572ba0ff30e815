"""JSON API under ``/api/v1``: the same read models the pages show."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from groundswell.actions import public_summaries as queries
from groundswell.actions.summary_models import (
    CampaignSummary,
    ConversationSummary,
    InitiativeSummary,
    MeasuresSummary,
    NetworkSummary,
    Stats,
    StoriesSummary,
)
from groundswell.errors import NotFound
from groundswell.web.deps import ReadSession
from groundswell.web.schemas import ErrorDetail
from groundswell.web.templating import render

router = APIRouter(
    tags=["movement"],
    responses={503: {"model": ErrorDetail, "description": "database unavailable"}},
)
Limit = Annotated[int, Query(ge=1, le=queries.LIST_LIMIT, description="most items to return")]


@router.get("/stats", response_model=Stats, summary="Counts of everything in the movement")
def stats(session: ReadSession) -> Stats:
    return queries.stats(session)


@router.get("/conversations", response_model=list[ConversationSummary])
def conversations(session: ReadSession, limit: Limit = 100) -> list[ConversationSummary]:
    """Conversations, newest first, with participant, statement and vote counts."""
    return queries.conversations(session, limit)


@router.get(
    "/conversations/{slug}",
    response_model=ConversationSummary,
    responses={404: {"model": ErrorDetail, "description": "no conversation with that slug"}},
)
def conversation(slug: str, session: ReadSession) -> ConversationSummary:
    found = queries.conversations(session, 1, slug=slug)
    if not found:
        raise NotFound(f"no conversation '{slug}'; GET /api/v1/conversations lists them")
    return found[0]


@router.get("/initiatives", response_model=list[InitiativeSummary])
def initiatives(session: ReadSession, limit: Limit = 100) -> list[InitiativeSummary]:
    """Initiatives by name, with hand (grassroots or system) and power mode."""
    return queries.initiatives(session, limit)


@router.get("/campaigns", response_model=list[CampaignSummary])
def campaigns(session: ReadSession, limit: Limit = 100) -> list[CampaignSummary]:
    """Campaigns with the number of people logging and the running total."""
    return queries.campaigns(session, limit)


@router.get("/network", response_model=NetworkSummary)
def network(session: ReadSession) -> NetworkSummary:
    """People, ties and the spread of ties per person."""
    return queries.network(session)


@router.get("/measures", response_model=MeasuresSummary)
def measures(session: ReadSession) -> MeasuresSummary:
    """Wellbeing survey responses by instrument and mode of collection."""
    return queries.measures(session)


@router.get("/stories", response_model=StoriesSummary)
def stories(session: ReadSession) -> StoriesSummary:
    """Story counts by status and consent (never story text)."""
    return queries.stories(session)


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI from the vendored assets, started by a static script (CSP: self only)."""
    return render(request, "api_docs.html", openapi_url=request.app.openapi_url)
