"""Personal links to the wellbeing survey: issue them, open one, answer through it.

An organiser issues links for the people who agreed to be contacted (all of
them, a town's, a campaign's people, who joined it or logged days in it, or
one team of a campaign), within the people their grants cover, and sends
them out themselves (mail merge, text message); the CSV of links is a read
of personal data and is audited.
Issuing again for the same people and campaign ends their earlier open links,
so only the newest list works.

Whoever holds a link answers once, without an account: consent first, then
ONS4 and, where the organisation has set up its licensed wording, SWEMWBS.
Answers are stored as ``do_record_survey`` stores them (mode online, consent
time kept, the day's earlier answers replaced), in the same transaction that
spends the link, so a second try at the same link, even at the same moment,
stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.measures import NO_CONSENT, store_answers
from groundswell.actions.scopes import person_in_scope
from groundswell.auth.permissions import Scopes
from groundswell.auth.tokens import hash_token, new_token
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.measures import instruments as ins
from groundswell.store.models import (
    ActivityLog,
    Campaign,
    CampaignMember,
    Person,
    WellbeingLink,
    utcnow,
)

LINK_DAYS = 30
MOST_DAYS = 365
State = Literal["open", "used", "expired"]
CSV_HEADER = ("person", "display_name", "email", "link", "expires")


@dataclass(frozen=True)
class IssuedLink:
    """One person's new link (the token exists only here, never in the database)."""

    person: str
    display_name: str | None
    email: str | None
    token: str
    expires_at: datetime

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/w/{self.token}"


@dataclass(frozen=True)
class LinkView:
    """What the public page needs: whether the link may be answered, and for what."""

    state: State
    campaign: str | None
    expires_at: datetime


@dataclass(frozen=True)
class AnsweredLink:
    instruments: tuple[str, ...]
    answered_on: date


def _campaign_id(session: Session, slug: str) -> int:
    cid = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
    if cid is None:
        raise NotFound(f"there is no campaign '{slug}'; see 'groundswell campaigns list'")
    return cid


def do_issue_links(
    db: Database,
    *,
    actor: str,
    scopes: Scopes | None = None,
    campaign: str | None = None,
    town: str | None = None,
    team: str | None = None,
    days: int = LINK_DAYS,
) -> list[IssuedLink]:
    """New links for everyone chosen who agreed to be contacted, audited as a read of them."""
    if not 1 <= days <= MOST_DAYS:
        raise InvalidInput(f"a link lasts 1 to {MOST_DAYS} days, not {days}; choose another")
    if team and not campaign:
        raise InvalidInput("a team belongs to a campaign: name the campaign too")
    scopes = scopes or Scopes(everything=True)
    now = utcnow()
    with db.transaction() as session:
        query = select(Person.id, Person.ref, Person.display_name, Person.email).where(
            Person.consent_contact.is_(True), person_in_scope(scopes, Person.id)
        )
        cid = _campaign_id(session, campaign) if campaign else None
        if cid is not None:
            # A campaign's people: those who joined it (a team is part of joining) and,
            # without a team asked for, those who logged days in it, as outcome reports count.
            members = select(CampaignMember.person_id).where(CampaignMember.campaign_id == cid)
            if team:
                members = members.where(func.lower(CampaignMember.team) == team.strip().lower())
                query = query.where(Person.id.in_(members))
            else:
                logged = select(ActivityLog.person_id).where(ActivityLog.campaign_id == cid)
                query = query.where(or_(Person.id.in_(members), Person.id.in_(logged)))
        if town:
            query = query.where(func.lower(Person.town) == town.strip().lower())
        people = session.execute(query.order_by(Person.ref)).all()
        ids = [p.id for p in people]
        # Only the newest list works: earlier open links for the same survey end now.
        for start in range(0, len(ids), 1000):
            session.execute(
                update(WellbeingLink)
                .where(
                    WellbeingLink.person_id.in_(ids[start : start + 1000]),
                    WellbeingLink.campaign_id.is_(None)
                    if cid is None
                    else WellbeingLink.campaign_id == cid,
                    WellbeingLink.used_at.is_(None),
                    WellbeingLink.expires_at > now,
                )
                .values(expires_at=now)
            )
        expires = now + timedelta(days=days)
        issued = []
        for person in people:
            token = new_token()
            session.add(
                WellbeingLink(person_id=person.id, token_hash=hash_token(token), campaign_id=cid,
                              created_at=now, expires_at=expires)
            )  # fmt: skip
            issued.append(IssuedLink(person.ref, person.display_name, person.email, token, expires))
        if not issued:
            return issued  # nobody's details were read: nothing to audit
        record_access(
            session, actor, "issue_wellbeing_links", "people", None,
            {"people": len(issued), "campaign": campaign, "town": town, "team": team,
             "days": days},
        )  # fmt: skip
    return issued


def link_rows(links: Sequence[IssuedLink], base_url: str) -> list[list[str]]:
    """The links as CSV rows (header first), for a mail merge; write them with csvsafe."""
    rows = [list(CSV_HEADER)]
    for link in links:
        rows.append([link.person, link.display_name or "", link.email or "",
                     link.url(base_url), link.expires_at.date().isoformat()])  # fmt: skip
    return rows


def _find(session: Session, token: str) -> WellbeingLink:
    digest = hash_token(token)
    link = session.scalar(select(WellbeingLink).where(WellbeingLink.token_hash == digest))
    if link is None:
        raise NotFound("this survey link is not known here; check it was copied whole")
    return link


def _state(link: WellbeingLink, now: datetime) -> State:
    if link.used_at is not None:
        return "used"
    return "open" if link.expires_at > now else "expired"


def open_link(db: Database, token: str) -> LinkView:
    """The link's state and campaign; ``NotFound`` for a token that was never issued."""
    with db.reading() as session:
        link = _find(session, token)
        name = None
        if link.campaign_id is not None:
            name = session.scalar(select(Campaign.name).where(Campaign.id == link.campaign_id))
        return LinkView(_state(link, utcnow()), name, link.expires_at)


def do_answer_link(
    db: Database,
    token: str,
    *,
    consent: bool,
    ons4: Sequence[object],
    swemwbs: Sequence[object] | None = None,
) -> AnsweredLink:
    """Store the answers given through a link, once; ``Conflict`` if it is used or expired."""
    if not consent:
        raise InvalidInput(f"{NO_CONSENT}; nothing was stored")
    answers = {ins.ONS4: ins.check_answers(ins.ONS4, ons4)}
    if swemwbs is not None:
        answers[ins.SWEMWBS] = ins.check_answers(ins.SWEMWBS, swemwbs)
    now = utcnow()
    day = now.date()
    with db.transaction() as session:
        link = _find(session, token)
        # Spend the link only if it is still open: of two answers at once, one wins.
        spent = session.execute(
            update(WellbeingLink)
            .where(
                WellbeingLink.id == link.id,
                WellbeingLink.used_at.is_(None),
                WellbeingLink.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            state = "used" if link.used_at is not None else _state(link, now)
            raise Conflict(f"this survey link is {state}: nothing more can be stored through it")
        ref = session.scalar(select(Person.ref).where(Person.id == link.person_id)) or ""
        for instrument, values in answers.items():
            store_answers(session, link.person_id, ref, instrument, day, values, "online",
                          update=True)  # fmt: skip
    return AnsweredLink(tuple(answers), day)
