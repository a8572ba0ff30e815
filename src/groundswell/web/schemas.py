"""Response models of the JSON API (``/api/v1``) that belong to the web itself.

The movement's summaries are ``actions.summary_models``: the actions return
them, the API answers with them and the pages render them.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str = Field(description="ok, or error when the database is unreachable or behind")
    database_reachable: bool
    revision: str | None = Field(description="schema revision of the database")
    head: str | None = Field(description="newest schema revision this code knows")
    at_head: bool
    detail: str | None = None


class ErrorDetail(BaseModel):
    detail: str
