"""Read-only views of the story bank for pages and commands (no writes here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from groundswell.actions import Database
from groundswell.actions.scopes import person_in_scope, require_story
from groundswell.auth.permissions import EVERYWHERE, Scopes
from groundswell.errors import NotFound
from groundswell.store.models import (
    PackItem,
    Story,
    StoryEvent,
    StoryFlag,
    StoryResponse,
    StoryReview,
    StoryStatus,
    StoryTag,
    TrainingPack,
)


@dataclass
class StoryView:
    id: int
    title: str
    body: str
    service: str | None
    theme: str | None
    consent: str
    status: str
    tags: list[str] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    trail: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    criticality: str = "routine"
    routed_to: str | None = None
    change: str = "none"

    @property
    def open_flags(self) -> list[dict[str, Any]]:
        return [f for f in self.flags if f["status"] == "open"]


def story_view(
    db: Database, story_id: int, *, staff: bool, scopes: Scopes = EVERYWHERE
) -> StoryView:
    """One story; anyone but staff sees it only once published, staff only within ``scopes``."""
    with db.reading() as s:
        story = require_story(s, story_id, scopes if staff else EVERYWHERE)
        if not staff and story.status is not StoryStatus.PUBLISHED:
            raise NotFound(f"there is no story {story_id} to show")
        view = StoryView(
            story.id, story.title, story.body, story.service, story.theme,
            story.consent_level.value, story.status.value,
        )  # fmt: skip
        view.tags = list(s.scalars(select(StoryTag.tag).where(StoryTag.story_id == story_id)))
        if staff:
            view.flags = [
                {"id": f.id, "kind": f.kind, "text": f.text, "status": f.status.value,
                 "reason": f.reason, "resolved_by": f.resolved_by}
                for f in s.scalars(select(StoryFlag).where(StoryFlag.story_id == story_id)
                                   .order_by(StoryFlag.start, StoryFlag.id))
            ]  # fmt: skip
            view.trail = [
                {"at": e.at, "role": e.actor_role, "actor": e.actor, "action": e.action,
                 "status": e.status, "consent": e.consent, "note": e.note}
                for e in s.scalars(select(StoryEvent).where(StoryEvent.story_id == story_id)
                                   .order_by(StoryEvent.id))
            ]  # fmt: skip
            review = s.get(StoryReview, story_id)
            if review is not None:
                view.criticality, view.routed_to = review.criticality.value, review.routed_to
                view.change = review.change.value
        view.responses = [
            {"author": r.author, "body": r.body, "at": r.at}
            for r in s.scalars(select(StoryResponse).where(StoryResponse.story_id == story_id)
                               .order_by(StoryResponse.id))
        ]  # fmt: skip
        return view


def story_list(
    db: Database, statuses: list[str], scopes: Scopes = EVERYWHERE
) -> list[dict[str, Any]]:
    """Stories in ``statuses`` whose storyteller ``scopes`` cover (published ones: pass all)."""
    with db.reading() as s:
        rows = s.scalars(
            select(Story)
            .where(Story.status.in_(statuses), person_in_scope(scopes, Story.person_id))
            .order_by(Story.created_at, Story.id)
        ).all()
        return [
            {"id": r.id, "title": r.title, "service": r.service, "theme": r.theme,
             "status": r.status.value, "consent": r.consent_level.value, "body": r.body}
            for r in rows
        ]  # fmt: skip


def packs_list(db: Database, scopes: Scopes = EVERYWHERE) -> list[dict[str, Any]]:
    """Every pack, counting the live stories in it that ``scopes`` cover (as the pack shows)."""
    with db.reading() as s:
        packs = s.scalars(select(TrainingPack).order_by(TrainingPack.id)).all()
        live = dict(
            s.execute(
                select(PackItem.pack_id, func.count())
                .join(Story, Story.id == PackItem.story_id)
                .where(PackItem.removed_at.is_(None), person_in_scope(scopes, Story.person_id))
                .group_by(PackItem.pack_id)
            ).all()
        )
        return [
            {"id": p.id, "title": p.title, "audience": p.audience, "stories": live.get(p.id, 0)}
            for p in packs
        ]


def pack_candidates(
    db: Database, pack_id: int, scopes: Scopes = EVERYWHERE
) -> list[dict[str, Any]]:
    """Approved or published stories with training consent, within ``scopes``, not in the pack."""
    with db.reading() as s:
        if s.get(TrainingPack, pack_id) is None:
            raise NotFound(f"there is no training pack {pack_id}")
        inside = set(
            s.scalars(
                select(PackItem.story_id).where(
                    PackItem.pack_id == pack_id, PackItem.removed_at.is_(None)
                )
            )
        )
    stories = story_list(db, ["approved", "published"], scopes)
    return [x for x in stories if x["consent"] in ("training", "publish") and x["id"] not in inside]
