"""Training packs: a curator assembles approved, training-consented stories; export reads them.

Adding a story goes through the consent workflow (``Kind.ADD_TO_PACK``), so a
story without training consent or approval never enters a pack. Export builds
a ``groundswell.stories.packs.Pack`` from the live rows: a withdrawn story's
slot says it was removed, and any item whose story no longer allows training
use is left out at export even if something bypassed the workflow.
"""

from __future__ import annotations

from sqlalchemy import func, select

from groundswell.actions import Database
from groundswell.actions.audit import do_record_access, operator
from groundswell.actions.scopes import subject_of_person
from groundswell.actions.stories import _clean, _story, state_of, step
from groundswell.auth.permissions import EVERYWHERE, Scopes
from groundswell.errors import InvalidInput, NotFound
from groundswell.store.models import PackItem, Story, StoryEvent, TrainingPack, utcnow
from groundswell.stories.packs import (
    Pack,
    PackStory,
    RemovedSlot,
    TrailStep,
    to_html,
    to_markdown,
    to_pdf,
)
from groundswell.stories.workflow import Action, Actor, Kind, State, may_use_in_training

FORMATS = ("html", "md", "pdf")


def do_create_pack(
    db: Database, title: str, *, actor: str, audience: str | None = None, learning_points: str = ""
) -> int:
    with db.transaction() as session:
        pack = TrainingPack(
            title=_clean(title, "title", 160, required=True),
            audience=_clean(audience, "audience", 160),
            learning_points=(learning_points or "").strip()[:5000],
            created_by=actor[:80],
        )
        session.add(pack)
        session.flush()
        return pack.id


def do_add_to_pack(
    db: Database, pack_id: int, story_id: int, *, actor: str, learning_point: str = "",
    scopes: Scopes = EVERYWHERE,
) -> State:  # fmt: skip
    """Put a story a curator with ``scopes`` may read into a pack."""
    with db.transaction() as session:
        if session.get(TrainingPack, pack_id) is None:
            raise NotFound(f"there is no training pack {pack_id}")
        story = _story(session, story_id, scopes)
        after = step(session, story, Action(Kind.ADD_TO_PACK, Actor.CURATOR, pack=pack_id), actor)
        last = session.scalar(
            select(func.coalesce(func.max(PackItem.position), 0)).where(PackItem.pack_id == pack_id)
        )
        session.add(
            PackItem(
                pack_id=pack_id,
                story_id=story_id,
                position=int(last or 0) + 1,
                learning_point=(learning_point or "").strip()[:2000],
            )
        )
        return after


def do_remove_from_pack(db: Database, pack_id: int, story_id: int, *, actor: str) -> State:
    """Take a story out of a pack: its item is marked removed and its trail says by whom."""
    with db.transaction() as session:
        story = _story(session, story_id)
        action = Action(Kind.REMOVE_FROM_PACK, Actor.CURATOR, pack=pack_id)
        return step(session, story, action, actor)


def build_pack(db: Database, pack_id: int, scopes: Scopes = EVERYWHERE) -> Pack:
    """The pack as it may be shown now: live stories with their trails, removed slots marked.

    Stories outside the reader's ``scopes`` are left out without a slot, as if
    never added: a pack another curator filled does not open their stories.
    """
    with db.reading() as session:
        pack = session.get(TrainingPack, pack_id)
        if pack is None:
            raise NotFound(f"there is no training pack {pack_id}")
        items = session.scalars(
            select(PackItem).where(PackItem.pack_id == pack_id).order_by(PackItem.position)
        ).all()
        slots: list[PackStory | RemovedSlot] = []
        for item in items:
            if item.removed_at is not None and item.story_id is not None:
                continue  # a curator took it out: no slot to explain
            story = session.get(Story, item.story_id) if item.story_id is not None else None
            if story is None or item.removed_at is not None:
                slots.append(RemovedSlot(item.removed_reason or "removed", item.removed_at))
                continue
            if not scopes.covers(subject_of_person(session, story.person_id)):
                continue
            if not may_use_in_training(state_of(session, story)):
                slots.append(RemovedSlot("consent or approval no longer in place"))
                continue
            trail = session.scalars(
                select(StoryEvent).where(StoryEvent.story_id == story.id).order_by(StoryEvent.id)
            ).all()
            slots.append(
                PackStory(
                    title=story.title,
                    body=story.body,
                    service=story.service,
                    theme=story.theme,
                    consent=story.consent_level.value,
                    learning_point=item.learning_point,
                    trail=tuple(
                        TrailStep(e.at, e.actor_role, e.action, e.status, e.consent) for e in trail
                    ),
                )
            )
        return Pack(pack.title, pack.audience, pack.learning_points, utcnow(), tuple(slots))


def export_pack(
    db: Database,
    pack_id: int,
    fmt: str,
    scopes: Scopes = EVERYWHERE,
    actor: str | None = None,
    stylesheet: str | None = None,
) -> bytes:
    """The pack rendered as ``html``, ``md`` or ``pdf`` (stories within ``scopes``), audited.

    ``stylesheet``: for ``html`` served by the site, the address of its styles
    (``packs.to_html``); a file written without it carries them inline.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"format '{fmt}' is not one of {', '.join(FORMATS)}")
    pack = build_pack(db, pack_id, scopes)
    do_record_access(db, actor or operator(), "stories.pack_export", "training_pack", pack_id,
                     {"format": fmt})  # fmt: skip
    if fmt == "pdf":
        return to_pdf(pack)
    return (to_html(pack, stylesheet) if fmt == "html" else to_markdown(pack)).encode("utf-8")
