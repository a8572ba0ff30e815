"""Build the demo movement into the database: all of it in one transaction, or none of it.

The demo marks its people with refs ``demo-000001`` ...: a database whose people
all carry that mark (and that recorded a ``demo.build``) is rebuilt on request,
while one holding anyone else is refused unless ``replace=True``, which deletes
the movement's records first. The audit trail is kept either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, cast

import numpy as np
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.bulk_insert import (
    as_rows,
    bulk_insert,
    dates,
    keys_at,
    names_at,
    optional_keys,
    utc_times,
)
from groundswell.actions.demo_campaign import write_campaign, write_surveys
from groundswell.actions.demo_conversations import write_conversation, write_live_conversation
from groundswell.actions.demo_listening import listening_counts, write_listening
from groundswell.demo import DemoMovement, generate, places
from groundswell.demo import conversation as dconv
from groundswell.demo import events as dev
from groundswell.demo import stories as dstories
from groundswell.demo.initiatives import MEMBER_ROLES, SPECS, started_on
from groundswell.demo.population import KINDS
from groundswell.demo.ties import TIE_KINDS
from groundswell.errors import Conflict
from groundswell.settings import Settings
from groundswell.store.models import (
    ActivityLog,
    Attendance,
    AuditEvent,
    Base,
    Campaign,
    Comment,
    Conversation,
    Event,
    HarvestNote,
    Initiative,
    ListeningEvent,
    ListeningHost,
    ListeningTable,
    Membership,
    Participant,
    Person,
    Pledge,
    Recruitment,
    Statement,
    Story,
    SurveyResponse,
    Tie,
    Vote,
)

REF_PREFIX = "demo-"
ACTOR = "groundswell demo"
Progress = Callable[[str, int, int], None]
"""Called with (phase, phase number, number of phases) as each phase starts."""

# Every table the demo writes, i.e. everything ``replace`` clears (not the audit trail).
# fmt: off
MODELS = (
    Person, Tie, Recruitment, Initiative, Membership, Event, Attendance, Pledge, Conversation,
    Participant, Statement, Vote, Campaign, ActivityLog, SurveyResponse, Story,
    ListeningEvent, ListeningTable, ListeningHost, HarvestNote, Comment,
)
PHASES = (
    "generate", "clear", "people", "ties", "initiatives", "events", "conversation",
    "campaign", "surveys", "stories", "listening", "audit",
)
# fmt: on

FORTNIGHT = timedelta(days=14)


class DemoTarget(Database, Protocol):
    """An ``App``-shaped database whose settings give the default demo size."""

    @property
    def settings(self) -> Settings: ...


@dataclass
class DemoSummary:
    """What the build wrote: rows per table, people per town, and how long it took."""

    seed: int
    people: int
    today: str  # the last day of the demo's two years, YYYY-MM-DD
    towns: dict[str, int]
    counts: dict[str, int]
    replaced: int = 0  # people deleted before building
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _guard(session: Session, replace: bool) -> int:
    """Refuse to touch a database holding anything but a previous demo; clear it if allowed."""
    people = session.scalar(select(func.count()).select_from(Person)) or 0
    others = (
        session.scalar(
            select(func.count()).select_from(Person).where(Person.ref.not_like(f"{REF_PREFIX}%"))
        )
        or 0
    )
    content = sum(
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Initiative, Conversation, Campaign, Story)
    )
    built = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "demo.build")
    )
    if not replace and (others or ((people or content) and not built)):
        noun = "person who is" if others == 1 else "people who are"
        what = f"{others:,} {noun} not from a demo build" if others else "records"
        raise Conflict(
            f"the database already holds {what}; use an empty database "
            "(set GROUNDSWELL_DATABASE_URL) or pass --replace to delete everything in it first"
        )
    # Children before parents, so foreign keys hold at every step.
    mine = {cast(Table, m.__table__).name for m in MODELS}
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in mine:
            session.execute(table.delete())
    return int(people)


def do_build_demo(
    app: DemoTarget,
    seed: int,
    people: int | None = None,
    *,
    today: date | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> DemoSummary:
    """Generate the demo movement for ``seed`` and write it in one transaction.

    The movement's two years end ``today`` (default: today's date in UTC), so
    it is alive on the day it is built; the same seed, size and ``today`` write
    the same rows. Raises ``Conflict`` (and changes nothing) when the database
    holds people who are not from a demo build, unless ``replace`` is true.
    """
    people = app.settings.demo_people if people is None else people
    today = datetime.now(UTC).date() if today is None else today
    started = time.perf_counter()
    clock: dict[str, float] = {}
    since: dict[str, float] = {}  # the running phase and when it started

    def phase(name: str) -> None:
        now = time.perf_counter()
        for running, at in since.items():
            clock[running] = round(now - at, 3)
        since.clear()
        if name:
            since[name] = now
        if progress is not None and name in PHASES:
            progress(name, PHASES.index(name), len(PHASES))

    phase("generate")
    movement = generate(seed, people, today=today)
    with app.transaction() as session:
        phase("clear")
        replaced = _guard(session, replace)
        counts = _write(session, movement, phase)
        phase("audit")
        detail = {
            "seed": int(seed),
            "people": movement.n,
            "today": today.isoformat(),
            "counts": counts,
            "replaced": replaced,
        }
        session.add(
            AuditEvent(
                actor=ACTOR,
                action="demo.build",
                subject_type="demo",
                subject_id=str(seed),
                detail=detail,
            )
        )
        phase("commit")
    phase("")
    towns = np.bincount(movement.population.town, minlength=len(places.TOWN_NAMES))
    return DemoSummary(
        seed=int(seed),
        people=movement.n,
        today=today.isoformat(),
        towns={name: int(c) for name, c in zip(places.TOWN_NAMES, towns, strict=True)},
        counts=counts,
        replaced=replaced,
        seconds=round(time.perf_counter() - started, 3),
        phase_seconds=clock,
    )


def _write(session: Session, mv: DemoMovement, phase: Callable[[str], None]) -> dict[str, int]:
    """Insert every part of the movement; return rows written per table."""
    pop, cons, tree, at = mv.population, mv.consent, mv.recruitment, mv.period
    # A person's record was made when they joined: the demo's database is all of its period.
    joined = utc_times(at, mv.joined_day)
    phase("people")
    refs = mv.refs()
    person = bulk_insert(
        session,
        Person,
        as_rows(
            mv.n,
            ref=refs,
            display_name=pop.display_name.tolist(),
            # Those who agreed to be contacted get an address on the reserved example.org
            # domain (RFC 2606): the demo's digests and reminders go nowhere real.
            email=[
                f"{r}@example.org" if ok else None
                for r, ok in zip(refs, cons.contact.tolist(), strict=True)
            ],
            town=names_at(places.TOWN_NAMES, pop.town),
            kind=names_at(KINDS, pop.kind),
            consent_contact=cons.contact.tolist(),
            consent_contact_at=utc_times(at, cons.contact_day),
            consent_analytics=cons.analytics.tolist(),
            consent_analytics_at=utc_times(at, cons.analytics_day),
            joined_at=joined,
            created_at=joined,
        ),
        ids=True,
    )

    phase("ties")
    t = mv.ties
    bulk_insert(
        session,
        Tie,
        as_rows(
            len(t),
            source_id=keys_at(person, t.src),
            target_id=keys_at(person, t.dst),
            kind=names_at(TIE_KINDS, t.kind),
            weight=t.weight.tolist(),
            origin="demo",
        ),
    )
    rec = np.flatnonzero(tree.recruiter >= 0)
    bulk_insert(
        session,
        Recruitment,
        as_rows(
            rec.size,
            recruiter_id=keys_at(person, tree.recruiter[rec]),
            recruit_id=keys_at(person, rec),
            at=utc_times(at, tree.joined_day[rec]),
        ),
    )

    phase("initiatives")
    initiative = bulk_insert(
        session,
        Initiative,
        [
            {
                "slug": s.slug,
                "name": s.name,
                "purpose": s.purpose,
                "hand": s.hand,
                "power_mode": s.power_mode,
                "town": s.town,
                "started_on": started_on(s, at),
                "created_at": datetime.combine(started_on(s, at), datetime.min.time(), UTC),
            }
            for s in SPECS
        ],
        ids=True,
    )
    ms = mv.memberships
    bulk_insert(
        session,
        Membership,
        as_rows(
            ms.person.size,
            initiative_id=keys_at(initiative, ms.initiative),
            person_id=keys_at(person, ms.person),
            role=names_at(MEMBER_ROLES, ms.role),
            joined_on=dates(at, ms.joined_day),
        ),
    )

    phase("events")
    act = mv.activity
    held = dates(at, act.event_day)
    event = bulk_insert(
        session,
        Event,
        as_rows(
            act.event_day.size,
            initiative_id=optional_keys(initiative, act.event_initiative),
            title=list(act.event_title),
            kind=list(act.event_kind),
            held_on=held,
            # Set up a fortnight before it was held: a demo built twice is the same.
            created_at=[
                None if d is None else datetime.combine(d, datetime.min.time(), UTC) - FORTNIGHT
                for d in held
            ],
            town=names_at(places.TOWN_NAMES, act.event_town),
            led_by_id=keys_at(person, act.event_leader),
        ),
        ids=True,
    )
    bulk_insert(
        session,
        Attendance,
        as_rows(
            act.attend_person.size,
            event_id=keys_at(event, act.attend_event),
            person_id=keys_at(person, act.attend_person),
            role=names_at(dev.ATTEND_ROLES, act.attend_role),
        ),
    )
    bulk_insert(
        session,
        Pledge,
        as_rows(
            act.pledge_person.size,
            person_id=keys_at(person, act.pledge_person),
            initiative_id=optional_keys(initiative, act.pledge_initiative),
            text=names_at(dev.PLEDGE_TEXTS, act.pledge_text),
            status=names_at(dev.PLEDGE_STATUSES, act.pledge_status),
            made_at=utc_times(at, act.pledge_made),
            shared_at=utc_times(at, act.pledge_shared),
            done_at=utc_times(at, act.pledge_done),
        ),
    )

    phase("conversation")
    write_conversation(session, mv, person, int(initiative[0]))
    write_live_conversation(session, at, int(initiative[0]))

    phase("campaign")
    write_campaign(session, mv, person, int(initiative[0]))
    phase("surveys")
    write_surveys(session, mv, person)

    phase("stories")
    st = mv.stories
    told = [dstories.STORIES[i] for i in st.story.tolist()]
    bulk_insert(
        session,
        Story,
        as_rows(
            len(told),
            person_id=keys_at(person, st.person),
            title=[x[0] for x in told],
            service=[x[1] for x in told],
            theme=[x[2] for x in told],
            body=[x[3] for x in told],
            consent_level=names_at(dstories.CONSENT_LEVELS, st.consent),
            status=names_at(dstories.STORY_STATUSES, st.status),
            created_at=utc_times(at, st.day),
        ),
    )
    phase("listening")
    write_listening(session, mv)
    return movement_counts(mv)


def movement_counts(mv: DemoMovement) -> dict[str, int]:
    """Rows the movement puts in each table."""
    act, cv = mv.activity, mv.conversation
    return {
        "people": mv.n,
        "ties": len(mv.ties),
        "recruitments": int((mv.recruitment.recruiter >= 0).sum()),
        "initiatives": len(SPECS),
        "memberships": int(mv.memberships.person.size),
        "events": int(act.event_day.size),
        "attendances": int(act.attend_person.size),
        "pledges": int(act.pledge_person.size),
        "conversations": 2,  # the closed one with its votes, and the live one
        "participants": int(cv.participant_person.size),
        "statements": len(cv.statement_text) + len(dconv.LIVE_SEEDS),
        "votes": int(cv.vote_pid.size),
        "campaigns": 1,
        "activity_logs": int(mv.campaign.log_person.size),
        "survey_responses": int(mv.surveys.person.size),
        "stories": int(mv.stories.person.size),
        **listening_counts(),
    }
