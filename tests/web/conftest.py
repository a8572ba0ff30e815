"""Web fixtures: the FastAPI app over a small movement, and an in-process HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sample_movement import add_sample_movement

from groundswell.app import App
from groundswell.web import create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def expected(app: App) -> dict[str, int]:
    """The counts of the sample movement written into ``app``'s database."""
    return add_sample_movement(app)


@pytest.fixture
def web(app: App, expected: dict[str, int]) -> FastAPI:
    return create_app(app)


@pytest.fixture
async def client(web: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: a 500 comes back as the response a browser would get.
    transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
