"""Finding themes across sources, and the current themes as organisers read them.

``do_run_themes`` gathers the texts (``themes_gather``), runs the engine
(``groundswell.themes.find_themes``) and writes one run with its themes and
items in one transaction. The newest run is the current one
(``current_run``); curation (``themes_curation``) edits its rows. Sizes and
counts are read again at every view, through the same gate as the run, so a
note rejected or a story withdrawn since drops out of every count.

Counts by source and by town follow the small-number rule
(``groundswell.measures.suppression``): in each theme a source or town with
fewer than 10 texts is hidden, and one more cell is hidden where the theme's
size (which organisers see) would give the hidden one away by subtraction;
texts with no town are never a town cell of their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell import themes as engine
from groundswell.actions import Database
from groundswell.actions.themes_gather import (
    SOURCES,
    SourceText,
    check_sources,
    gather_texts,
    readable,
)
from groundswell.errors import InvalidInput, NotFound
from groundswell.measures.suppression import Cell, Protected, protect, show
from groundswell.store.models import Initiative, Theme, ThemeItem, ThemeRun, ThemeStatus

QUOTES = 3
LABEL_MOST = 160


@dataclass(frozen=True)
class RunSummary:
    """What a run found: its id, how many texts it read and how many themes it made."""

    id: int
    texts: int
    themes: int
    unthemed: int
    seconds: float
    sources: list[str]
    seed: int


@dataclass
class ThemeRow:
    """One theme as the organisers' table shows it (``size`` counts the texts still readable)."""

    id: int
    position: int
    label: str
    keywords: list[str]
    size: int
    acting_on: bool
    initiative: str | None
    by_source: dict[str, str] = field(default_factory=dict)
    by_town: dict[str, str] = field(default_factory=dict)


@dataclass
class CurrentThemes:
    run: RunSummary | None
    themes: list[ThemeRow]
    unthemed: int


def do_run_themes(
    app: Database,
    *,
    sources: Collection[str] | None = None,
    seed: int = 0,
    n_themes: int | None = None,
    actor: str,
) -> RunSummary:
    """Find themes in every readable text of ``sources`` and make them the current run."""
    chosen = check_sources(sources)
    if n_themes is not None and n_themes < 1:
        raise InvalidInput(f"asked for {n_themes} themes; ask for 1 or more, or leave it empty")
    texts = gather_texts(app, chosen)
    result = engine.find_themes([t.text for t in texts], n_themes=n_themes, seed=seed)
    ordered = [s for s in SOURCES if s in chosen]
    with app.transaction() as session:
        previous = current_run(session)
        run = ThemeRun(sources=ordered, seed=seed, requested_n=n_themes, texts=len(texts),
                       seconds=round(result.seconds, 4), actor=actor[:80])  # fmt: skip
        session.add(run)
        session.flush()
        rows = {}
        for found in result.themes:
            row = Theme(run_id=run.id, position=found.id, label=found.label[:LABEL_MOST],
                        keywords=list(found.keywords), status=ThemeStatus.ACTIVE)  # fmt: skip
            session.add(row)
            rows[found.id] = row
        session.flush()
        for text, assigned in zip(texts, result.assignments, strict=True):
            theme_id = None if assigned is None else rows[assigned].id
            session.add(ThemeItem(run_id=run.id, theme_id=theme_id, source=text.source,
                                  source_id=text.source_id))  # fmt: skip
        session.flush()
        if previous is not None:
            _carry_links(session, previous.id, run.id)
        unthemed = sum(1 for a in result.assignments if a is None)
        return RunSummary(run.id, len(texts), len(rows), unthemed, run.seconds, ordered, seed)


def _carry_links(session: Session, old_run: int, new_run: int) -> None:
    """Keep the commitments of the last run: a theme acted on passes its link and label
    to the new theme holding at least half of its texts (the most, when several do)."""

    def members(run_id: int) -> dict[int, set[tuple[str, int]]]:
        found: dict[int, set[tuple[str, int]]] = {}
        rows = session.execute(
            select(ThemeItem.theme_id, ThemeItem.source, ThemeItem.source_id)
            .where(ThemeItem.run_id == run_id, ThemeItem.theme_id.is_not(None))
        )  # fmt: skip
        for theme_id, source, source_id in rows:
            if theme_id is not None:
                found.setdefault(theme_id, set()).add((source, source_id))
        return found

    before, after = members(old_run), members(new_run)
    linked = session.scalars(
        select(Theme).where(Theme.run_id == old_run, Theme.status == ThemeStatus.ACTIVE,
                            Theme.acting_on.is_(True)).order_by(Theme.id)
    )  # fmt: skip
    taken: set[int] = set()
    for old in linked:
        texts = before.get(old.id, set())
        best = max(
            ((len(texts & keys), -tid) for tid, keys in after.items() if tid not in taken),
            default=(0, 0),
        )
        if texts and 2 * best[0] >= len(texts):
            new = session.get(Theme, -best[1])
            assert new is not None
            new.label, new.initiative_id = old.label, old.initiative_id
            new.acting_on, new.what_changed = True, old.what_changed
            taken.add(new.id)


