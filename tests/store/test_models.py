"""Every model round-trips on SQLite and PostgreSQL, and the database enforces the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from groundswell.app import App
from groundswell.store.db import make_engine
from groundswell.store.models import (
    AccountToken,
    ActivityLog,
    Attendance,
    AuditEvent,
    Base,
    Campaign,
    CampaignMember,
    CampaignUnit,
    ChangeMarker,
    CollectionMode,
    Comment,
    ConsentEvent,
    ConsentLevel,
    ConsentPurpose,
    Conversation,
    CoproductionDecision,
    Criticality,
    DecisionMethod,
    Event,
    EventHost,
    EventStatus,
    FlagStatus,
    Hand,
    HarvestNote,
    Initiative,
    InitiativeModeChange,
    Instrument,
    JoinLink,
    ListeningEvent,
    ListeningHost,
    ListeningStatus,
    ListeningTable,
    MemberRole,
    Membership,
    Moderation,
    NoteSource,
    NoteStatus,
    NotificationOptOut,
    OutboxJob,
    OutboxMessage,
    OutboxStatus,
    PackItem,
    Participant,
    Person,
    PersonKind,
    Pledge,
    PledgeStatus,
    PowerMode,
    Recruitment,
    Role,
    RoleGrant,
    Rsvp,
    RsvpStatus,
    SafeguardingContact,
    SignInThrottle,
    Statement,
    StatementAuthor,
    StatementStatus,
    Story,
    StoryContact,
    StoryEvent,
    StoryFlag,
    StoryResponse,
    StoryReview,
    StoryStatus,
    StoryTag,
    SurveyResponse,
    Theme,
    ThemeItem,
    ThemeRun,
    ThemeStatus,
    Tie,
    TokenPurpose,
    TrainingPack,
    User,
    UserSession,
    Vote,
    WellbeingLink,
)
from groundswell.store.models.surveys import (
    NominationStatus,
    RelationshipSurvey,
    SurveyLink,
    SurveyNomination,
    SurveyQuestion,
    SurveyStatus,
)

CEST = timezone(timedelta(hours=2))
DETAIL = {"rows": 3, "nested": {"towns": ["Lancaster", "Kendal"], "share": 0.25}, "ok": True}


def build_world(session: Session) -> list[Base]:
    """One of every model, with every enum set away from its default."""
    ann = Person(
        ref="p-ann",
        display_name="Ann Café",
        town="Lancaster",
        kind=PersonKind.STAFF,
        consent_contact=True,
        consent_contact_at=datetime(2024, 6, 1, 12, 0, tzinfo=CEST),
        joined_at=datetime(2024, 5, 1, tzinfo=UTC),
    )
    bob = Person(ref="p-bob", kind=PersonKind.PARTNER)
    session.add_all([ann, bob])
    session.flush()
    initiative = Initiative(
        slug="mile-a-day",
        name="A mile a day",
        hand=Hand.SYSTEM,
        power_mode=PowerMode.CEDING,
        started_on=date(2024, 3, 1),
    )
    conversation = Conversation(
        slug="what-matters", topic="Care", question="What matters to you?",
        moderation=Moderation.PRE,
    )  # fmt: skip
    campaign = Campaign(
        slug="walk", name="Walk", unit=CampaignUnit.MINUTES, starts_on=date(2024, 1, 1)
    )
    session.add_all([initiative, conversation, campaign])
    session.flush()
    event = Event(
        title="Launch", held_on=date(2024, 4, 2), led_by_id=ann.id, slug="launch",
        description="Why we walk", place="The Platform", online_url="https://example.org/l",
        starts_at=datetime(2024, 4, 2, 18, tzinfo=CEST),
        ends_at=datetime(2024, 4, 2, 20, tzinfo=UTC),
        capacity=40, campaign_id=campaign.id, status=EventStatus.CANCELLED,
    )  # fmt: skip
    participant = Participant(
        conversation_id=conversation.id, pid=0, key_hash="ab" * 32, person_id=ann.id
    )
    session.add_all([event, participant])
    session.flush()
    statement = Statement(
        conversation_id=conversation.id, tid=0, author_id=participant.id, text="More benches",
        status=StatementStatus.PENDING, is_seed=True,
    )  # fmt: skip
    session.add(statement)
    session.flush()
    objects: list[Base] = [
        ann,
        bob,
        initiative,
        conversation,
        campaign,
        event,
        participant,
        statement,
        Tie(source_id=ann.id, target_id=bob.id, kind="advice", weight=0.5,
            observed_at=datetime(2024, 2, 3, 4, 5, 6, 789, tzinfo=UTC)),
        Recruitment(recruiter_id=ann.id, recruit_id=bob.id, at=datetime(2024, 1, 9, tzinfo=UTC)),
        JoinLink(person_id=ann.id, code="j" * 22, joins=1,
                 created_at=datetime(2024, 1, 2, tzinfo=UTC)),
        Membership(initiative_id=initiative.id, person_id=bob.id, role=MemberRole.SPONSOR),
        Attendance(event_id=event.id, person_id=bob.id, role="host", source="walk_in",
                   checked_in_at=datetime(2024, 4, 2, 18, 5, tzinfo=UTC), brought_by_id=ann.id),
        EventHost(event_id=event.id, person_id=ann.id),
        Rsvp(event_id=event.id, person_id=bob.id, token_hash="e" * 64, status=RsvpStatus.WAITING,
             email="bob@example.org", phone="07700 900123", accessibility="step-free",
             walk_in=True, cancelled_at=datetime(2024, 4, 1, tzinfo=UTC)),
        Pledge(person_id=bob.id, text="Walk daily", status=PledgeStatus.DONE),
        ActivityLog(campaign_id=campaign.id, person_id=bob.id, day=date(2024, 1, 2), amount=1.5),
        CampaignMember(campaign_id=campaign.id, person_id=bob.id, team="Heysham"),
        SurveyResponse(
            person_id=bob.id, instrument=Instrument.ONS4, answered_on=date(2024, 1, 3),
            mode=CollectionMode.IN_PERSON, answers=[7, 8, 6, 2],
        ),
        Vote(conversation_id=conversation.id, participant_id=participant.id,
             statement_id=statement.id, value=-1),
        story := Story(person_id=ann.id, title="Seen", body="They listened.",
                       consent_level=ConsentLevel.TRAINING, status=StoryStatus.NEEDS_CHANGES),
        AuditEvent(actor="organiser", action="import", detail=DETAIL),
        user := User(email="olu@example.org", display_name="Olu", password_hash="$argon2id$x",
                     last_sign_in_at=datetime(2024, 7, 1, 8, tzinfo=UTC)),
        RoleGrant(user=user, role=Role.ORGANISER, scope="town:Morecambe"),
        UserSession(user=user, token_hash="0" * 64, csrf_token="c" * 43),
        SignInThrottle(key_hash="1" * 64, failures=11,
                       last_failure_at=datetime(2024, 7, 1, tzinfo=UTC),
                       locked_until=datetime(2024, 7, 1, 0, 2, tzinfo=UTC)),
        ConsentEvent(person_id=ann.id, purpose=ConsentPurpose.CONTACT, granted=True,
                     at=datetime(2024, 7, 2, 9, tzinfo=UTC), source="web", actor="ann",
                     note="agreed at the walk"),
    ]  # fmt: skip
    session.add_all(objects[8:])
    session.flush()
    pack = TrainingPack(
        title="Listening in maternity",
        audience="midwives",
        learning_points="Ask, then listen.",
        created_by="curator",
    )
    session.add(pack)
    session.flush()
    story_bank: list[Base] = [
        pack,
        StoryTag(story_id=story.id, tag="maternity"),
        StoryFlag(story_id=story.id, kind="name", start=0, end=4, text="Seen",
                  status=FlagStatus.ACCEPTED, reason="not a name here", resolved_by="mod",
                  resolved_at=datetime(2024, 7, 3, tzinfo=UTC)),
        StoryEvent(story_id=story.id, actor_role="moderator", actor="mod", action="approve",
                   status="approved", consent="training", note="flags resolved"),
        StoryResponse(story_id=story.id, author="Ward manager", body="Thank you."),
        StoryReview(story_id=story.id, criticality=Criticality.SAFEGUARDING,
                    routed_to="Safeguarding lead", change=ChangeMarker.PLANNED,
                    change_note="handover changes", withdraw_key_hash="f" * 64),
        SafeguardingContact(name="Safeguarding lead", email="lead@example.org",
                            service="maternity"),
        PackItem(pack_id=pack.id, story_id=story.id, position=1, learning_point="Listen",
                 removed_at=datetime(2024, 8, 1, tzinfo=UTC), removed_reason="withdrawn"),
        CoproductionDecision(initiative_id=initiative.id, decided_on=date(2024, 9, 1),
                             what="Route of the walk", by_whom="Walkers' group",
                             with_whom="Parks team", method=DecisionMethod.CO_PRODUCED),
        InitiativeModeChange(initiative_id=initiative.id, from_mode=PowerMode.SHARING,
                             to_mode=PowerMode.CEDING, changed_on=date(2024, 9, 2),
                             note="walkers now lead"),
        OutboxMessage(kind="story_published", to_address="ann@example.org", subject="Published",
                      template="story_published", context='{"title": "Seen"}', person_id=ann.id,
                      user_id=user.id, status=OutboxStatus.DEAD, attempts=5,
                      lease_until=datetime(2024, 9, 3, 10, tzinfo=UTC),
                      sent_at=datetime(2024, 9, 3, 9, tzinfo=UTC), last_error="550 no such user"),
        OutboxJob(kind="close_conversation", payload='{"slug": "what-matters"}',
                  run_at=datetime(2024, 9, 4, tzinfo=UTC), dedupe_key="close:what-matters",
                  status=OutboxStatus.SKIPPED, attempts=1,
                  finished_at=datetime(2024, 9, 4, 0, 1, tzinfo=UTC), last_error="closed already"),
        NotificationOptOut(address_hash="2" * 64, kind="digest"),
        StoryContact(story_id=story.id, email="ann@example.org"),
        StatementAuthor(statement_id=statement.id, user_id=user.id),
        AccountToken(token_hash="3" * 64, purpose=TokenPurpose.INVITE, email="new@example.org",
                     user_id=user.id, display_name="New", password_hash="$argon2id$y",
                     role="organiser", scope="town:Morecambe", person_id=bob.id,
                     created_by="admin@example.org",
                     expires_at=datetime(2024, 9, 5, tzinfo=UTC),
                     used_at=datetime(2024, 9, 4, 12, tzinfo=UTC)),
        WellbeingLink(person_id=bob.id, token_hash="4" * 64, campaign_id=campaign.id,
                      expires_at=datetime(2024, 10, 1, tzinfo=UTC),
                      used_at=datetime(2024, 9, 8, 18, tzinfo=UTC)),
    ]  # fmt: skip
    session.add_all(story_bank[1:])
    listening = ListeningEvent(
        slug="moving-more", title="Moving more", question="What would help?",
        questions=["What gets in the way?"], event_id=event.id, town="Morecambe",
        held_on=date(2024, 9, 6), status=ListeningStatus.CLOSED,
    )  # fmt: skip
    session.add(listening)
    session.flush()
    table = ListeningTable(listening_event_id=listening.id, name="Table 1", position=1)
    session.add(table)
    session.flush()
    heard: list[Base] = [
        listening,
        table,
        ListeningHost(listening_event_id=listening.id, user_id=user.id, table_id=table.id),
        HarvestNote(listening_event_id=listening.id, table_id=table.id, text="Buses at 6",
                    author_user_id=user.id, source=NoteSource.IMPORT,
                    status=NoteStatus.REJECTED, town="Heysham"),
        Comment(source="fft", text="Kind staff", town="Lancaster", received_on=date(2024, 9, 7),
                external_id="fft-1", status=NoteStatus.VISIBLE),
    ]  # fmt: skip
    session.add_all(heard[2:])
    run = ThemeRun(sources=["notes", "comments"], seed=3, requested_n=2, texts=2, seconds=0.25,
                   actor="olu@example.org")  # fmt: skip
    session.add(run)
    session.flush()
    theme = Theme(run_id=run.id, position=1, label="buses · early", keywords=["buses", "early"],
                  initiative_id=initiative.id, acting_on=True,
                  what_changed="Earlier buses")  # fmt: skip
    folded = Theme(run_id=run.id, position=2, label="kind staff", keywords=["kind"])
    session.add_all([theme, folded])
    session.flush()
    folded.status, folded.merged_into_id = ThemeStatus.MERGED, theme.id
    themed: list[Base] = [
        run, theme, folded,
        ThemeItem(run_id=run.id, theme_id=theme.id, source="notes", source_id=heard[3].id),
        ThemeItem(run_id=run.id, theme_id=None, source="comments", source_id=heard[4].id),
    ]  # fmt: skip
    session.add_all(themed[3:])
    survey = RelationshipSurvey(slug="talk", title="Who we talk to", intro="Ten minutes.",
                                both_ways=True, audience_town="Lancaster", audience_team="Reds",
                                status=SurveyStatus.CLOSED)  # fmt: skip
    session.add(survey)
    session.flush()
    question = SurveyQuestion(survey_id=survey.id, position=1, text="Who do you talk to?",
                              tie_kind="health_talk", max_answers=5)  # fmt: skip
    session.add(question)
    session.flush()
    surveyed: list[Base] = [
        survey, question,
        SurveyLink(survey_id=survey.id, person_id=ann.id, token_hash="5" * 64,
                   answered_at=datetime(2024, 9, 9, tzinfo=UTC),
                   consent_at=datetime(2024, 9, 9, tzinfo=UTC)),
        SurveyNomination(survey_id=survey.id, question_id=question.id, respondent_id=ann.id,
                         nominee_id=bob.id, status=NominationStatus.MATCHED),
        SurveyNomination(survey_id=survey.id, question_id=question.id, respondent_id=ann.id,
                         nominee_text="Jon Smyth", status=NominationStatus.DISMISSED),
        ConsentEvent(person_id=ann.id, purpose=ConsentPurpose.NETWORK_SURVEY, granted=True,
                     at=datetime(2024, 9, 9, tzinfo=UTC), source="web", actor="survey-link:1"),
    ]  # fmt: skip
    session.add_all(surveyed[2:])
    return objects + story_bank + heard + themed + surveyed


def columns(obj: Base) -> dict[str, Any]:
    return {a.key: getattr(obj, a.key) for a in inspect(obj).mapper.column_attrs}


def test_every_model_round_trips(db_app: App) -> None:
    with db_app.transaction() as session:
        written = build_world(session)
        session.flush()
        expected = [(type(o), inspect(o).identity, columns(o)) for o in written]
    every_model = {m.class_ for m in Base.registry.mappers}
    assert {cls for cls, _, _ in expected} == every_model, "add new models to build_world"

    with db_app.reading() as session:
        for cls, identity, values in expected:
            loaded = session.get(cls, identity)
            assert loaded is not None
            assert columns(loaded) == values, cls.__name__


def test_enums_store_their_values_and_load_as_members(db_app: App) -> None:
    with db_app.transaction() as session:
        build_world(session)
    with db_app.reading() as session:
        raw = session.execute(text("SELECT kind FROM people ORDER BY id")).scalars().all()
        assert raw == ["staff", "partner"]
        kinds = session.scalars(select(Person.kind).order_by(Person.id)).all()
        assert kinds == [PersonKind.STAFF, PersonKind.PARTNER]
        assert all(isinstance(k, PersonKind) for k in kinds)
        raw_mode = session.execute(text("SELECT mode FROM survey_responses")).scalar_one()
        assert raw_mode == "in_person"


def test_timestamps_come_back_as_utc_and_naive_ones_are_refused(db_app: App) -> None:
    with db_app.transaction() as session:
        build_world(session)
    with db_app.reading() as session:
        ann = session.scalar(select(Person).where(Person.ref == "p-ann"))
        assert ann.consent_contact_at == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
        assert ann.consent_contact_at.tzinfo is UTC
        assert ann.created_at.tzinfo is UTC
        assert abs(datetime.now(UTC) - ann.created_at) < timedelta(minutes=5)
        tie = session.scalar(select(Tie))
        assert tie.observed_at.microsecond == 789  # microseconds survive on both databases

    with pytest.raises(StatementError, match="timezone-aware"), db_app.transaction() as session:
        session.add(Person(ref="naive", joined_at=datetime(2024, 1, 1)))


def test_json_columns_keep_nested_values(db_app: App) -> None:
    with db_app.transaction() as session:
        build_world(session)
    with db_app.reading() as session:
        assert session.scalar(select(AuditEvent.detail)) == DETAIL
        assert session.scalar(select(SurveyResponse.answers)) == [7, 8, 6, 2]


def _insert(make: Callable[[dict[str, int]], Base]) -> Callable[[Session, dict[str, int]], None]:
    return lambda session, ids: session.add(make(ids))


def _raw(sql: str) -> Callable[[Session, dict[str, int]], None]:
    return lambda session, ids: session.execute(text(sql.format(**ids)))


VIOLATIONS = {
    "person ref unique": _insert(lambda i: Person(ref="p-ann")),
    "person ref not null": _insert(lambda i: Person(ref=None)),
    "person kind check": _raw(
        "INSERT INTO people (ref, kind, consent_contact, consent_analytics, created_at)"
        " VALUES ('p-x', 'doctor', false, false, '2024-01-01 00:00:00')"
    ),
    "tie unique": _insert(lambda i: Tie(source_id=i["ann"], target_id=i["bob"], kind="advice")),
    "tie not to self": _insert(lambda i: Tie(source_id=i["ann"], target_id=i["ann"])),
    "tie weight positive": _insert(
        lambda i: Tie(source_id=i["bob"], target_id=i["ann"], weight=0.0)
    ),
    "tie person exists": _insert(lambda i: Tie(source_id=i["ann"], target_id=999_999)),
    "no self recruit": _insert(lambda i: Recruitment(recruiter_id=i["cat"], recruit_id=i["cat"])),
    "second recruiter": _insert(lambda i: Recruitment(recruiter_id=i["cat"], recruit_id=i["bob"])),
    "vote in range": _raw(
        "INSERT INTO votes (conversation_id, participant_id, statement_id, value, created_at)"
        " VALUES ({conversation}, {participant}, {statement}, 2, '2024-01-01 00:00:00')"
    ),
    "amount not negative": _insert(
        lambda i: ActivityLog(
            campaign_id=i["campaign"], person_id=i["ann"], day=date(2024, 1, 1), amount=-1.0
        )
    ),
    "one log per day": _insert(
        lambda i: ActivityLog(
            campaign_id=i["campaign"], person_id=i["bob"], day=date(2024, 1, 2), amount=2.0
        )
    ),
    "membership unique": _insert(
        lambda i: Membership(initiative_id=i["initiative"], person_id=i["bob"])
    ),
    "statement tid unique": _insert(
        lambda i: Statement(conversation_id=i["conversation"], tid=0, text="again")
    ),
}


@pytest.mark.parametrize("rule", list(VIOLATIONS))
def test_database_refuses(db_app: App, rule: str) -> None:
    with db_app.transaction() as session:
        build_world(session)
        session.add(Person(ref="p-cat"))
    with db_app.reading() as session:
        ids = {r.removeprefix("p-"): i for r, i in session.execute(select(Person.ref, Person.id))}
        for model in (Campaign, Conversation, Initiative, Participant, Statement):
            ids[model.__tablename__.rstrip("s")] = session.scalar(select(model.id))
    before = _counts(db_app)
    with pytest.raises(IntegrityError), db_app.transaction() as session:
        VIOLATIONS[rule](session, ids)
        session.flush()
    assert _counts(db_app) == before


def _counts(app: App) -> dict[str, int]:
    with app.reading() as session:
        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def test_a_sqlite_file_is_durable_at_every_commit(tmp_path) -> None:
    """WAL with synchronous=FULL: a committed row survives a power cut, not only a crash."""
    engine = make_engine(f"sqlite:///{tmp_path / 'durable.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
    engine.dispose()


def test_deleting_a_person_cascades_and_nulls(db_app: App) -> None:
    if db_app.is_sqlite:
        with db_app.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    with db_app.transaction() as session:
        build_world(session)
    with db_app.transaction() as session:
        session.execute(delete(Person).where(Person.ref == "p-ann"))
    with db_app.reading() as session:
        assert session.scalars(select(Tie)).all() == []
        assert session.scalars(select(Recruitment)).all() == []
        assert session.scalar(select(Story.person_id)) is None
        assert session.scalar(select(Event.led_by_id)) is None
        assert session.scalar(select(Participant.person_id)) is None
        assert session.scalar(select(Membership.person_id)) is not None  # Bob's stays
