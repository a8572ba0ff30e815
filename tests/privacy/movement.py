"""A small movement in which one person, the subject, appears in every table that can hold them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from groundswell.actions.audit import record_access
from groundswell.actions.privacy import do_record_consent
from groundswell.app import App
from groundswell.store.models import (
    ActivityLog,
    Attendance,
    AuditEvent,
    Campaign,
    CampaignMember,
    CampaignUnit,
    Conversation,
    Event,
    Hand,
    Initiative,
    Instrument,
    Membership,
    Participant,
    Person,
    Pledge,
    PowerMode,
    Recruitment,
    Statement,
    Story,
    SurveyResponse,
    Tie,
    Vote,
    WellbeingLink,
)

SUBJECT = "subj-7731"
NAME = "Zelda Quartermaine"
STORY = "The midwife at Airedale held my hand through the night shift"
PLEDGE = "I will walk the Quartermaine canal loop every day"
STATEMENT = "Evening clinics would help carers who work days"
T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)


def build_movement(app: App) -> dict[str, int]:
    """Write the movement; return the subject's person id."""
    with app.transaction() as s:
        people = [
            Person(ref=ref, display_name=name, town="Keighley", consent_analytics=True)
            for ref, name in [(SUBJECT, NAME), ("o1", "Olu"), ("o2", "Priya"), ("o3", "Sam")]
        ]
        s.add_all(people)
        s.flush()
        me, o1, o2, o3 = people
        s.add_all(
            [
                Tie(source_id=me.id, target_id=o1.id),
                Tie(source_id=o2.id, target_id=me.id, kind="family"),
                Tie(source_id=o1.id, target_id=o2.id),
                Recruitment(recruiter_id=o1.id, recruit_id=me.id, at=T0),
                Recruitment(recruiter_id=me.id, recruit_id=o3.id, at=T0),
            ]
        )
        ini = Initiative(
            slug="walk", name="Walk", hand=Hand.GRASSROOTS, power_mode=PowerMode.CEDING
        )
        s.add(ini)
        s.flush()
        s.add_all([Membership(initiative_id=ini.id, person_id=p.id) for p in people])
        event = Event(
            initiative_id=ini.id, title="Canal walk", held_on=date(2025, 3, 2), led_by_id=me.id
        )
        s.add(event)
        s.flush()
        s.add_all([Attendance(event_id=event.id, person_id=p.id) for p in (me, o1)])
        s.add_all([Pledge(person_id=me.id, text=PLEDGE), Pledge(person_id=o1.id, text="Cook")])
        conv = Conversation(slug="care", topic="Care", question="What would help?")
        s.add(conv)
        s.flush()
        parts = [
            Participant(conversation_id=conv.id, pid=i, key_hash=f"{i:064x}", person_id=p.id)
            for i, p in enumerate(people)
        ]
        s.add_all(parts)
        s.flush()
        mine = Statement(conversation_id=conv.id, tid=0, author_id=parts[0].id, text=STATEMENT)
        other = Statement(conversation_id=conv.id, tid=1, author_id=parts[1].id, text="More buses")
        s.add_all([mine, other])
        s.flush()
        for part, values in zip(parts, [(1, -1), (1, 1), (-1, 0), (1, 1)], strict=True):
            for statement, value in zip((mine, other), values, strict=True):
                s.add(
                    Vote(
                        conversation_id=conv.id,
                        participant_id=part.id,
                        statement_id=statement.id,
                        value=value,
                    )
                )
        camp = Campaign(
            slug="mile", name="Mile a day", unit=CampaignUnit.MILES, starts_on=date(2025, 3, 1)
        )
        s.add(camp)
        s.flush()
        for p in (me, o1):
            s.add(CampaignMember(campaign_id=camp.id, person_id=p.id, team="Keighley"))
            s.add(
                ActivityLog(campaign_id=camp.id, person_id=p.id, day=date(2025, 3, 2), amount=1.5)
            )
            s.add(
                SurveyResponse(
                    person_id=p.id,
                    instrument=Instrument.SWEMWBS,
                    answered_on=date(2025, 3, 3),
                    answers=[3] * 7,
                )
            )
            s.add(
                WellbeingLink(person_id=p.id, token_hash=f"{p.id:064d}", campaign_id=camp.id,
                              expires_at=datetime(2025, 4, 1, tzinfo=UTC))
            )  # fmt: skip
        s.add(Story(person_id=me.id, title=f"{NAME}'s night", body=STORY))
        s.add(
            AuditEvent(
                actor=SUBJECT,
                action="story.submit",
                subject_type="story",
                subject_id="1",
                detail={"by": SUBJECT, "name": NAME},
            )
        )
        record_access(s, "organiser", "person.view", "person", SUBJECT)
        subject_id = me.id
    do_record_consent(app, SUBJECT, "stories", True, actor="organiser")
    do_record_consent(app, SUBJECT, "analytics", False, actor="organiser")
    return {"subject_id": subject_id}
