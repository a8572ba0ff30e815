"""A run of the themes engine over every source: stored whole, deterministic for a seed,
filtered by source and town, with counts by source and town under the small-number rule."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from themes_world import build

from groundswell.actions.themes_curation import do_link_initiative, do_rename
from groundswell.actions.themes_runs import breakdown, current_themes, do_run_themes
from groundswell.app import App
from groundswell.errors import InvalidInput
from groundswell.store.models import Theme, ThemeItem


def _shape(app: App, run_id: int) -> list[tuple[str, str, int | None]]:
    """Who is in which theme, by label, for comparing two runs."""
    with app.reading() as s:
        rows = s.execute(
            select(ThemeItem.source, ThemeItem.source_id, Theme.label)
            .outerjoin(Theme, Theme.id == ThemeItem.theme_id)
            .where(ThemeItem.run_id == run_id).order_by(ThemeItem.source, ThemeItem.source_id)
        )  # fmt: skip
        return [(label, source, sid) for source, sid, label in rows]


def test_a_run_is_stored_whole_and_deterministic_for_a_seed(db_app: App) -> None:
    build(db_app)
    first = do_run_themes(db_app, seed=3, actor="olu@example.org")
    second = do_run_themes(db_app, seed=3, actor="olu@example.org")
    assert first.texts == second.texts == 45 and first.themes == second.themes >= 2
    assert _shape(db_app, first.id) == _shape(db_app, second.id)
    with db_app.reading() as s:
        assert s.scalar(select(func.count()).select_from(ThemeItem)
                        .where(ThemeItem.run_id == second.id)) == 45  # fmt: skip
    current = current_themes(db_app)
    assert current.run is not None and current.run.id == second.id  # the newest run is current
    labels = {row.label.split(" · ")[0] for row in current.themes}
    assert sum(row.size for row in current.themes) + current.unthemed == 45
    assert any("park" in row.label for row in current.themes), labels


def test_filters_by_source_and_town(db_app: App) -> None:
    build(db_app)
    do_run_themes(db_app, n_themes=3, actor="olu@example.org")
    notes_only = current_themes(db_app, sources={"notes"})
    assert [row.size for row in notes_only.themes] == [15]
    assert notes_only.themes[0].by_source == {"notes": "15"}
    lancaster = current_themes(db_app, town="lancaster")  # case does not matter
    assert all(set(row.by_town) == {"Lancaster"} for row in lancaster.themes)
    # 7 comments, 11 statements and 4 stories came from Lancaster.
    assert sum(row.size for row in lancaster.themes) + lancaster.unthemed == 7 + 11 + 4


def test_small_counts_are_hidden_and_cannot_be_found_by_subtraction() -> None:
    assert breakdown(["a"] * 15) == {"a": "15"}
    # 4 + 25 + 12 = 41, shown as the theme's size: hiding the 4 alone would give it away.
    split = breakdown(["a"] * 4 + ["b"] * 25 + ["c"] * 12)
    assert split == {"a": "fewer than 10", "b": "25", "c": "fewer than 10"}
    # Texts with no town are never a town of their own, and may cover a small one.
    assert breakdown(["x"] * 30 + ["y"] * 3 + [None] * 12) == {"x": "30", "y": "fewer than 10"}
    assert breakdown(["x"] * 30 + ["y"] * 3 + [None] * 2) == {
        "x": "fewer than 10", "y": "fewer than 10",
    }  # fmt: skip


def test_a_new_run_keeps_the_themes_acted_on(db_app: App) -> None:
    world = build(db_app)
    do_run_themes(db_app, n_themes=3, seed=1, actor="olu@example.org")
    parking = next(r for r in current_themes(db_app).themes if "park" in r.label)
    do_rename(db_app, parking.id, "Parking at the hospital", actor="olu@example.org")
    do_link_initiative(db_app, parking.id, world.initiative, "Free parking for carers",
                       actor="olu@example.org")  # fmt: skip
    do_run_themes(db_app, n_themes=3, seed=1, actor="olu@example.org")
    linked = [r for r in current_themes(db_app).themes if r.acting_on]
    assert [(r.label, r.initiative, r.size) for r in linked] == [
        ("Parking at the hospital", "Fair parking", 15)
    ]
    assert linked[0].id != parking.id


@pytest.mark.parametrize("n", [0, -2])
def test_a_bad_number_of_themes_is_refused(db_app: App, n: int) -> None:
    with pytest.raises(InvalidInput, match="ask for 1 or more"):
        do_run_themes(db_app, n_themes=n, actor="olu@example.org")


def test_nothing_to_read_makes_an_empty_run(db_app: App) -> None:
    run = do_run_themes(db_app, actor="olu@example.org")
    assert (run.texts, run.themes) == (0, 0)
    assert current_themes(db_app).themes == []
