"""The public "you said, we did" page: themes acted on, what changed, and what people said.

What it shows, and why (the small-number and least-data rules of
``groundswell.measures.suppression`` and the gate of ``themes_gather``):

* only themes of the current run an organiser marked "we are acting on
  this" (linked to an initiative, with what changed);
* only themes with at least ``MIN_CELL`` (10) texts that may count in public
  (``publishable``: notes, comments and statements that are visible, stories
  that are published), from at least as many people (``voices``: a known
  author counts once, however many of the texts are theirs); a smaller theme
  is left off entirely, so a handful of voices cannot be singled out;
* up to three quotes, each re-checked for personal data as the page is built
  (``quotable``); never a name, and no author;
* the label only where it is the organisers' own words (renamed) or the
  engine's keywords pass the personal-data check: the keywords come from
  every text organisers can read, training-only stories included, so a
  flagged engine label becomes a neutral "Theme N" (``public_label``);
* the towns the texts came from only where 10 or more did, with one more
  town hidden where the theme's size would give a hidden one away
  (``protect``); texts with no town are never shown as a town.

The page, its JSON and anything else published from it are built here, once,
so they cannot disagree. Anyone may ask for it, and building it reads, checks
and compares every text of the themes: it is kept per database until a table
it reads is written (``actions.data_version``, with a cheap fingerprint for
another process's writes), and at most ``CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database, data_version
from groundswell.actions.snapshot import reading_snapshot
from groundswell.actions.statement_check import personal_data
from groundswell.actions.themes_gather import SOURCES, publishable, quotable
from groundswell.actions.themes_runs import current_run, representative
from groundswell.measures.suppression import MIN_CELL, protect
from groundswell.store.models import (
    HarvestNote,
    Initiative,
    Participant,
    Statement,
    Story,
    Theme,
    ThemeItem,
    ThemeRun,
    ThemeStatus,
)
from groundswell.themes.keywords import label_of

READ_TABLES = (
    "theme_runs", "themes", "theme_items", "initiatives", "harvest_notes", "listening_events",
    "listening_tables", "comments", "statements", "conversations", "participants", "people",
    "stories", "story_flags",
)  # fmt: skip
CACHE_SECONDS = 60.0  # how long another process's write that the fingerprint misses may wait
# Per engine: a new one (another App) starts afresh, since writes made before it was
# watched were not counted.
_CACHE: weakref.WeakKeyDictionary[Engine, tuple[tuple[Any, ...], float, list[PublicTheme]]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


@dataclass
class PublicTheme:
    label: str
    initiative_slug: str
    initiative_name: str
    what_changed: str
    size: int
    quotes: list[str] = field(default_factory=list)
    towns: dict[str, int] = field(default_factory=dict)  # only towns of 10 or more, shown
    towns_hidden: bool = False  # some towns were left out to protect small numbers

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "initiative": {"slug": self.initiative_slug,
                                                "name": self.initiative_name},
            "what_changed": self.what_changed, "texts": self.size, "quotes": self.quotes,
            "towns": self.towns, "some_towns_not_shown": self.towns_hidden,
        }  # fmt: skip


def public_towns(towns: list[str | None]) -> tuple[dict[str, int], bool]:
    """Town counts that may be shown (module docstring) and whether any were left out."""
    counts: dict[str | None, int] = {}
    for town in towns:
        counts[town] = counts.get(town, 0) + 1
    keys = sorted(counts, key=lambda k: (k is None, str(k)))
    cells = [counts[k] for k in keys]
    hidden = protect(cells, unpublished=[i for i, k in enumerate(keys) if k is None]).hidden
    shown = {str(k): cells[i] for i, k in enumerate(keys) if i not in hidden and k is not None}
    return shown, any(k is not None and i in hidden for i, k in enumerate(keys))


def _flagged(word: str) -> bool:
    # Keywords are lower-cased; names are only found capitalised.
    return bool(personal_data(word) or personal_data(word.title()))


def public_label(label: str, keywords: list[str], number: int) -> str:
    """The label the public sees (module docstring): ``number`` names a flagged engine label."""
    if not keywords or not label_of(keywords).startswith(label):
        return label  # renamed: the organisers' own words
    if _flagged(label) or any(_flagged(k) for k in label.split(" · ")):
        return f"Theme {number}"
    return label


def voices(session: Session, keys: Collection[tuple[str, int]]) -> int:
    """How many people said ``keys``: each known author once (a statement's participant,
    or their person; a story's person; a note's author), each other text as one."""
    ids = {source: [i for s, i in keys if s == source] for source in SOURCES}
    who: dict[tuple[str, int], tuple[str, int]] = {}
    for sid, participant, person in session.execute(
        select(Statement.id, Statement.author_id, Participant.person_id)
        .outerjoin(Participant, Participant.id == Statement.author_id)
        .where(Statement.id.in_(ids["statements"]))
    ):
        if person is not None:
            who[("statements", sid)] = ("person", person)
        elif participant is not None:
            who[("statements", sid)] = ("participant", participant)
    for story, person in session.execute(
        select(Story.id, Story.person_id).where(Story.id.in_(ids["stories"]))
    ):
        if person is not None:
            who[("stories", story)] = ("person", person)
    for note, user in session.execute(
        select(HarvestNote.id, HarvestNote.author_user_id).where(HarvestNote.id.in_(ids["notes"]))
    ):
        if user is not None:
            who[("notes", note)] = ("user", user)
    return len({who.get(key, key) for key in keys})


def _fingerprint(session: Session) -> tuple[Any, ...]:
    parts: list[Any] = list(data_version.current(READ_TABLES))
    for model in (ThemeRun, Theme, ThemeItem):
        parts.extend(session.execute(select(func.count(), func.max(model.id))).one())
    return tuple(parts)


def you_said_we_did(app: Database) -> list[PublicTheme]:
    """The themes the public page lists, largest first (module docstring)."""
    with _LOCK:  # one build at a time; the next request finds it kept
        with reading_snapshot(app) as session:
            bind = session.get_bind()
            engine = bind if isinstance(bind, Engine) else bind.engine
            key, now = _fingerprint(session), time.monotonic()
            hit = _CACHE.get(engine)
            if hit is None or hit[0] != key or now - hit[1] > CACHE_SECONDS:
                hit = _CACHE[engine] = (key, now, _build(session))
        return list(hit[2])


def _build(session: Session) -> list[PublicTheme]:
    run = current_run(session)
    if run is None:
        return []
    rows = session.execute(
        select(Theme, Initiative)
        .join(Initiative, Initiative.id == Theme.initiative_id)
        .where(Theme.run_id == run.id, Theme.status == ThemeStatus.ACTIVE,
               Theme.acting_on.is_(True))
        .order_by(Theme.position, Theme.id)
    ).all()  # fmt: skip
    out = []
    for number, (theme, initiative) in enumerate(rows, start=1):
        keys = [
            (s, i)
            for s, i in session.execute(
                select(ThemeItem.source, ThemeItem.source_id)
                .where(ThemeItem.theme_id == theme.id).order_by(ThemeItem.id)
            )
        ]  # fmt: skip
        texts = publishable(session, keys)
        if len(texts) < MIN_CELL or voices(session, texts) < MIN_CELL:
            continue
        said = [texts[k] for k in keys if k in texts]
        fit = [t.text for t in said if quotable(t)]
        towns, hidden = public_towns([t.town for t in said])
        label = public_label(theme.label, list(theme.keywords), number)
        out.append(PublicTheme(
            label, initiative.slug, initiative.name, theme.what_changed or "",
            len(said), [fit[i] for i in representative(fit)], towns, hidden,
        ))  # fmt: skip
    out.sort(key=lambda t: -t.size)
    return out