def current_run(session: Session) -> ThemeRun | None:
    """The newest run: the one organisers curate."""
    return session.scalars(select(ThemeRun).order_by(ThemeRun.id.desc()).limit(1)).first()


def summary_of(session: Session, run: ThemeRun) -> RunSummary:
    themes = session.scalar(
        select(func.count()).select_from(Theme)
        .where(Theme.run_id == run.id, Theme.status == ThemeStatus.ACTIVE)
    )  # fmt: skip
    unthemed = session.scalar(
        select(func.count()).select_from(ThemeItem)
        .where(ThemeItem.run_id == run.id, ThemeItem.theme_id.is_(None))
    )  # fmt: skip
    return RunSummary(run.id, run.texts, int(themes or 0), int(unthemed or 0), run.seconds,
                      list(run.sources), run.seed)  # fmt: skip


def items_of(session: Session, run_id: int) -> list[tuple[ThemeItem, SourceText]]:
    """The run's items whose text organisers may still read, with that text."""
    items = list(session.scalars(select(ThemeItem).where(ThemeItem.run_id == run_id)
                                 .order_by(ThemeItem.id)))  # fmt: skip
    texts = readable(session, [(i.source, i.source_id) for i in items])
    return [(i, texts[(i.source, i.source_id)]) for i in items if (i.source, i.source_id) in texts]


def breakdown(values: Sequence[str | None]) -> dict[str, str]:
    """Counts of each value, suppressed (module docstring); None is counted but never shown."""
    counts = Counter(values)
    keys = sorted(counts, key=lambda k: (k is None, str(k)))
    cells = [counts[k] for k in keys]
    hidden: Protected = protect(cells, unpublished=[i for i, k in enumerate(keys) if k is None])
    return {
        str(k): show(Cell(None, None, "fewer than 10") if i in hidden.hidden else Cell(n, n))
        for i, (k, n) in enumerate(zip(keys, cells, strict=True))
        if k is not None
    }


def _matches(text: SourceText, sources: set[str], town: str | None) -> bool:
    if text.source not in sources:
        return False
    return town is None or (text.town or "").casefold() == town.casefold()


def current_themes(
    app: Database, *, sources: Collection[str] | None = None, town: str | None = None
) -> CurrentThemes:
    """The current run's active themes, largest first, over the texts of ``sources`` in ``town``."""
    chosen = check_sources(sources)
    town = (town or "").strip() or None
    with app.reading() as session:
        run = current_run(session)
        if run is None:
            return CurrentThemes(None, [], 0)
        themes = list(session.scalars(
            select(Theme).where(Theme.run_id == run.id, Theme.status == ThemeStatus.ACTIVE)
        ))  # fmt: skip
        names = _initiative_names(session, [t.initiative_id for t in themes])
        members: dict[int | None, list[SourceText]] = {}
        for item, text in items_of(session, run.id):
            if _matches(text, chosen, town):
                members.setdefault(item.theme_id, []).append(text)
        rows = []
        for theme in themes:
            texts = members.get(theme.id, [])
            if not texts:
                continue
            rows.append(ThemeRow(
                theme.id, theme.position, theme.label, list(theme.keywords), len(texts),
                theme.acting_on, names.get(theme.initiative_id),
                breakdown([t.source for t in texts]), breakdown([t.town for t in texts]),
            ))  # fmt: skip
        rows.sort(key=lambda r: (-r.size, r.position, r.id))
        return CurrentThemes(summary_of(session, run), rows, len(members.get(None, [])))


def _initiative_names(session: Session, ids: Sequence[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    found = session.execute(select(Initiative.id, Initiative.name).where(Initiative.id.in_(wanted)))
    return {i: name for i, name in found}


def representative(texts: Sequence[str], most: int = QUOTES) -> list[int]:
    """Indices of up to ``most`` texts nearest the centre of ``texts``, one of each wording.

    The engine picks a theme's examples the same way when it runs (nearest its
    centre in embedding space); after curation the theme has changed, so they
    are picked again from the texts it holds now.
    """
    if not texts:
        return []
    x = engine.embed_texts(list(texts))
    sims = x @ x.mean(axis=0)
    order = np.lexsort((np.arange(len(texts)), -sims))
    chosen: list[int] = []
    seen: set[str] = set()
    for i in order:
        wording = " ".join(texts[i].lower().split())
        if wording not in seen:
            seen.add(wording)
            chosen.append(int(i))
        if len(chosen) == most:
            break
    return chosen


def theme_in_current_run(session: Session, theme_id: int) -> tuple[Theme, ThemeRun]:
    """The theme, which must be an active theme of the current run (404 otherwise)."""
    theme = session.get(Theme, theme_id)
    run = current_run(session)
    if theme is None or run is None or theme.run_id != run.id:
        raise NotFound(f"there is no theme {theme_id} in the current run; find themes again")
    if theme.status is not ThemeStatus.ACTIVE:
        raise NotFound(f"theme {theme_id} was merged into theme {theme.merged_into_id}")
    return theme, run
