"""No page, CSV download or API answer reveals a figure for a town of fewer than 10 people.

The movement has Bigtown (15 people), Midtown (10) and Smallville (4), each of whom walked,
answered SWEMWBS twice, voted and told a story this month. The test walks
every GET page and API route the app has (as an admin, who sees the most),
with and without ``town=Smallville``, plus every dashboard period and CSV,
and checks that wherever Smallville is named no number stands beside it, and
that Smallville's own dashboard shows nothing but suppressed cells.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from auth_helpers import add_users, client_for, fast_hashing  # noqa: F401
from fastapi import FastAPI
from fastapi.routing import APIRoute
from towns_movement import CAMPAIGN, SMALL, add_towns

from groundswell.actions import health_dashboard as mq
from groundswell.app import App
from groundswell.measures import suppression as sup
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
# Pages that act rather than report, or answer only one person about themselves; and
# the "who to ask" list, which names people (one row each, with their own ties) to an
# organiser allowed to see them, audited: not a figure about a town (the page's CSV and
# the API's JSON of the same list).
SKIP = {
    "/sign-in",
    "/sign-out",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/healthz",
    "/network/seeds.csv",
    "/api/v1/seeds",
}
REASONS = (sup.SMALL_CELL, sup.FEW_PAIRED, "suppressed (&lt;10)", "suppressed (&lt;30 paired)")
EXTRA = [
    f"/campaigns/{CAMPAIGN}",
    f"/campaigns/{CAMPAIGN}/progress.csv",
    "/measures/outcomes.csv",
    *[f"/measures?town={SMALL}&period={p}" for p in mq.PERIODS],
    *[f"/measures/dashboard.csv?town={SMALL}&period={p}" for p in mq.PERIODS],
]


def _plain(text: str) -> str:
    for reason in REASONS:
        text = text.replace(reason, "")
    # The period chosen ("last 12 months") is not a figure about the town.
    return re.sub(r"\b\d+ months\b", "", text.replace(SMALL, ""))


def _html_leaks(html: str) -> list[str]:
    """Table rows, list items and terms that name Smallville beside a number."""
    leaks = []
    for block in re.findall(r"<(tr|li|dd|p)\b[^>]*>(.*?)</\1>", html, re.S):
        inner = block[1]
        if SMALL in inner and "<option" not in inner:
            text = _plain(re.sub(r"<[^>]+>", " ", inner))
            if re.search(r"\d", text):
                leaks.append(" ".join(text.split())[:200])
    return leaks


def _json_leaks(value: Any) -> list[str]:
    leaks: list[str] = []
    if isinstance(value, dict):
        named = any(
            SMALL in str(k) or (isinstance(v, str) and SMALL in v) for k, v in value.items()
        )
        for k, v in value.items():
            if named and isinstance(v, int | float) and not isinstance(v, bool):
                leaks.append(f"{k}={v}")
            if SMALL in str(k) and v not in (None, {}) and not isinstance(v, str):
                leaks.append(f"{k}={v}")
            leaks += _json_leaks(v)
    elif isinstance(value, list):
        for v in value:
            leaks += _json_leaks(v)
    return leaks


def _csv_leaks(text: str) -> list[str]:
    """Cells that are numbers (or intervals) in rows naming Smallville, the period aside."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    leaks = []
    for row in rows[1:]:
        if not any(SMALL in c for c in row):
            continue
        for name, cell in zip(header, row, strict=False):
            if name != "period_months" and re.fullmatch(r"[\[\]\d,. -]*\d[\[\]\d,. -]*", cell):
                leaks.append(f"{name}={cell} in {','.join(row)}")
    return leaks


@pytest.fixture
def towns(app: App) -> FastAPI:
    add_towns(app)
    add_users(app)
    return create_app(app)


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every route with its full path, through included routers (old and new FastAPI)."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found += _routes(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            found.append((prefix + route.path, route.methods))
    return found


def _get_paths(web: FastAPI) -> list[str]:
    return sorted(
        {p for p, methods in _routes(web.routes) if "GET" in methods and "{" not in p} - SKIP
    )


async def test_no_output_reveals_a_small_town(towns: FastAPI):
    paths = _get_paths(towns)
    assert "/measures" in paths and "/api/v1/stats" in paths and "/campaigns" in paths
    walked = named = 0
    async for client in client_for(towns, "admin"):
        for path in [*paths, *[f"{p}?town={SMALL}" for p in paths], *EXTRA]:
            response = await client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            kind = response.headers.get("content-type", "")
            if "json" in kind:
                leaks = _json_leaks(json.loads(response.text))
            elif "csv" in kind:
                leaks = _csv_leaks(response.text)
            else:
                leaks = _html_leaks(response.text)
            assert not leaks, f"{path} shows a figure for {SMALL}: {leaks[:3]}"
            walked += 1
            named += SMALL in response.text
    assert walked >= 2 * len(paths)
    assert named >= 10  # the town is named (filters, by-town rows), just never with a figure


async def test_small_towns_dashboard_and_csv_are_all_suppressed(towns: FastAPI):
    async for client in client_for(towns, "anonymous"):
        for period in mq.PERIODS:
            page = (await client.get("/measures", params={"town": SMALL, "period": period})).text
            latest = re.findall(r'data-latest="\w+"><strong>([^<]*)</strong>', page)
            assert len(latest) == len(mq.TITLES) and set(latest) == {"suppressed (&lt;10)"}
            cells = re.findall(r'nhsuk-table__cell--numeric">([^<]*)<', page)
            assert cells and all(
                "suppressed" in c or c.startswith("[") for c in cells[: len(mq.TITLES) * period]
            )
            download = await client.get(
                "/measures/dashboard.csv", params={"town": SMALL, "period": period}
            )
            rows = list(csv.DictReader(io.StringIO(download.text)))
            assert len(rows) == len(mq.TITLES) * period
            assert {r["value"] for r in rows} == {sup.SMALL_CELL}


def test_the_detectors_find_a_leak():
    assert _html_leaks(f"<table><tr><th>{SMALL}</th><td>4</td></tr></table>")
    assert not _html_leaks(f"<tr><th>{SMALL}</th><td>suppressed (&lt;10)</td></tr>")
    assert _json_leaks({"towns": [{"town": SMALL, "people": 4}]})
    assert _json_leaks({"by_town": {SMALL: 4}})
    assert not _json_leaks({"town": SMALL, "people": None})
    assert _csv_leaks(f"group,people\ntown: {SMALL},4\n")
    assert _csv_leaks(f'group,t_ci\ntown: {SMALL},"[1.2, 3.4]"\n')
    assert not _csv_leaks(f"group,people\ntown: {SMALL},suppressed (<10)\n")
