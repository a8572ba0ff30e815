"""One theme as an organiser reads it: label, keywords, quotes, sources and every text.

Read-only; the page that shows it records the read in the audit trail, as
the texts are what people said and may still hold more than they meant to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from groundswell.actions import Database
from groundswell.actions.themes_gather import SOURCE_NAMES, SourceText
from groundswell.actions.themes_runs import (
    breakdown,
    items_of,
    representative,
    theme_in_current_run,
)
from groundswell.store.models import Initiative, Theme, ThemeStatus


@dataclass(frozen=True)
class ItemView:
    id: int
    source: str
    source_name: str
    source_id: int
    text: str
    town: str | None


@dataclass
class ThemeDetail:
    id: int
    label: str
    keywords: list[str]
    size: int
    acting_on: bool
    initiative_slug: str | None
    initiative_name: str | None
    what_changed: str | None
    quotes: list[ItemView] = field(default_factory=list)
    by_source: dict[str, str] = field(default_factory=dict)
    by_town: dict[str, str] = field(default_factory=dict)
    items: list[ItemView] = field(default_factory=list)
    others: list[tuple[int, str]] = field(default_factory=list)  # (id, label): move and merge
    initiatives: list[tuple[str, str]] = field(default_factory=list)  # (slug, name): link


def _view(item_id: int, text: SourceText) -> ItemView:
    return ItemView(item_id, text.source, SOURCE_NAMES[text.source], text.source_id, text.text,
                    text.town)  # fmt: skip


def theme_detail(app: Database, theme_id: int) -> ThemeDetail:
    """The theme ``theme_id`` of the current run, with its texts (404 when it is not there)."""
    with app.reading() as session:
        theme, run = theme_in_current_run(session, theme_id)
        initiative = session.get(Initiative, theme.initiative_id) if theme.initiative_id else None
        items = [_view(i.id, t) for i, t in items_of(session, run.id) if i.theme_id == theme.id]
        others = [
            (t.id, t.label)
            for t in session.scalars(
                select(Theme).where(Theme.run_id == run.id, Theme.status == ThemeStatus.ACTIVE,
                                    Theme.id != theme.id).order_by(Theme.position, Theme.id)
            )
        ]  # fmt: skip
        initiatives = [
            (slug, name)
            for slug, name in session.execute(
                select(Initiative.slug, Initiative.name).order_by(Initiative.name)
            )
        ]
        detail = ThemeDetail(
            theme.id, theme.label, list(theme.keywords), len(items), theme.acting_on,
            initiative.slug if initiative else None, initiative.name if initiative else None,
            theme.what_changed,
        )  # fmt: skip
    detail.items = items
    detail.quotes = [items[i] for i in representative([v.text for v in items])]
    detail.by_source = {SOURCE_NAMES[k]: v for k, v in breakdown([v.source for v in items]).items()}
    detail.by_town = breakdown([v.town for v in items])
    detail.others, detail.initiatives = others, initiatives
    return detail
