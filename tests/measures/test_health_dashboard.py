"""The dashboard's figures give no small number away by subtraction, across towns or months."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from groundswell.actions import health_dashboard as mq
from groundswell.app import App
from groundswell.measures import suppression as sup
from groundswell.store.models import Person, Story

TODAY = date(2025, 6, 15)
MONTHS = ["Apr 2025", "May 2025", "Jun 2025"]
# town -> (day joined, how many); Heysham is the 30 then 31.
JOINED = {
    "Lancaster": [(date(2025, 3, 10), 40), (date(2025, 5, 3), 15)],
    "Heysham": [(date(2025, 4, 2), 30), (date(2025, 5, 20), 1)],
    "Carnforth": [(date(2025, 4, 9), 4)],
}
STORIES = {"Lancaster": 20, "Heysham": 12, "Carnforth": 3}  # told in June


def _store(gs: App) -> dict[str, dict[str, list[int]]]:
    """The movement, and its true figures: indicator -> town -> one per month."""
    at = lambda d: datetime(d.year, d.month, d.day, 12, tzinfo=UTC)  # noqa: E731
    with gs.transaction() as s:
        for town, batches in JOINED.items():
            people = [Person(ref=f"{town[:4]}{b}-{i}", town=town, joined_at=at(day))
                      for b, (day, n) in enumerate(batches) for i in range(n)]  # fmt: skip
            s.add_all(people)
            s.flush()
            s.add_all(Story(person_id=p.id, title="T", body="B", created_at=at(TODAY))
                      for p in people[: STORIES[town]])  # fmt: skip
    ends = mq.month_ends(TODAY, 3)
    truth: dict[str, dict[str, list[int]]] = {"participants": {}, "growth": {}, "stories": {}}
    for town, batches in JOINED.items():
        level = [sum(n for day, n in batches if day <= end) for end in ends]
        before = sum(n for day, n in batches if day < date(2025, 4, 1))
        truth["participants"][town] = level
        truth["growth"][town] = [b - a for a, b in zip([before, *level], level, strict=False)]
        truth["stories"][town] = [0, 0, STORIES[town]]
    return truth


def _figures(gs: App) -> dict[str | None, dict[str, list[sup.Cell]]]:
    with gs.reading() as session:
        boards = {t: mq.dashboard(session, town=t, period=3, today=TODAY)
                  for t in (None, *JOINED)}  # fmt: skip
    for board in boards.values():
        # The CSV download holds exactly the page's figures.
        rows = mq.csv_rows(board)[1:]
        shown = [sup.show(c) for ind in board.indicators for c in ind.cells]
        assert [r[2] for r in rows[: len(shown)]] == shown
        assert next(ind.months for ind in board.indicators) == MONTHS
    return {t: {ind.key: ind.cells for ind in b.indicators} for t, b in boards.items()}


def test_finding_5_all_towns_minus_the_shown_towns_gives_no_small_town(db_app: App) -> None:
    truth = _store(db_app)
    figures = _figures(db_app)
    for key, by_town in truth.items():
        for month in range(3):
            whole = figures[None][key][month]
            if whole.suppressed:
                continue
            assert whole.value == sum(v[month] for v in by_town.values())
            shown = {t: figures[t][key][month] for t in by_town}
            rest = whole.value - sum(c.value for c in shown.values() if not c.suppressed)
            hidden = [t for t, c in shown.items() if c.suppressed]
            for town in hidden:  # one subtraction never gives a small hidden town
                assert not (0 < by_town[town][month] < sup.MIN_CELL
                            and rest == by_town[town][month]), (key, month, town)  # fmt: skip
            assert not 0 < rest < sup.MIN_CELL or len(hidden) > 1, (key, month)
    carnforth = figures["Carnforth"]
    assert all(c.reason == sup.SMALL_CELL for cells in carnforth.values() for c in cells)
    # June's stories: Carnforth's 3 is hidden, and so is Heysham's 12 beside it.
    assert [figures[t]["stories"][2].value for t in ("Lancaster", "Heysham")] == [20, None]
    assert figures["Heysham"]["stories"][2].reason == sup.SECONDARY
    assert figures[None]["stories"][2].value == 35


def test_finding_5_consecutive_months_give_no_small_count_of_joiners(db_app: App) -> None:
    truth = _store(db_app)
    figures = _figures(db_app)
    for town in (None, *JOINED):
        level = figures[town]["participants"]
        shown = [c.value for c in level if not c.suppressed]
        # Two month ends shown one after the other differ by 0 or at least 10 joiners.
        assert all(b - a >= sup.MIN_CELL for a, b in itertools.pairwise(shown)), town
        for month, c in enumerate(figures[town]["growth"]):
            if town is not None and not c.suppressed:
                assert c.value == truth["growth"][town][month] >= sup.MIN_CELL
    heysham = [sup.show(c) for c in figures["Heysham"]["participants"]]
    assert "31" not in heysham and heysham[1:] != ["31", "31"]
    assert [c.value for c in figures[None]["participants"]] == [74, 90, None]
    assert figures["Lancaster"]["participants"][1].value == 55


@pytest.mark.parametrize("town", [None, "Lancaster"])
def test_growth_is_the_difference_of_the_shown_month_ends(db_app: App, town) -> None:
    _store(db_app)
    cells = _figures(db_app)[town]
    level, growth = cells["participants"], cells["growth"]
    for month in range(1, 3):
        if not growth[month].suppressed and not level[month - 1].suppressed:
            assert growth[month].value == level[month].value - level[month - 1].value
