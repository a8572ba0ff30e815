"""The weekly digest: "you said, we did" for everyone who consented to hear from the movement.

Each person with an email and ``consent_contact`` (and who has not turned
the digest off) gets one message about the week in what they follow: the
initiatives they are members of (decisions made with them, events coming up)
and the conversations they took part in (statements accepted, conversations
closed with their report), with the movement's week in numbers.

Built with a handful of grouped queries and one bulk insert, not a query per
person: the 20,000-person demo's digest is written in seconds (see
``benchmarks/digest.py``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from groundswell.actions import Database
from groundswell.actions.outbox import address_hash
from groundswell.measures.suppression import MIN_CELL
from groundswell.store.models import (
    Conversation,
    CoproductionDecision,
    Event,
    Initiative,
    Membership,
    NotificationOptOut,
    OutboxMessage,
    OutboxStatus,
    Participant,
    Person,
    Statement,
    StatementStatus,
    StoryEvent,
    utcnow,
)

MOST_ITEMS = 5  # of each list in one message: a digest is read on a phone


def _few(count: int) -> str:
    # A count of stories is a count of people who shared one: under 10 is not given exactly.
    return f"{count:,}" if count >= MIN_CELL or count == 0 else f"fewer than {MIN_CELL}"


def enqueue_digests(db: Database, *, now: datetime, since: datetime) -> int:
    """Add this week's digest for every consenting person with an email; return how many."""
    with db.transaction() as session:
        people = session.execute(
            select(Person.id, Person.email).where(
                Person.email.is_not(None), Person.consent_contact.is_(True)
            )
        ).all()
        off = set(
            session.scalars(
                select(NotificationOptOut.address_hash).where(
                    NotificationOptOut.kind.in_(("digest", "*"))
                )
            )
        )
        recipients = [
            (pid, email) for pid, email in people if email and address_hash(email) not in off
        ]
        if not recipients:
            return 0

        initiatives = dict(session.execute(select(Initiative.id, Initiative.name)).all())
        member_of: dict[int, list[int]] = defaultdict(list)
        for pid, iid in session.execute(
            select(Membership.person_id, Membership.initiative_id).where(
                Membership.left_on.is_(None)
            )
        ):
            member_of[pid].append(iid)
        decisions: dict[int, list[str]] = defaultdict(list)
        for iid, what in session.execute(
            select(CoproductionDecision.initiative_id, CoproductionDecision.what)
            .where(CoproductionDecision.decided_on >= since.date())
            .order_by(CoproductionDecision.decided_on.desc())
        ):
            decisions[int(iid)].append(what)
        events: dict[int, list[str]] = defaultdict(list)
        for event_iid, title, day in session.execute(
            select(Event.initiative_id, Event.title, Event.held_on)
            .where(
                Event.initiative_id.is_not(None),
                Event.held_on >= now.date(),
                Event.held_on <= (now + timedelta(days=7)).date(),
            )
            .order_by(Event.held_on)
        ):
            events[int(event_iid or 0)].append(f"{title} ({day:%A %d %B})")

        took_part: dict[int, set[int]] = defaultdict(set)
        for who, cid in session.execute(
            select(Participant.person_id, Participant.conversation_id).where(
                Participant.person_id.is_not(None)
            )
        ):
            took_part[int(who or 0)].add(cid)
        conversations = {
            cid: (topic, slug, closed)
            for cid, topic, slug, closed in session.execute(
                select(
                    Conversation.id, Conversation.topic, Conversation.slug, Conversation.closed_at
                )
            )
        }
        accepted = dict(
            session.execute(
                select(Statement.conversation_id, func.count())
                .where(
                    Statement.status == StatementStatus.ACCEPTED,
                    Statement.is_seed.is_(False),
                    Statement.created_at >= since,
                )
                .group_by(Statement.conversation_id)
            ).all()
        )
        published = int(
            session.scalar(
                select(func.count())
                .select_from(StoryEvent)
                .where(StoryEvent.action == "publish", StoryEvent.at >= since)
            )
            or 0
        )
        week = {
            "statements": f"{sum(accepted.values()):,}",
            "stories": _few(published),
            "since": since.date(),
        }

        rows = []
        created = utcnow()
        for pid, email in recipients:
            mine = sorted(member_of.get(pid, ()))
            said = []
            for cid in sorted(took_part.get(pid, ())):
                topic, slug, closed = conversations[cid]
                n = accepted.get(cid, 0)
                closed_now = closed is not None and closed >= since
                if n or closed_now:
                    said.append({"topic": topic, "accepted": n, "closed": closed_now, "slug": slug})
            did = [
                {"initiative": initiatives.get(iid, ""), "what": what}
                for iid in mine
                for what in decisions.get(iid, ())[:MOST_ITEMS]
            ][:MOST_ITEMS]
            coming = [e for iid in mine for e in events.get(iid, ())][:MOST_ITEMS]
            context = {
                "week": week,
                "said": said[:MOST_ITEMS],
                "did": did,
                "coming": coming,
                "path": "/initiatives",
            }
            rows.append(
                {
                    "kind": "digest",
                    "to_address": email,
                    "subject": f"Your week in the movement, from {since:%d %B}",
                    "template": "digest",
                    "context": json.dumps(context, default=str, sort_keys=True),
                    "person_id": pid,
                    "status": OutboxStatus.QUEUED,
                    "attempts": 0,
                    "not_before": created,
                    "created_at": created,
                }
            )
        for start in range(0, len(rows), 5000):
            session.execute(insert(OutboxMessage), rows[start : start + 5000])
        return len(rows)
