"""Notifications that close the loop: each adds email to the outbox in the caller's transaction.

Every ``notify_*`` takes the session of the action that causes it, so the
message is sent only if that action commits. Who hears:

- a statement's author: the account that added it while signed in, or the
  person behind an imported participant (their consented email);
- a storyteller, at the address they chose when they shared (or nobody);
- a safeguarding contact, when a story is routed to them (a link, never the story);
- whoever RSVPed to an event with an email and consent to contact.

Each kind can be turned off by the person (``/account/notifications`` or the
link in every message); the worker skips it then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions.outbox import enqueue_email, enqueue_job
from groundswell.store.models import (
    Conversation,
    Event,
    Participant,
    Person,
    Rsvp,
    RsvpStatus,
    Statement,
    StatementAuthor,
    StatementStatus,
    Story,
    StoryContact,
    User,
    utcnow,
)

# What a person can turn off, with the words the preferences page uses.
KINDS: dict[str, str] = {
    "statement_moderated": "When a statement you added is accepted or rejected",
    "story_update": "News of a story you shared: published, changes asked for, responses",
    "story_change": "When something changes because of a story you shared",
    "event": "Event confirmations, reminders the day before and thank-yous",
    "pledge_nudge": "A reminder of a pledge you have not marked done",
    "digest": "A weekly digest of what happened in what you follow",
}

STORY_TEMPLATES = {
    "published": ("Your story has been published", "story_update"),
    "changes_requested": ("Your story: changes asked for", "story_update"),
    "response": ("A response to your story", "story_update"),
    "change_made": ("A change because of your story", "story_change"),
}


def contact_for(session: Session, person_id: int | None) -> str | None:
    """Where to write to a person: their consented email, else their account's address."""
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        return None
    if person.email and person.consent_contact:
        return person.email
    return session.scalar(
        select(User.email)
        .where(User.person_id == person_id, User.disabled.is_(False))
        .order_by(User.id)
        .limit(1)
    )


def notify_statement_moderated(
    session: Session, statement: Statement, conversation: Conversation, base_url: str = ""
) -> int | None:
    """Tell a statement's author it was accepted or rejected; None when nobody can be told."""
    if statement.is_seed:
        return None
    if statement.status not in (StatementStatus.ACCEPTED, StatementStatus.REJECTED):
        return None
    # The account that added it while signed in; else the person behind an imported participant.
    account = session.execute(
        select(User.id, User.email)
        .join(StatementAuthor, StatementAuthor.user_id == User.id)
        .where(StatementAuthor.statement_id == statement.id, User.disabled.is_(False))
    ).first()
    user_id, to = (account.id, account.email) if account is not None else (None, None)
    person_id = None
    if to is None and statement.author_id is not None:
        person_id = session.scalar(
            select(Participant.person_id).where(Participant.id == statement.author_id)
        )
        to = contact_for(session, person_id)
    if to is None:
        return None
    decision = statement.status.value
    return enqueue_email(
        session,
        to=to,
        kind="statement_moderated",
        subject=f"Your statement was {decision}",
        template="statement_moderated",
        context={
            "topic": conversation.topic,
            "text": statement.text,
            "decision": decision,
            "path": f"/conversations/{conversation.slug}",
        },
        person_id=person_id,
        user_id=user_id,
    )


def notify_storyteller(session: Session, story_id: int, what: str, note: str | None) -> int | None:
    """Tell a storyteller what happened to their story (``what``: a key of STORY_TEMPLATES)."""
    subject, kind = STORY_TEMPLATES[what]
    contact = session.get(StoryContact, story_id)
    story = session.get(Story, story_id)
    if contact is None or story is None:
        return None
    return enqueue_email(
        session,
        to=contact.email,
        kind=kind,
        subject=subject,
        template="story_update",
        context={"what": what, "title": story.title, "note": note or "", "path": "/stories"},
        # A story kept with someone's record: its mail goes with them if they are erased.
        person_id=story.person_id,
    )


def notify_safeguarding(session: Session, story_id: int, name: str, email: str) -> int:
    """Send a routed safeguarding concern to its contact: a link to review it, not the story."""
    return enqueue_email(
        session,
        to=email,
        kind="safeguarding",
        subject="A story needs a safeguarding review",
        template="safeguarding",
        context={"name": name, "story_id": story_id, "path": f"/stories/moderate/{story_id}"},
    )


def _event_context(event: Event) -> dict[str, object]:
    return {
        "title": event.title,
        "starts_at": event.starts_at,
        "place": event.place or event.online_url or event.town or "",
        "path": f"/events/{event.slug}" if event.slug else "/initiatives",
    }


def _rsvp_address(session: Session, rsvp: Rsvp) -> str | None:
    person = session.get(Person, rsvp.person_id)
    if person is None or not person.consent_contact:
        return None
    return rsvp.email or contact_for(session, rsvp.person_id)


def notify_event_rsvp(session: Session, rsvp_id: int) -> int | None:
    """Confirm an RSVP, and schedule the reminder the day before and the thank-you after."""
    rsvp = session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.status is RsvpStatus.CANCELLED:
        return None
    event = session.get(Event, rsvp.event_id)
    to = _rsvp_address(session, rsvp) if event is not None else None
    if event is None or to is None:
        return None
    message = enqueue_email(
        session,
        to=to,
        kind="event",
        subject=f"You're going: {event.title}"
        if rsvp.status is RsvpStatus.GOING
        else f"On the waiting list: {event.title}",
        template="event",
        context={"stage": rsvp.status.value, **_event_context(event)},
        person_id=rsvp.person_id,
    )
    if event.starts_at is not None:
        reminder = max(event.starts_at - timedelta(days=1), utcnow())
        enqueue_job(
            session,
            kind="event_reminder",
            payload={"rsvp_id": rsvp_id, "stage": "reminder"},
            run_at=reminder,
            dedupe_key=f"event_reminder:{rsvp_id}",
        )
        ends = event.ends_at or event.starts_at + timedelta(hours=2)
        enqueue_job(
            session,
            kind="event_reminder",
            payload={"rsvp_id": rsvp_id, "stage": "thanks"},
            run_at=ends + timedelta(hours=1),
            dedupe_key=f"event_thanks:{rsvp_id}",
        )
    return message


def notify_event_stage(session: Session, rsvp_id: int, stage: str, now: datetime) -> int | None:
    """The reminder the day before (``stage='reminder'``) or the thank-you with the survey link
    (``'thanks'``), to those still going; nothing for a cancelled RSVP or event."""
    rsvp = session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.status is not RsvpStatus.GOING:
        return None
    event = session.get(Event, rsvp.event_id)
    if event is None or event.status.value == "cancelled":
        return None
    if stage == "reminder" and event.starts_at is not None and event.starts_at < now:
        return None  # it has started: a reminder now would only confuse
    to = _rsvp_address(session, rsvp)
    if to is None:
        return None
    subject = (
        f"Tomorrow: {event.title}"
        if stage == "reminder"
        else f"Thank you for coming: {event.title}"
    )
    return enqueue_email(
        session,
        to=to,
        kind="event",
        subject=subject,
        template="event",
        context={"stage": stage, "survey_path": "/measures/survey", **_event_context(event)},
        person_id=rsvp.person_id,
    )
