"""Story bank use cases: share, edit, resolve flags, moderate, consent, withdraw, review.

Every transition goes through ``groundswell.stories.workflow.apply``; this
module only loads the state, records the result and writes the consent trail
(one ``story_events`` row per step). Withdrawal and a drop to 'private' mark the
story's pack items removed in the same transaction, so no page, pack or export
shows it afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.notifications import notify_safeguarding, notify_storyteller
from groundswell.actions.outbox import check_address
from groundswell.actions.scopes import require_story
from groundswell.auth.permissions import EVERYWHERE, Scopes
from groundswell.errors import InvalidInput, NotFound, PermissionDenied
from groundswell.store.models import (
    ChangeMarker,
    ConsentLevel,
    Criticality,
    FlagStatus,
    PackItem,
    SafeguardingContact,
    Story,
    StoryContact,
    StoryEvent,
    StoryFlag,
    StoryResponse,
    StoryReview,
    StoryStatus,
    StoryTag,
    User,
    utcnow,
)
from groundswell.stories import detect
from groundswell.stories.workflow import Action, Actor, Consent, Kind, State, Status, apply

MAX_BODY = 20_000
MAX_TAGS = 20  # impact areas per story: a handful is useful, thousands are an attack
MAX_TAG = 60  # characters in one tag (the story_tags.tag column)


@dataclass
class Shared:
    """A new story: its id, the secret that lets the storyteller withdraw it, and its flags."""

    story_id: int
    withdraw_key: str
    flags: list[dict[str, Any]] = field(default_factory=list)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _story(session: Session, story_id: int, scopes: Scopes = EVERYWHERE) -> Story:
    """The story staff with ``scopes`` may act on (the CLI operator: every story)."""
    return require_story(session, story_id, scopes)


def _review(session: Session, story_id: int) -> StoryReview:
    review = session.get(StoryReview, story_id)
    if review is None:
        review = StoryReview(story_id=story_id)
        session.add(review)
    return review


def state_of(session: Session, story: Story) -> State:
    open_flags = session.scalar(
        select(func.count()).where(StoryFlag.story_id == story.id, StoryFlag.status == "open")
    )
    packs = session.scalars(
        select(PackItem.pack_id).where(PackItem.story_id == story.id, PackItem.removed_at.is_(None))
    ).all()
    return State(
        status=Status(story.status.value),
        consent=Consent(story.consent_level.value),
        open_flags=int(open_flags or 0),
        packs=frozenset(packs),
    )


def step(
    session: Session, story: Story, action: Action, actor: str, note: str | None = None
) -> State:
    """Apply one workflow action to ``story`` and record it; the caller commits."""
    before = state_of(session, story)
    after = apply(before, action)
    story.status = StoryStatus(after.status.value)
    story.consent_level = ConsentLevel(after.consent.value)
    now = utcnow()
    for pack_id in before.packs - after.packs:
        reason = {
            Kind.WITHDRAW: "withdrawn by the storyteller",
            Kind.SET_CONSENT: "consent for training withdrawn",
            Kind.REMOVE_FROM_PACK: "taken out by a curator",
        }.get(action.kind, "no longer approved")
        for item in session.scalars(
            select(PackItem).where(
                PackItem.pack_id == pack_id,
                PackItem.story_id == story.id,
                PackItem.removed_at.is_(None),
            )
        ):
            item.removed_at, item.removed_reason = now, reason
            if action.kind is not Kind.REMOVE_FROM_PACK:
                item.story_id = None  # the pack keeps an empty slot, not the story
    session.add(
        StoryEvent(
            story_id=story.id,
            at=now,
            actor_role=action.actor.value,
            actor=actor[:80],
            action=action.kind.value,
            status=after.status.value,
            consent=after.consent.value,
            note=(note or None) and note[:280],
        )
    )
    return after


def _clean(value: str | None, name: str, limit: int, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"the {name} is empty; write the {name}")
    if len(value) > limit:
        raise InvalidInput(f"the {name} is {len(value)} characters; keep it under {limit}")
    return value or None


def clean_tags(tags: list[str] | None) -> list[str]:
    """The story's impact-area tags, lower-cased and deduplicated; InvalidInput past the caps."""
    cleaned = sorted({t.strip().lower() for t in tags or [] if t.strip()})
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"tags: {len(cleaned)} impact areas given; choose at most {MAX_TAGS}")
    for tag in cleaned:
        if len(tag) > MAX_TAG:
            raise InvalidInput(
                f"tags: '{tag[:20]}…' is {len(tag)} characters; keep each under {MAX_TAG}"
            )
    return cleaned


