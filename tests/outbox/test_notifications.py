"""Each notification kind, end to end: the action, ``run_once`` and a real SMTP server.

One test per kind (statement accepted/rejected, story published, changes
asked for, response, change made, safeguarding routing, event confirmation,
reminder and thank-you, pledge nudge, weekly digest), plus the scheduled
jobs that change data (closing conversations, privacy purges). SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.smtp_sink import SmtpSink

from groundswell.actions import conversations as conv_actions
from groundswell.actions import stories as story_actions
from groundswell.actions.jobs import do_schedule, run_job
from groundswell.actions.notifications import notify_event_rsvp
from groundswell.actions.preferences import do_turn_off
from groundswell.actions.worker import WorkerConfig, run_once
from groundswell.app import App
from groundswell.mail.compose import MailConfig
from groundswell.mail.transport import smtp_transport
from groundswell.store.models import (
    Conversation,
    CoproductionDecision,
    DecisionMethod,
    Event,
    Hand,
    Initiative,
    Membership,
    OutboxMessage,
    OutboxStatus,
    Participant,
    Person,
    Pledge,
    PledgeStatus,
    PowerMode,
    Rsvp,
    SignInThrottle,
    User,
    utcnow,
)
from groundswell.stories.workflow import Actor, Kind

MAIL = MailConfig(key=b"k", base_url="https://gs.example.org", org_name="Bay Moves",
                  mail_from="hello@gs.example.org")  # fmt: skip
ANN = "ann@example.org"
STORY = "The clinic moved the bench so I could rest while waiting for my bloods."


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def worker(sink: SmtpSink) -> WorkerConfig:
    return WorkerConfig(mail=MAIL, transport=smtp_transport(sink.url, None, None),
                        per_second=1000.0, run_job=run_job)  # fmt: skip


def text_of(message: object) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[attr-defined, no-any-return]


def person(app: App, ref: str = "p1", email: str | None = ANN, consent: bool = True) -> int:
    with app.transaction() as session:
        row = Person(ref=ref, email=email, consent_contact=consent, town="Lancaster")
        session.add(row)
        session.flush()
        return row.id


def test_a_statement_author_hears_it_was_accepted_or_rejected(db_app: App, sink: SmtpSink) -> None:
    pid = person(db_app)
    view = conv_actions.do_open_conversation(db_app, topic="Moving more", question="What helps?",
                                             moderation="pre")  # fmt: skip
    conv_actions.do_join(db_app, view.slug, "k" * 22)
    with db_app.transaction() as session:  # a signed-in person's participant carries them
        part = session.scalar(select(Participant))
        assert part is not None
        part.person_id = pid
    conv_actions.do_submit_statement(db_app, view.slug, "k" * 22, "More benches on the prom")
    conv_actions.do_submit_statement(db_app, view.slug, "k" * 22, "Free bus passes for walkers")
    conv_actions.do_moderate(db_app, view.slug, 0, "accept")
    conv_actions.do_moderate(db_app, view.slug, 0, "accept")  # no second message
    conv_actions.do_moderate(db_app, view.slug, 1, "reject")
    assert run_once(db_app, worker(sink)).sent == 2
    got = {str(m["Subject"]): text_of(m) for m in sink.to(ANN)}  # sent side by side: any order
    assert sorted(got) == ["Your statement was accepted", "Your statement was rejected"]
    assert "More benches on the prom" in got["Your statement was accepted"]
    assert "Free bus passes for walkers" in got["Your statement was rejected"]


def test_a_storyteller_hears_at_the_address_they_chose_and_nobody_else_does(
    db_app: App, sink: SmtpSink
) -> None:
    told = story_actions.do_share_story(db_app, title="A bench", body=STORY, consent="publish",
                                        contact_email=ANN)  # fmt: skip
    silent = story_actions.do_share_story(db_app, title="Another", body=STORY, consent="publish")
    sid = told.story_id
    story_actions.do_moderate(db_app, sid, Kind.REQUEST_CHANGES, actor="mo", note="Shorter?")
    story_actions.do_moderate(db_app, silent.story_id, Kind.REQUEST_CHANGES, actor="mo")
    story_actions.do_edit_story(db_app, sid, STORY, role=Actor.STORYTELLER, actor="storyteller")
    story_actions.do_moderate(db_app, sid, Kind.APPROVE, actor="mo")
    story_actions.do_moderate(db_app, sid, Kind.PUBLISH, actor="mo")
    story_actions.do_respond(db_app, sid, "Ward 3 manager", "Thank you: we kept the bench.")
    story_actions.do_mark_change(db_app, sid, "made", actor="mo", note="Benches in every clinic")
    assert run_once(db_app, worker(sink)).sent == 4
    got = {str(m["Subject"]): text_of(m) for m in sink.to(ANN)}
    assert set(got) == {
        "Your story: changes asked for",
        "Your story has been published",
        "A response to your story",
        "A change because of your story",
    }
    assert "Shorter?" in got["Your story: changes asked for"]
    assert "we kept the bench" in got["A response to your story"]
    assert "Benches in every clinic" in got["A change because of your story"]
    assert len(sink.messages) == 4  # the story without a contact told nobody


def test_routing_a_safeguarding_concern_sends_the_contact_a_link_not_the_story(
    db_app: App, sink: SmtpSink
) -> None:
    shared = story_actions.do_share_story(db_app, title="Worried", body=STORY, consent="private")
    story_actions.do_add_safeguarding_contact(db_app, "Sam Lead", "safeguarding@example.org")
    story_actions.do_set_criticality(db_app, shared.story_id, "safeguarding", actor="mo")
    run_once(db_app, worker(sink))
    [got] = sink.to("safeguarding@example.org")
    body = text_of(got)
    assert f"https://gs.example.org/stories/moderate/{shared.story_id}" in body
    assert "bench" not in body and "List-Unsubscribe" not in got  # essential: no opt-out


def _event(app: App, starts: datetime) -> int:
    with app.transaction() as session:
        event = Event(title="Prom walk", held_on=starts.date(), slug="prom-walk",
                      place="Stone Jetty", starts_at=starts,
                      ends_at=starts + timedelta(hours=1))  # fmt: skip
        session.add(event)
        session.flush()
        return event.id


def test_an_rsvp_is_confirmed_reminded_the_day_before_and_thanked_after(
    db_app: App, sink: SmtpSink
) -> None:
    pid = person(db_app)
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    eid = _event(db_app, starts)
    with db_app.transaction() as session:
        rsvp = Rsvp(event_id=eid, person_id=pid, token_hash="a" * 64, email="ann.rsvp@example.org")
        session.add(rsvp)
        session.flush()
        notify_event_rsvp(session, rsvp.id)
    run_once(db_app, worker(sink))
    run_once(db_app, worker(sink), now=starts - timedelta(hours=20))
    run_once(db_app, worker(sink), now=starts + timedelta(hours=3))
    subjects = [str(m["Subject"]) for m in sink.to("ann.rsvp@example.org")]
    assert subjects == [
        "You're going: Prom walk",
        "Tomorrow: Prom walk",
        "Thank you for coming: Prom walk",
    ]
    assert "https://gs.example.org/measures/survey" in text_of(sink.messages[2])


def test_a_pledge_not_done_after_two_weeks_gets_one_nudge(db_app: App, sink: SmtpSink) -> None:
    pid = person(db_app)
    with db_app.transaction() as session:
        session.add(Pledge(person_id=pid, text="Walk to work on Fridays",
                           made_at=utcnow() - timedelta(days=15)))  # fmt: skip
        session.add(Pledge(person_id=pid, text="Done already", status=PledgeStatus.DONE,
                           made_at=utcnow() - timedelta(days=30)))  # fmt: skip
    run_job(db_app, "pledge_nudges", "{}", utcnow())
    run_job(db_app, "pledge_nudges", "{}", utcnow())  # the next day's run: nudged already
    run_once(db_app, worker(sink))
    [got] = sink.to(ANN)
    assert "Walk to work on Fridays" in text_of(got) and "15 days ago" in text_of(got)


def test_the_weekly_digest_says_what_was_done_in_what_they_follow(
    db_app: App, sink: SmtpSink
) -> None:
    ann = person(db_app)
    person(db_app, "p2", "bo@example.org")
    person(db_app, "p3", "cy@example.org", consent=False)  # no consent: no digest
    with db_app.transaction() as session:
        walk = Initiative(slug="prom-walkers", name="Prom walkers", hand=Hand.GRASSROOTS,
                          power_mode=PowerMode.CEDING)  # fmt: skip
        session.add(walk)
        session.flush()
        session.add(Membership(initiative_id=walk.id, person_id=ann))
        session.add(CoproductionDecision(initiative_id=walk.id, decided_on=date.today(),
                                         what="Benches every 400 m", by_whom="members",
                                         method=next(iter(DecisionMethod))))  # fmt: skip
    do_turn_off(db_app, "bo@example.org", "digest")
    run_job(db_app, "digest", "{}", utcnow())
    assert run_once(db_app, worker(sink)).sent == 1
    [got] = sink.messages
    assert str(got["To"]) == ANN
    assert "Prom walkers: Benches every 400 m" in text_of(got)


def test_the_schedule_closes_conversations_and_purges_what_the_policy_says(
    db_app: App, sink: SmtpSink
) -> None:
    view = conv_actions.do_open_conversation(db_app, topic="Ends", question="Q?")
    long_ago = utcnow() - timedelta(days=40)
    with db_app.transaction() as session:
        conv = session.scalar(select(Conversation).where(Conversation.slug == view.slug))
        assert conv is not None
        conv.closes_at = utcnow() - timedelta(minutes=5)
        session.add(SignInThrottle(key_hash="b" * 64, failures=3, last_failure_at=long_ago))
        session.add(OutboxMessage(kind="digest", to_address=ANN, subject="old", template="digest",
                                  context="{}", status=OutboxStatus.SENT, attempts=1,
                                  not_before=long_ago, created_at=long_ago))  # fmt: skip
    do_schedule(db_app, utcnow())
    do_schedule(db_app, utcnow())  # twice is once
    done = run_once(db_app, worker(sink))
    assert done.jobs_failed == 0 and done.jobs_done >= 3
    with db_app.reading() as session:
        closed = session.scalar(
            select(Conversation.closed_at).where(Conversation.slug == view.slug)
        )
        assert closed is not None
        assert session.scalar(select(func.count()).select_from(SignInThrottle)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_rolled_back_action_sends_nothing(db_app: App, sink: SmtpSink) -> None:
    shared = story_actions.do_share_story(db_app, title="A", body=STORY, consent="publish",
                                          contact_email=ANN)  # fmt: skip
    with pytest.raises(RuntimeError), db_app.transaction() as session:
        story_actions.notify_storyteller(session, shared.story_id, "published", None)
        raise RuntimeError("the action failed after its notification was added")
    assert run_once(db_app, worker(sink)).sent == 0
    assert sink.messages == []


def test_dates_in_the_schedule_are_utc() -> None:
    from groundswell.actions.jobs import next_digest

    monday = next_digest(datetime(2026, 12, 5, 12, tzinfo=UTC))
    assert monday == datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert next_digest(monday) == monday


def test_rsvping_on_the_event_page_confirms_and_a_freed_place_tells_the_next_in_line(
    db_app: App, sink: SmtpSink
) -> None:
    from groundswell.actions.rsvps import Contact, do_cancel_rsvp, do_rsvp

    starts = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    eid = _event(db_app, starts)
    with db_app.transaction() as session:
        event = session.get(Event, eid)
        assert event is not None
        event.capacity = 1
    first = do_rsvp(db_app, "prom-walk", Contact("Ann", ANN, consent_contact=True), actor="web")
    do_rsvp(db_app, "prom-walk", Contact("Bo", "bo@example.org", consent_contact=True), actor="web")
    do_rsvp(db_app, "prom-walk", Contact("Cy", "cy@example.org"), actor="web")  # no consent
    do_cancel_rsvp(db_app, "prom-walk", first.token)
    run_once(db_app, worker(sink))
    assert [str(m["Subject"]) for m in sink.to(ANN)] == ["You're going: Prom walk"]
    assert sorted(str(m["Subject"]) for m in sink.to("bo@example.org")) == [
        "On the waiting list: Prom walk",
        "You're going: Prom walk",
    ]
    assert sink.to("cy@example.org") == []


def test_a_statement_added_while_signed_in_is_answered_at_the_account(
    db_app: App, sink: SmtpSink
) -> None:
    from groundswell.actions.accounts import do_create_user

    do_create_user(db_app, email="pat@example.org", display_name="Pat",
                   password="three random words")  # fmt: skip
    with db_app.reading() as session:
        user_id = session.scalar(select(User.id).where(User.email == "pat@example.org"))
    view = conv_actions.do_open_conversation(db_app, topic="Moving more", question="What helps?",
                                             moderation="pre")  # fmt: skip
    conv_actions.do_submit_statement(db_app, view.slug, "p" * 22, "Walking buses to school",
                                     author_user_id=user_id)  # fmt: skip
    conv_actions.do_submit_statement(db_app, view.slug, "q" * 22, "An anonymous idea")
    conv_actions.do_moderate(db_app, view.slug, 0, "accept")
    conv_actions.do_moderate(db_app, view.slug, 1, "accept")
    assert run_once(db_app, worker(sink)).sent == 1  # the anonymous author cannot be told
    [got] = sink.to("pat@example.org")
    assert "Walking buses to school" in text_of(got)


def test_erasing_a_person_takes_their_mail_and_their_story_address_with_them(
    db_app: App,
) -> None:
    from groundswell.actions.erasure import do_erase
    from groundswell.store.models import StoryContact

    pid = person(db_app)
    shared = story_actions.do_share_story(db_app, title="Mine", body=STORY, consent="publish",
                                          person_id=pid, contact_email=ANN)  # fmt: skip
    story_actions.do_moderate(db_app, shared.story_id, Kind.REQUEST_CHANGES, actor="mo")
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    do_erase(db_app, "p1", actor="test")
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(StoryContact)) == 0


def test_a_subject_access_export_holds_their_email_their_mail_and_their_story_address(
    db_app: App,
) -> None:
    from groundswell.actions.privacy_export import subject_access_document

    pid = person(db_app)
    shared = story_actions.do_share_story(
        db_app, title="Mine", body=STORY, consent="publish", person_id=pid,
        contact_email="ann.story@example.org",
    )  # fmt: skip
    story_actions.do_moderate(db_app, shared.story_id, Kind.REQUEST_CHANGES, actor="mo")
    tables = subject_access_document(db_app, "p1", actor="test")["tables"]
    assert tables["people"][0]["email"] == ANN
    assert tables["story_contacts"][0]["email"] == "ann.story@example.org"
    assert tables["outbox_messages"][0]["to_address"] == "ann.story@example.org"
