"""'What we heard': the live report of a conversation, its CSV, and its charts as inline SVG.

The charts are drawn here as SVG numbers (no JavaScript, nothing external, so
the content security policy holds and they print); every chart has a table
with the same numbers next to it. The report itself comes from
``actions.conversation_report``; the one query here (the newest vote and the
statements' statuses) only names the cached answer, so it is never older
than either.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from groundswell.actions.conversation_report import Report, report, report_csv
from groundswell.measures.suppression import MIN_CELL
from groundswell.store.models import Statement, Vote
from groundswell.web.deps import GsApp
from groundswell.web.heavy import answer, shared_key
from groundswell.web.routes.conversations import may_moderate
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

# NHS.UK palette colours, distinguishable and with 3:1 contrast on white.
COLOURS = ["#005eb8", "#d5281b", "#007f3b", "#330072", "#ed8b00", "#00a499", "#7c2855"]
COLOUR_NAMES = ["blue", "red", "green", "purple", "orange", "aqua green", "plum"]
UNGROUPED = "#768692"
MAP_SIZE, MAP_PAD = 320, 12
BARS_W, BARS_H, MAX_BARS = 640, 180, 60


def colour(group: int) -> str:
    return UNGROUPED if group < 0 else COLOURS[group % len(COLOURS)]


def opinion_map(points: list[tuple[float, float, int]]) -> list[dict[str, Any]]:
    """Participant dots scaled into the square map (same scale on both axes, centred)."""
    if not points:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = MAP_SIZE - 2 * MAP_PAD
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [
        {
            "x": round(MAP_SIZE / 2 + (x - cx) / span * inner, 1),
            "y": round(MAP_SIZE / 2 - (y - cy) / span * inner, 1),
            "fill": colour(g),
        }
        for x, y, g in points
    ]


def participation(per_day: list[tuple[date, int]]) -> tuple[str, list[tuple[str, int]]]:
    """Votes per day, or per month once there are more than ``MAX_BARS`` days."""
    if len(per_day) <= MAX_BARS:
        return "day", [(d.isoformat(), n) for d, n in per_day]
    months: Counter[str] = Counter()
    for d, n in per_day:
        months[f"{d:%Y-%m}"] += n
    return "month", sorted(months.items())


def bars(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    top = max(n for _, n in rows) or 1
    width = BARS_W / len(rows)
    return [
        {
            "x": round(i * width + width * 0.1, 1),
            "width": round(max(width * 0.8, 1.0), 1),
            "height": round(n / top * (BARS_H - 10), 1),
            "y": round(BARS_H - n / top * (BARS_H - 10), 1),
            "label": label,
            "votes": n,
        }
        for i, (label, n) in enumerate(rows)
    ]


def _context(r: Report) -> dict[str, Any]:
    unit, rows = participation(r.per_day)
    for g in r.groups:
        g["colour"], g["colour_name"] = colour(g["id"]), COLOUR_NAMES[g["id"] % len(COLOURS)]
    ungrouped = sum(1 for p in r.points if p[2] == -1)
    return {
        "report": r,
        "conversation": r.conversation,
        "dots": opinion_map(r.points),
        "map_size": MAP_SIZE,
        "min_cell": MIN_CELL,
        "ungrouped": ungrouped,
        "unit": unit,
        "participation": rows,
        "bars": bars(rows),
        "bars_w": BARS_W,
        "bars_h": BARS_H,
    }


def votes_and_statements(gs: GsApp) -> tuple[Any, ...]:
    """The newest vote and how many statements have each status: a new vote or a
    moderator's decision makes a new question, so the report is never older than either."""
    with gs.reading() as session:
        newest = session.scalar(select(func.max(Vote.id)))
        statuses = session.execute(
            select(Statement.status, func.count()).group_by(Statement.status)
        ).all()
    return (newest, *sorted((str(s), int(n)) for s, n in statuses))


def report_off_the_request_path(request: Request, gs: GsApp, slug: str) -> Report | Response:
    # Not limited per address: in a live meeting every new vote makes a new question, and
    # the shared job and the heavy-answer queue bound the work (web.heavy). The report is
    # the same for every viewer and query, so neither is in the key: junk parameters
    # cannot start new computations.
    key = shared_key("conversation-report", slug, votes_and_statements(gs))
    return answer(
        request, key, lambda: report(gs, slug), ttl=60.0, title="Working out what we heard",
        limited=False,
    )  # fmt: skip


@router.get("/conversations/{slug}/report")
async def report_page(request: Request, gs: GsApp, slug: str) -> Response:
    r = await anyio.to_thread.run_sync(lambda: report_off_the_request_path(request, gs, slug))
    if isinstance(r, Response):
        return r
    moderate = await anyio.to_thread.run_sync(lambda: may_moderate(request, gs, slug))
    return render(request, "conversations/report.html", may_moderate=moderate, **_context(r))


@router.get("/conversations/{slug}/report.csv")
async def report_download(gs: GsApp, slug: str) -> Response:
    r = await anyio.to_thread.run_sync(lambda: report(gs, slug))
    return Response(
        report_csv(r),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{slug}-report.csv"'},
    )