def _store_flags(session: Session, story: Story) -> int:
    """Recheck the text: open flags no longer found become 'edited'; new ones are opened.

    A flag a moderator already accepted stays accepted while the same text is there.
    """
    found = detect(story.body)
    existing = session.scalars(select(StoryFlag).where(StoryFlag.story_id == story.id)).all()
    accepted = {(f.kind, f.text) for f in existing if f.status is FlagStatus.ACCEPTED}
    for flag in existing:
        if flag.status is FlagStatus.OPEN:
            flag.status = FlagStatus.EDITED
            flag.resolved_at = utcnow()
    opened = 0
    for f in found:
        if (f.kind, f.text[:200]) in accepted:
            continue
        session.add(
            StoryFlag(story_id=story.id, kind=f.kind, start=f.start, end=f.end, text=f.text[:200])
        )
        opened += 1
    session.flush()
    return opened


def do_share_story(
    db: Database,
    *,
    title: str,
    body: str,
    consent: str,
    service: str | None = None,
    theme: str | None = None,
    tags: list[str] | None = None,
    person_id: int | None = None,
    user_id: int | None = None,
    contact_email: str | None = None,
) -> Shared:
    """Take a story from anyone; run the personal-data check; return the withdraw key.

    ``user_id``: a signed-in storyteller who keeps the story with their record.
    The story is then linked to the person their account is linked to (if
    any), so it is in their subject access export and erased with them.
    Otherwise it is linked to nobody, and the withdraw key is the only handle.
    ``contact_email``: where the storyteller chose to hear what happens to it
    (published, changes asked for, responses, changes made); None: nowhere.
    """
    try:
        level = ConsentLevel(consent)
    except ValueError:
        raise InvalidInput(
            f"consent '{consent}' is not one of private, training, publish; choose one"
        ) from None
    tag_names = clean_tags(tags)
    contact = check_address(contact_email) if contact_email and contact_email.strip() else None
    key = secrets.token_urlsafe(16)
    with db.transaction() as session:
        if user_id is not None and person_id is None:
            person_id = session.scalar(select(User.person_id).where(User.id == user_id))
        story = Story(
            title=_clean(title, "title", 160, required=True),
            body=_clean(body, "story", MAX_BODY, required=True),
            service=_clean(service, "service", 80),
            theme=_clean(theme, "theme", 80),
            consent_level=level,
            status=StoryStatus.SUBMITTED,
            person_id=person_id,
        )
        session.add(story)
        session.flush()
        session.add_all(StoryTag(story_id=story.id, tag=tag) for tag in tag_names)
        session.add(StoryReview(story_id=story.id, withdraw_key_hash=_hash(key)))
        if contact is not None:
            session.add(StoryContact(story_id=story.id, email=contact))
        opened = _store_flags(session, story)
        step(
            session,
            story,
            Action(Kind.EDIT, Actor.STORYTELLER, open_flags=opened),
            "storyteller",
            "shared",
        )
        flags = [f.to_dict() for f in detect(story.body)]
        return Shared(story.id, key, flags)


def check_withdraw_key(session: Session, story_id: int, key: str) -> None:
    review = session.get(StoryReview, story_id)
    if (
        review is None
        or review.withdraw_key_hash is None
        or not secrets.compare_digest(review.withdraw_key_hash, _hash(key))
    ):
        raise PermissionDenied(
            "that withdraw key does not match this story; check the link you kept"
        )


