"""The texts the themes engine reads, from every source, and which of them may be quoted.

Four sources (``SOURCES``), each through the same gate its own pages use:

* ``notes``: harvest notes of listening events, only once ``visible`` (a note
  the personal-data check flagged stays ``pending`` until an organiser
  releases it: ``groundswell.actions.listening_visibility``);
* ``comments``: comments imported from other channels (Friends and Family
  Test answers...), by the same rule;
* ``statements``: conversation statements participants are shown
  (``groundswell.actions.statement_check``: pending ones in a pre-moderated
  conversation and held ones are out);
* ``stories``: stories the story bank may use for staff (approved or
  published, consent *training* or *publish*, no open flag:
  ``groundswell.stories.workflow.may_use_in_training``).

For the public "you said, we did" page the rule is stricter: a story counts
only once published (consent *publish*: ``publishable``), and a text is quoted
only if the personal-data check, run again as the page is built, finds
nothing (``quotable``): an organiser may have released a flagged note, and the
check may have learnt a pattern since a text was let through.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.listening_visibility import visible_only
from groundswell.actions.statement_check import held, personal_data, visible_statuses
from groundswell.errors import InvalidInput
from groundswell.store.models import (
    Comment,
    ConsentLevel,
    Conversation,
    FlagStatus,
    HarvestNote,
    Participant,
    Person,
    Statement,
    Story,
    StoryFlag,
    StoryStatus,
)

SOURCES = ("notes", "comments", "statements", "stories")
SOURCE_NAMES = {
    "notes": "harvest notes",
    "comments": "imported comments",
    "statements": "conversation statements",
    "stories": "stories",
}


@dataclass(frozen=True)
class SourceText:
    """One text the engine may read: where it came from, what it says and its town."""

    source: str
    source_id: int
    text: str
    town: str | None


def check_sources(sources: Iterable[str] | None) -> set[str]:
    """The sources asked for (all of them when none is named); an unknown one is refused."""
    chosen = {s.strip().lower() for s in sources or () if s.strip()}
    unknown = sorted(chosen - set(SOURCES))
    if unknown:
        raise InvalidInput(
            f"unknown source {', '.join(repr(u) for u in unknown)}: "
            f"choose from {', '.join(SOURCES)}"
        )
    return chosen or set(SOURCES)


def gather_texts(app: Database, sources: Collection[str]) -> list[SourceText]:
    """Every text of ``sources`` the engine may read, in a stable order (source, id)."""
    chosen = check_sources(sources)
    with app.reading() as session:
        return _gather(session, chosen)


def _gather(session: Session, chosen: Collection[str]) -> list[SourceText]:
    out: list[SourceText] = []
    for source in SOURCES:
        if source in chosen:
            out.extend(READERS[source](session, None))
    return out


def _notes(session: Session, ids: Collection[int] | None) -> list[SourceText]:
    query = select(HarvestNote.id, HarvestNote.text, HarvestNote.town).where(
        visible_only(HarvestNote.status)
    )
    if ids is not None:
        query = query.where(HarvestNote.id.in_(ids))
    return [
        SourceText("notes", i, t, town)
        for i, t, town in session.execute(query.order_by(HarvestNote.id))
    ]


def _comments(session: Session, ids: Collection[int] | None) -> list[SourceText]:
    query = select(Comment.id, Comment.text, Comment.town).where(visible_only(Comment.status))
    if ids is not None:
        query = query.where(Comment.id.in_(ids))
    return [
        SourceText("comments", i, t, town)
        for i, t, town in session.execute(query.order_by(Comment.id))
    ]


def _statements(session: Session, ids: Collection[int] | None) -> list[SourceText]:
    query = (
        select(Statement.id, Statement.text, Statement.status, Conversation.moderation, Person.town)
        .join(Conversation, Conversation.id == Statement.conversation_id)
        .outerjoin(Participant, Participant.id == Statement.author_id)
        .outerjoin(Person, Person.id == Participant.person_id)
    )
    if ids is not None:
        query = query.where(Statement.id.in_(ids))
    out = []
    for sid, text, status, moderation, town in session.execute(query.order_by(Statement.id)):
        if status in visible_statuses(moderation) and not held(status, text):
            out.append(SourceText("statements", sid, text, town))
    return out


def _stories(session: Session, ids: Collection[int] | None) -> list[SourceText]:
    open_flag = exists().where(StoryFlag.story_id == Story.id, StoryFlag.status == FlagStatus.OPEN)
    query = (
        select(Story.id, Story.body, Person.town)
        .outerjoin(Person, Person.id == Story.person_id)
        .where(
            Story.status.in_([StoryStatus.APPROVED, StoryStatus.PUBLISHED]),
            Story.consent_level.in_([ConsentLevel.TRAINING, ConsentLevel.PUBLISH]),
            ~open_flag,
        )
    )
    if ids is not None:
        query = query.where(Story.id.in_(ids))
    return [
        SourceText("stories", i, t, town)
        for i, t, town in session.execute(query.order_by(Story.id))
    ]


READERS = {"notes": _notes, "comments": _comments, "statements": _statements, "stories": _stories}


def readable(
    session: Session, keys: Collection[tuple[str, int]]
) -> dict[tuple[str, int], SourceText]:
    """Which of ``keys`` (source, id) organisers may still read, with their text, now.

    A text let in when a run was made may since have been rejected, withdrawn or
    erased: it then drops out of every page, though its item row stays in the run.
    """
    wanted: dict[str, set[int]] = {}
    for source, source_id in keys:
        wanted.setdefault(source, set()).add(source_id)
    found: dict[tuple[str, int], SourceText] = {}
    for source, ids in wanted.items():
        if source in READERS:
            for text in READERS[source](session, ids):
                found[(text.source, text.source_id)] = text
    return found


def publishable(
    session: Session, keys: Collection[tuple[str, int]]
) -> dict[tuple[str, int], SourceText]:
    """Which of ``keys`` may count on a public page: readable, and a story only once published."""
    published = {
        sid for sid, in session.execute(
            select(Story.id).where(
                Story.id.in_([i for s, i in keys if s == "stories"]),
                Story.status == StoryStatus.PUBLISHED,
                Story.consent_level == ConsentLevel.PUBLISH,
            )
        )
    }  # fmt: skip
    return {
        key: text
        for key, text in readable(session, keys).items()
        if key[0] != "stories" or key[1] in published
    }


def quotable(text: SourceText) -> bool:
    """Whether a publishable text may be quoted in public: the personal-data check, again."""
    return not personal_data(text.text)
