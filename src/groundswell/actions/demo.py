"""Build the demo movement into the database: all of it in one transaction, or none of it.

The demo marks its people with refs ``demo-000001`` ...: a database whose people
all carry that mark (and that recorded a ``demo.build``) is rebuilt on request,
while one holding anyone else is refused unless ``replace=True``, which deletes
the movement's records first. The audit trail is kept either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

import numpy as np
from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.demo import DemoMovement, generate, places
from groundswell.demo import campaign as dc
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
    Conversation,
    Event,
    Initiative,
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
)
PHASES = (
    "generate", "clear", "people", "ties", "initiatives", "events", "conversation",
    "campaign", "surveys", "stories", "audit",
)
# fmt: on


class DemoTarget(Database, Protocol):
    """An ``App``-shaped database whose settings give the default demo size."""

    @property
    def settings(self) -> Settings: ...


@dataclass
class DemoSummary:
    """What the build wrote: rows per table, people per town, and how long it took."""

    seed: int
    people: int
    towns: dict[str, int]
    counts: dict[str, int]
    replaced: int = 0  # people deleted before building
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _aware(values: np.ndarray) -> list[datetime | None]:
    """``datetime64`` (NaT allowed) -> aware UTC datetimes for ``UTCDateTime`` columns."""
    naive = values.astype("datetime64[us]").tolist()
    return [None if v is None else v.replace(tzinfo=UTC) for v in naive]


def _times(days: np.ndarray) -> list[datetime | None]:
    return _aware(places.to_times(days))


def _dates(days: np.ndarray) -> list[date | None]:
    return places.to_dates(days).tolist()


def _insert(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], ids: bool = False
) -> np.ndarray:
    """Bulk insert; with ``ids`` return the new primary keys in row order."""
    table = cast(Table, model.__table__)
    if not rows:
        return np.empty(0, dtype=np.int64)
    if not ids:
        session.execute(insert(table), rows)
        return np.empty(0, dtype=np.int64)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return np.fromiter(session.execute(stmt, rows).scalars(), dtype=np.int64, count=len(rows))


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
    replace: bool = False,
    progress: Progress | None = None,
) -> DemoSummary:
    """Generate the demo movement for ``seed`` and write it in one transaction.

    Raises ``Conflict`` (and changes nothing) when the database holds people
    who are not from a demo build, unless ``replace`` is true.
    """
    people = app.settings.demo_people if people is None else people
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
    movement = generate(seed, people)
    with app.transaction() as session:
        phase("clear")
        replaced = _guard(session, replace)
        counts = _write(session, movement, phase)
        phase("audit")
        detail = {"seed": int(seed), "people": movement.n, "counts": counts, "replaced": replaced}
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
        towns={name: int(c) for name, c in zip(places.TOWN_NAMES, towns, strict=True)},
        counts=counts,
        replaced=replaced,
        seconds=round(time.perf_counter() - started, 3),
        phase_seconds=clock,
    )


def _rows(n: int, **columns: Any) -> list[dict[str, Any]]:
    """Row dicts from columns; a column that is not a list is the same in every row."""
    cols = {k: v if isinstance(v, list) else [v] * n for k, v in columns.items()}
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def _ids(keys: np.ndarray, index: np.ndarray) -> list[int]:
    return keys[index].tolist()


def _optional(keys: np.ndarray, index: np.ndarray) -> list[int | None]:
    """Keys for an index where -1 means none."""
    return [None if i < 0 else int(keys[i]) for i in index.tolist()]


def _pick(names: Sequence[str], codes: np.ndarray) -> list[str]:
    return [names[c] for c in codes.tolist()]


def _write(session: Session, mv: DemoMovement, phase: Callable[[str], None]) -> dict[str, int]:
    """Insert every part of the movement; return rows written per table."""
    pop, cons, tree = mv.population, mv.consent, mv.recruitment
    phase("people")
    person = _insert(
        session,
        Person,
        _rows(
            mv.n,
            ref=mv.refs(),
            display_name=pop.display_name.tolist(),
            town=_pick(places.TOWN_NAMES, pop.town),
            kind=_pick(KINDS, pop.kind),
            consent_contact=cons.contact.tolist(),
            consent_contact_at=_times(cons.contact_day),
            consent_analytics=cons.analytics.tolist(),
            consent_analytics_at=_times(cons.analytics_day),
            joined_at=_times(tree.joined_day),
        ),
        ids=True,
    )

    phase("ties")
    t = mv.ties
    _insert(
        session,
        Tie,
        _rows(
            len(t),
            source_id=_ids(person, t.src),
            target_id=_ids(person, t.dst),
            kind=_pick(TIE_KINDS, t.kind),
            weight=t.weight.tolist(),
            origin="demo",
        ),
    )
    rec = np.flatnonzero(tree.recruiter >= 0)
    _insert(
        session,
        Recruitment,
        _rows(
            rec.size,
            recruiter_id=_ids(person, tree.recruiter[rec]),
            recruit_id=_ids(person, rec),
            at=_times(tree.joined_day[rec]),
        ),
    )

    phase("initiatives")
    initiative = _insert(
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
                "started_on": started_on(s),
            }
            for s in SPECS
        ],
        ids=True,
    )
    ms = mv.memberships
    _insert(
        session,
        Membership,
        _rows(
            ms.person.size,
            initiative_id=_ids(initiative, ms.initiative),
            person_id=_ids(person, ms.person),
            role=_pick(MEMBER_ROLES, ms.role),
            joined_on=_dates(ms.joined_day),
        ),
    )

    phase("events")
    act = mv.activity
    event = _insert(
        session,
        Event,
        _rows(
            act.event_day.size,
            initiative_id=_optional(initiative, act.event_initiative),
            title=list(act.event_title),
            kind=list(act.event_kind),
            held_on=_dates(act.event_day),
            town=_pick(places.TOWN_NAMES, act.event_town),
            led_by_id=_ids(person, act.event_leader),
        ),
        ids=True,
    )
    _insert(
        session,
        Attendance,
        _rows(
            act.attend_person.size,
            event_id=_ids(event, act.attend_event),
            person_id=_ids(person, act.attend_person),
            role=_pick(dev.ATTEND_ROLES, act.attend_role),
        ),
    )
    _insert(
        session,
        Pledge,
        _rows(
            act.pledge_person.size,
            person_id=_ids(person, act.pledge_person),
            initiative_id=_optional(initiative, act.pledge_initiative),
            text=_pick(dev.PLEDGE_TEXTS, act.pledge_text),
            status=_pick(dev.PLEDGE_STATUSES, act.pledge_status),
            made_at=_times(act.pledge_made),
            shared_at=_times(act.pledge_shared),
            done_at=_times(act.pledge_done),
        ),
    )

    phase("conversation")
    _write_conversation(session, mv, person, int(initiative[0]))
    _write_live_conversation(session, int(initiative[0]))

    phase("campaign")
    camp = mv.campaign
    first, last = places.to_dates(np.array([dc.START, dc.START + dc.LENGTH - 1])).tolist()
    campaign = _insert(
        session,
        Campaign,
        _rows(
            1,
            slug=dc.SLUG,
            name=dc.NAME,
            unit="miles",
            daily_target=1.0,
            group_goal=float(camp.participants.size * dc.LENGTH // 2),
            starts_on=first,
            ends_on=last,
            initiative_id=int(initiative[0]),
        ),
        ids=True,
    )
    _insert(
        session,
        ActivityLog,
        _rows(
            camp.log_person.size,
            campaign_id=int(campaign[0]),
            person_id=_ids(person, camp.log_person),
            day=_dates(camp.log_day),
            amount=camp.log_amount.tolist(),
            origin=_pick(dc.ORIGINS, camp.log_origin),
            logged_at=_times(camp.log_time),
        ),
    )

    phase("surveys")
    sv = mv.surveys
    _insert(
        session,
        SurveyResponse,
        _rows(
            sv.person.size,
            person_id=_ids(person, sv.person),
            instrument=_pick(dc.INSTRUMENTS, sv.instrument),
            answered_on=_dates(sv.day),
            mode=_pick(dc.MODES, sv.mode),
            answers=[list(a) for a in sv.answers],
        ),
    )

    phase("stories")
    st = mv.stories
    told = [dstories.STORIES[i] for i in st.story.tolist()]
    _insert(
        session,
        Story,
        _rows(
            len(told),
            person_id=_ids(person, st.person),
            title=[x[0] for x in told],
            service=[x[1] for x in told],
            theme=[x[2] for x in told],
            body=[x[3] for x in told],
            consent_level=_pick(dstories.CONSENT_LEVELS, st.consent),
            status=_pick(dstories.STORY_STATUSES, st.status),
            created_at=_times(st.day),
        ),
    )
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
    }


def _write_conversation(
    session: Session, mv: DemoMovement, person: np.ndarray, initiative_id: int
) -> None:
    cv = mv.conversation
    opened, closed = _times(np.array([cv.opened_day, cv.closed_day]))
    conversation_id = _conversation(
        session,
        slug=dconv.SLUG,
        topic=dconv.TOPIC,
        question=dconv.QUESTION,
        moderation="post",
        initiative_id=initiative_id,
        opened_at=opened,
        closed_at=closed,
    )
    count = cv.participant_person.size
    participant = _insert(
        session,
        Participant,
        _rows(
            count,
            conversation_id=conversation_id,
            pid=list(range(count)),
            person_id=_optional(person, cv.participant_person),
            created_at=_times(cv.participant_day),
        ),
        ids=True,
    )
    statement = _insert(
        session,
        Statement,
        _rows(
            len(cv.statement_text),
            conversation_id=conversation_id,
            tid=list(range(len(cv.statement_text))),
            author_id=_optional(participant, cv.statement_author),
            text=list(cv.statement_text),
            status=_pick(dconv.STATEMENT_STATUSES, cv.statement_status),
            is_seed=cv.statement_seed.tolist(),
            created_at=_times(cv.statement_day),
        ),
        ids=True,
    )
    _insert(
        session,
        Vote,
        _rows(
            cv.vote_pid.size,
            conversation_id=conversation_id,
            participant_id=_ids(participant, cv.vote_pid),
            statement_id=_ids(statement, cv.vote_tid),
            value=cv.vote_value.tolist(),
            created_at=_times(cv.vote_day),
        ),
    )


def _write_live_conversation(session: Session, initiative_id: int) -> None:
    """The movement's next conversation, open for visitors' votes (``dconv.LIVE_SLUG``)."""
    opened = datetime.combine(places.PERIOD_END, datetime.min.time(), tzinfo=UTC)
    conversation_id = _conversation(
        session,
        slug=dconv.LIVE_SLUG,
        topic=dconv.LIVE_TOPIC,
        question=dconv.LIVE_QUESTION,
        moderation="pre",
        initiative_id=initiative_id,
        opened_at=opened,
        closed_at=None,
    )
    seeds = len(dconv.LIVE_SEEDS)
    _insert(
        session,
        Statement,
        _rows(
            seeds,
            conversation_id=conversation_id,
            tid=list(range(seeds)),
            author_id=None,
            text=list(dconv.LIVE_SEEDS),
            status="accepted",
            is_seed=True,
            created_at=opened,
        ),
    )


def _conversation(session: Session, **columns: Any) -> int:
    """Insert one conversation row; its id."""
    return int(_insert(session, Conversation, _rows(1, **columns), ids=True)[0])
