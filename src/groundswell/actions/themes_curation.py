"""An organiser curates the current themes: rename, merge, split, move a text, link.

Each ``do_*`` edits rows of the current run only (``theme_in_current_run``)
in one transaction and writes one audit row naming the organiser, so the
trail shows who shaped what the public page says. Linking a theme to an
initiative marks it "we are acting on this" and records what changed, for the
public "you said, we did" page (``themes_public``).
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from groundswell import themes as engine
from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.themes_runs import (
    LABEL_MOST,
    current_run,
    items_of,
    theme_in_current_run,
)
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import Initiative, Theme, ThemeItem, ThemeStatus

KEYWORDS_MOST = 10
WHAT_CHANGED_MOST = 2000


def _label(label: str) -> str:
    text = " ".join((label or "").split())
    if not text:
        raise InvalidInput("enter a label for the theme")
    if len(text) > LABEL_MOST:
        raise InvalidInput(f"the label has {len(text)} characters; keep it to {LABEL_MOST}")
    return text


def do_rename(app: Database, theme_id: int, label: str, *, actor: str) -> str:
    """Give a theme the organisers' own words; returns the label kept."""
    text = _label(label)
    with app.transaction() as session:
        theme, _ = theme_in_current_run(session, theme_id)
        theme.label = text
        record_access(session, actor, "themes.rename", "theme", theme_id, {"label": text})
        return text


def do_merge(app: Database, into: int, other: int, *, actor: str) -> int:
    """Fold theme ``other`` into theme ``into``: its texts move, it is marked merged.

    Returns how many items moved. A link to an initiative carries over when
    ``into`` has none, so a commitment made on either is kept.
    """
    if into == other:
        raise InvalidInput("choose two different themes to merge")
    with app.transaction() as session:
        a, _ = theme_in_current_run(session, into)
        b, _ = theme_in_current_run(session, other)
        moved = session.execute(
            update(ThemeItem).where(ThemeItem.theme_id == b.id).values(theme_id=a.id)
        ).rowcount  # type: ignore[attr-defined]
        a.keywords = list(dict.fromkeys([*a.keywords, *b.keywords]))[:KEYWORDS_MOST]
        if a.initiative_id is None and b.initiative_id is not None:
            a.initiative_id, a.acting_on, a.what_changed = (
                b.initiative_id, b.acting_on, b.what_changed,
            )  # fmt: skip
        b.status, b.merged_into_id, b.acting_on = ThemeStatus.MERGED, a.id, False
        record_access(session, actor, "themes.merge", "theme", a.id,
                      {"merged": b.id, "items": int(moved or 0)})  # fmt: skip
        return int(moved or 0)


def do_split(app: Database, theme_id: int, *, actor: str) -> int:
    """Split a theme in two by running the engine on its texts (n=2, the run's seed).

    The larger part keeps the theme (and any link), the other becomes a new
    theme with the engine's label; texts the engine leaves unthemed stay.
    Returns the new theme's id.
    """
    with app.transaction() as session:
        theme, run = theme_in_current_run(session, theme_id)
        members = [(i, t) for i, t in items_of(session, run.id) if i.theme_id == theme.id]
        if len(members) < 2:
            raise Conflict(
                f"theme {theme_id} has {len(members)} text(s); two are needed to split it"
            )
        # No sub-themes: only the two halves are kept, and this runs on the request thread.
        result = engine.find_themes(
            [t.text for _, t in members], n_themes=2, seed=run.seed, subthemes=False
        )
        if len(result.themes) < 2:
            raise Conflict(f"theme {theme_id} could not be split: its texts are too alike")
        other = result.themes[1]  # themes come largest first
        position = session.scalar(select(func.max(Theme.position)).where(Theme.run_id == run.id))
        new = Theme(run_id=run.id, position=int(position or 0) + 1, label=other.label[:LABEL_MOST],
                    keywords=list(other.keywords), status=ThemeStatus.ACTIVE)  # fmt: skip
        session.add(new)
        session.flush()
        moved = 0
        for (item, _), assigned in zip(members, result.assignments, strict=True):
            if assigned == other.id:
                item.theme_id = new.id
                moved += 1
        record_access(session, actor, "themes.split", "theme", theme_id,
                      {"new": new.id, "items": moved})  # fmt: skip
        return new.id


def do_move_item(app: Database, item_id: int, theme_id: int | None, *, actor: str) -> None:
    """Move one text to another theme of the current run (None: leave it unthemed)."""
    with app.transaction() as session:
        item = session.get(ThemeItem, item_id)
        if item is None:
            raise NotFound(f"there is no item {item_id}")
        run = current_run(session)
        if run is None or item.run_id != run.id:
            raise Conflict(f"item {item_id} belongs to an earlier run; find themes again")
        if theme_id is not None:
            theme_in_current_run(session, theme_id)
        item.theme_id = theme_id
        record_access(session, actor, "themes.move", "theme_item", item_id, {"theme": theme_id})


def do_link_initiative(
    app: Database, theme_id: int, initiative_slug: str, what_changed: str, *, actor: str
) -> str:
    """Mark a theme "we are acting on this", linked to an initiative, saying what changed."""
    slug = (initiative_slug or "").strip().lower()
    changed = " ".join((what_changed or "").split())
    if not changed:
        raise InvalidInput("say what changed (or is changing) because of this theme")
    if len(changed) > WHAT_CHANGED_MOST:
        raise InvalidInput(
            f"what changed has {len(changed)} characters; keep it to {WHAT_CHANGED_MOST}"
        )
    with app.transaction() as session:
        theme, _ = theme_in_current_run(session, theme_id)
        initiative = session.scalar(select(Initiative).where(Initiative.slug == slug))
        if initiative is None:
            raise NotFound(f"there is no initiative '{slug}'; check the slug on its page")
        theme.initiative_id, theme.acting_on, theme.what_changed = initiative.id, True, changed
        record_access(session, actor, "themes.link", "theme", theme_id, {"initiative": slug})
        return initiative.name


def do_unlink_initiative(app: Database, theme_id: int, *, actor: str) -> None:
    """No longer acting on a theme: it leaves the public page."""
    with app.transaction() as session:
        theme, _ = theme_in_current_run(session, theme_id)
        theme.initiative_id, theme.acting_on, theme.what_changed = None, False, None
        record_access(session, actor, "themes.unlink", "theme", theme_id)
