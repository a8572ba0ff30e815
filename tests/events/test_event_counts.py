"""Events on the health dashboard: held, attending, first-timers and returners, suppressed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from groundswell.actions.attendance_sheet import do_import_attendance
from groundswell.actions.event_counts import month
from groundswell.actions.events import EventDetails, do_create_event
from groundswell.actions.health_dashboard import dashboard
from groundswell.app import App
from groundswell.measures import suppression as sup


def held(app: App, tmp_path: Path, slug: str, day: datetime, refs: list[str]) -> None:
    do_create_event(app, slug, EventDetails(title=slug, starts_at=day, town="Morecambe"),
                    actor="t")  # fmt: skip
    sheet = tmp_path / f"{slug}.csv"
    sheet.write_text("id\n" + "".join(f"{r}\n" for r in refs))
    do_import_attendance(app, slug, sheet, actor="t")


def test_first_timers_and_returners_by_month(
    db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None], tmp_path: Path
) -> None:
    add_people(db_app, [(f"p{i}", "Morecambe") for i in range(30)])
    held(db_app, tmp_path, "may-walk", datetime(2026, 5, 2, 10, tzinfo=UTC),
         [f"p{i}" for i in range(12)])  # fmt: skip
    held(db_app, tmp_path, "june-walk", datetime(2026, 6, 6, 10, tzinfo=UTC),
         [f"p{i}" for i in range(6, 30)])  # fmt: skip
    held(db_app, tmp_path, "june-talk", datetime(2026, 6, 20, 18, tzinfo=UTC),
         ["p0", "p29"])  # fmt: skip
    with db_app.reading() as s:
        june = month(s, date(2026, 6, 1), date(2026, 6, 30))
        board = dashboard(s, period=2, today=date(2026, 6, 30))
    assert june["events_held"] == {"Morecambe": (2.0, 25.0)}
    assert june["attending"] == {"Morecambe": (25.0,)}
    assert june["first_timers"] == {"Morecambe": (18.0,)}  # p12..p29
    assert june["returners"] == {"Morecambe": (7.0,)}  # p0, p6..p11
    shown = {i.key: [sup.show(c) for c in i.cells] for i in board.indicators}
    assert shown["events_held"] == ["1", "2"]
    assert shown["attending"] == ["12", "25"]
    assert shown["first_timers"] == ["12", "18"]
    # 0 returners in May is shown (nothing to hide); 7 in June is under 10: hidden.
    assert shown["returners"][1] != "7"