def do_edit_story(
    db: Database, story_id: int, body: str, *, role: Actor, actor: str,
    scopes: Scopes = EVERYWHERE,
) -> State:  # fmt: skip
    """New text for a story (storyteller or moderator); the check runs again."""
    with db.transaction() as session:
        story = _story(session, story_id, scopes)
        # Check the transition before touching the text, so a refused edit changes nothing.
        apply(state_of(session, story), Action(Kind.EDIT, role))
        story.body = _clean(body, "story", MAX_BODY, required=True) or ""
        opened = _store_flags(session, story)
        return step(session, story, Action(Kind.EDIT, role, open_flags=opened), actor, "edited")


def do_resolve_flag(
    db: Database, flag_id: int, reason: str, *, actor: str, scopes: Scopes = EVERYWHERE
) -> State:
    """A moderator marks one flag acceptable, with a reason."""
    reason_text = _clean(reason, "reason", 280, required=True)
    with db.transaction() as session:
        flag = session.get(StoryFlag, flag_id)
        if flag is None:
            raise NotFound(f"there is no flag {flag_id}")
        story = _story(session, flag.story_id, scopes)
        if flag.status is not FlagStatus.OPEN:
            raise InvalidInput(f"flag {flag_id} is already {flag.status.value}")
        after = step(session, story, Action(Kind.RESOLVE_FLAG, Actor.MODERATOR), actor, reason_text)
        flag.status, flag.reason = FlagStatus.ACCEPTED, reason_text
        flag.resolved_by, flag.resolved_at = actor[:80], utcnow()
        return after


MODERATION = {Kind.REQUEST_CHANGES, Kind.APPROVE, Kind.PUBLISH, Kind.UNPUBLISH}


def do_moderate(
    db: Database, story_id: int, kind: Kind, *, actor: str, note: str | None = None,
    scopes: Scopes = EVERYWHERE,
) -> State:  # fmt: skip
    """Ask for changes, approve, publish or unpublish a story."""
    if kind not in MODERATION:
        raise InvalidInput(f"'{kind}' is not a moderation step; use one of {sorted(MODERATION)}")
    with db.transaction() as session:
        story = _story(session, story_id, scopes)
        after = step(session, story, Action(kind, Actor.MODERATOR), actor, note)
        told = {Kind.PUBLISH: "published", Kind.REQUEST_CHANGES: "changes_requested"}
        if kind in told:
            notify_storyteller(session, story.id, told[kind], note)
        return after


def do_set_consent(db: Database, story_id: int, consent: str, *, key: str) -> State:
    """The storyteller changes their consent level (needs their withdraw key)."""
    try:
        level = Consent(consent)
    except ValueError:
        raise InvalidInput(
            f"consent '{consent}' is not one of private, training, publish"
        ) from None
    with db.transaction() as session:
        check_withdraw_key(session, story_id, key)
        story = _story(session, story_id)
        action = Action(Kind.SET_CONSENT, Actor.STORYTELLER, consent=level)
        return step(session, story, action, "storyteller")


def do_withdraw(
    db: Database, story_id: int, *, key: str | None = None, on_behalf: str | None = None
) -> State:
    """Withdraw a story: with the storyteller's key, or by staff recording their request."""
    if key is None and not on_behalf:
        raise InvalidInput("give the storyteller's withdraw key, or who recorded their request")
    with db.transaction() as session:
        if key is not None:
            check_withdraw_key(session, story_id, key)
        story = _story(session, story_id)
        note = None if key is not None else f"at the storyteller's request, recorded by {on_behalf}"
        return step(session, story, Action(Kind.WITHDRAW, Actor.STORYTELLER), "storyteller", note)


def do_add_safeguarding_contact(
    db: Database, name: str, email: str, service: str | None = None
) -> int:
    """Name the person safeguarding concerns go to, for one service or (no service) the rest."""
    with db.transaction() as session:
        service = _clean(service, "service", 80)
        old = session.scalar(
            select(SafeguardingContact).where(
                SafeguardingContact.service.is_(None)
                if service is None
                else SafeguardingContact.service == service
            )
        )
        if old is not None:
            session.delete(old)
            session.flush()
        contact = SafeguardingContact(
            name=_clean(name, "name", 120, required=True),
            email=_clean(email, "email", 254, required=True),
            service=service,
        )
        session.add(contact)
        session.flush()
        return contact.id


