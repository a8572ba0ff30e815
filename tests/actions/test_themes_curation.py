"""An organiser curates the current run: rename, merge, split, move, link; each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from themes_world import build

from groundswell import themes as engine
from groundswell.actions.themes_curation import (
    do_link_initiative,
    do_merge,
    do_move_item,
    do_rename,
    do_split,
    do_unlink_initiative,
)
from groundswell.actions.themes_runs import ThemeRow, current_themes, do_run_themes
from groundswell.actions.themes_views import theme_detail
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import AuditEvent, Theme, ThemeStatus

WHO = "olu@example.org"


def _by_word(app: App) -> dict[str, ThemeRow]:
    rows = current_themes(app).themes
    return {w: next(r for r in rows if w in r.label) for w in ("park", "wait", "kind")}


@pytest.fixture
def themed(db_app: App) -> App:
    build(db_app)
    do_run_themes(db_app, n_themes=3, seed=0, actor=WHO)
    return db_app


def test_rename_keeps_the_organisers_words(themed: App) -> None:
    parking = _by_word(themed)["park"]
    assert do_rename(themed, parking.id, "  Parking   at the hospital ", actor=WHO) == (
        "Parking at the hospital"
    )
    assert theme_detail(themed, parking.id).label == "Parking at the hospital"
    with pytest.raises(InvalidInput, match="enter a label"):
        do_rename(themed, parking.id, "   ", actor=WHO)


def test_merge_moves_the_texts_and_marks_the_other_merged(themed: App) -> None:
    rows = _by_word(themed)
    moved = do_merge(themed, rows["park"].id, rows["wait"].id, actor=WHO)
    assert moved == rows["wait"].size
    after = {r.id: r for r in current_themes(themed).themes}
    assert rows["wait"].id not in after
    assert after[rows["park"].id].size == rows["park"].size + rows["wait"].size
    with themed.reading() as s:
        folded = s.get(Theme, rows["wait"].id)
        assert folded.status is ThemeStatus.MERGED and folded.merged_into_id == rows["park"].id
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "themes.merge")).one()
        assert audit.actor == WHO and audit.detail["merged"] == rows["wait"].id
    with pytest.raises(NotFound, match="merged into"):
        theme_detail(themed, rows["wait"].id)
    with pytest.raises(InvalidInput, match="two different themes"):
        do_merge(themed, rows["park"].id, rows["park"].id, actor=WHO)


def test_split_runs_the_engine_on_the_theme_with_the_same_seed(themed: App) -> None:
    rows = _by_word(themed)
    merged_size = rows["park"].size + rows["wait"].size
    do_merge(themed, rows["park"].id, rows["wait"].id, actor=WHO)
    new_id = do_split(themed, rows["park"].id, actor=WHO)
    after = {r.id: r for r in current_themes(themed).themes}
    assert after[rows["park"].id].size + after[new_id].size == merged_size
    # The engine finds the two themes that were merged again.
    assert sorted([after[rows["park"].id].size, after[new_id].size]) == [15, 15]
    assert {"park" in after[rows["park"].id].label, "park" in after[new_id].label} == {True, False}


def test_split_needs_two_texts(themed: App) -> None:
    kind = _by_word(themed)["kind"]
    detail = theme_detail(themed, kind.id)
    for item in detail.items[1:]:
        do_move_item(themed, item.id, None, actor=WHO)
    with pytest.raises(Conflict, match="two are needed"):
        do_split(themed, kind.id, actor=WHO)


def test_move_one_text_to_another_theme_or_out(themed: App) -> None:
    rows = _by_word(themed)
    item = theme_detail(themed, rows["kind"].id).items[0]
    do_move_item(themed, item.id, rows["park"].id, actor=WHO)
    assert item.id in [i.id for i in theme_detail(themed, rows["park"].id).items]
    do_move_item(themed, item.id, None, actor=WHO)
    assert current_themes(themed).unthemed == current_themes(themed).run.unthemed
    with pytest.raises(NotFound):
        do_move_item(themed, 10_000, rows["park"].id, actor=WHO)


def test_link_marks_acting_on_and_unlink_undoes_it(themed: App) -> None:
    parking = _by_word(themed)["park"]
    assert do_link_initiative(themed, parking.id, "Fair-Parking", "Free parking for carers",
                              actor=WHO) == "Fair parking"  # fmt: skip
    detail = theme_detail(themed, parking.id)
    assert (detail.acting_on, detail.initiative_slug, detail.what_changed) == (
        True, "fair-parking", "Free parking for carers",
    )  # fmt: skip
    with pytest.raises(NotFound, match="no initiative 'nope'"):
        do_link_initiative(themed, parking.id, "nope", "x", actor=WHO)
    with pytest.raises(InvalidInput, match="say what changed"):
        do_link_initiative(themed, parking.id, "fair-parking", "  ", actor=WHO)
    do_unlink_initiative(themed, parking.id, actor=WHO)
    assert not theme_detail(themed, parking.id).acting_on


def test_only_the_current_run_is_curated(themed: App) -> None:
    old = _by_word(themed)
    old_item = theme_detail(themed, old["park"].id).items[0]
    do_run_themes(themed, n_themes=3, seed=0, actor=WHO)
    new = _by_word(themed)
    with pytest.raises(NotFound, match="current run"):
        do_rename(themed, old["park"].id, "Old", actor=WHO)
    with pytest.raises(Conflict, match="earlier run"):
        do_move_item(themed, old_item.id, new["park"].id, actor=WHO)


def test_the_theme_page_has_three_quotes_and_suppressed_counts(themed: App) -> None:
    waits = _by_word(themed)["wait"]
    detail = theme_detail(themed, waits.id)
    assert len(detail.quotes) == 3 and len({q.text for q in detail.quotes}) == 3
    assert {q.text for q in detail.quotes} <= {i.text for i in detail.items}
    assert detail.by_source == {"imported comments": "15"}
    assert detail.by_town == {"Heysham": "fewer than 10", "Lancaster": "fewer than 10"}
    assert len(detail.others) == 2 and detail.initiatives == [("fair-parking", "Fair parking")]


def test_split_asks_for_no_sub_themes(themed: App, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, object]] = []
    real = engine.find_themes

    def find(texts, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs)
        return real(texts, **kwargs)

    monkeypatch.setattr(engine, "find_themes", find)
    do_split(themed, _by_word(themed)["park"].id, actor=WHO)
    assert asked and asked[0]["subthemes"] is False