def do_set_criticality(
    db: Database, story_id: int, criticality: str, *, actor: str, scopes: Scopes = EVERYWHERE
) -> str | None:
    """Set a story's criticality; a safeguarding concern is routed to the named contact.

    Returns the name it was routed to. Refuses a safeguarding concern when no
    contact is set, so it cannot be recorded and go nowhere.
    """
    try:
        level = Criticality(criticality)
    except ValueError:
        choices = ", ".join(c.value for c in Criticality)
        raise InvalidInput(f"criticality '{criticality}' is not one of {choices}") from None
    with db.transaction() as session:
        story = _story(session, story_id, scopes)
        review = _review(session, story_id)
        review.criticality = level
        review.routed_to = None
        if level is Criticality.SAFEGUARDING:
            contacts = session.scalars(select(SafeguardingContact)).all()
            chosen = next((c for c in contacts if c.service and c.service == story.service), None)
            chosen = chosen or next((c for c in contacts if c.service is None), None)
            if chosen is None:
                raise InvalidInput(
                    "no safeguarding contact is set; add one "
                    "(groundswell stories safeguarding-contact NAME EMAIL) first"
                )
            review.routed_to = f"{chosen.name} <{chosen.email}>"
            # Routing means the contact hears of it now, not that an address is stored.
            notify_safeguarding(session, story.id, chosen.name, chosen.email)
        session.add(
            StoryEvent(
                story_id=story.id, actor_role="moderator", actor=actor[:80],
                action=f"criticality:{level.value}", status=story.status.value,
                consent=story.consent_level.value, note=review.routed_to,
            )
        )  # fmt: skip
        return review.routed_to


def do_respond(
    db: Database, story_id: int, author: str, body: str, *, scopes: Scopes = EVERYWHERE
) -> int:
    """A staff response to a story."""
    with db.transaction() as session:
        story = _story(session, story_id, scopes)
        if story.status is StoryStatus.WITHDRAWN:
            raise InvalidInput("this story was withdrawn; it cannot take responses")
        response = StoryResponse(
            story_id=story_id,
            author=_clean(author, "author", 120, required=True),
            body=_clean(body, "response", 5000, required=True),
        )
        session.add(response)
        session.flush()
        notify_storyteller(session, story_id, "response", response.body)
        return response.id


def do_mark_change(
    db: Database, story_id: int, change: str, *, actor: str, note: str | None = None,
    scopes: Scopes = EVERYWHERE,
) -> None:  # fmt: skip
    """Record that a change was planned, or made, because of this story."""
    try:
        marker = ChangeMarker(change)
    except ValueError:
        raise InvalidInput(f"change '{change}' is not one of none, planned, made") from None
    with db.transaction() as session:
        _story(session, story_id, scopes)
        review = _review(session, story_id)
        was = review.change
        review.change, review.change_note = marker, _clean(note, "note", 280)
        if marker is ChangeMarker.MADE and was is not ChangeMarker.MADE:
            notify_storyteller(session, story_id, "change_made", review.change_note)


def change_share(db: Database) -> dict[str, Any]:
    """Share of concerns (criticality above routine) that led to a change planned or made."""
    with db.reading() as session:
        rows = session.execute(
            select(StoryReview.change)
            .join(Story, Story.id == StoryReview.story_id)
            .where(
                StoryReview.criticality != Criticality.ROUTINE,
                Story.status != StoryStatus.WITHDRAWN,
            )
        ).all()
    concerns = len(rows)
    planned = sum(1 for (c,) in rows if c is ChangeMarker.PLANNED)
    made = sum(1 for (c,) in rows if c is ChangeMarker.MADE)
    return {
        "concerns": concerns,
        "planned": planned,
        "made": made,
        "share": (planned + made) / concerns if concerns else None,
    }
