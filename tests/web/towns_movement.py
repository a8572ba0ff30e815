"""Three towns for the Measures and suppression tests: Bigtown (15), Midtown (10), Smallville (4).

Everyone joined this month and, this month, walked, answered SWEMWBS twice
(40 and 2 days ago), voted and told a story, so every indicator has a figure
for Bigtown and a figure Smallville must never show. Midtown is the cell hidden
beside Smallville's so that Smallville's figure is not all towns minus Bigtown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from groundswell.app import App
from groundswell.store.models import (
    ActivityLog,
    Campaign,
    CampaignUnit,
    ConsentLevel,
    Conversation,
    Instrument,
    Participant,
    Person,
    Statement,
    Story,
    StoryStatus,
    SurveyResponse,
    Vote,
)

SMALL, MID, BIG = "Smallville", "Midtown", "Bigtown"
TOWNS = {BIG: 15, MID: 10, SMALL: 4}
CAMPAIGN = "town-walk"


def add_towns(gs: App) -> None:
    now = datetime.now(UTC)
    today = now.date()
    with gs.transaction() as s:
        people = [
            Person(ref=f"{town[:3].lower()}{i:02d}", town=town, joined_at=now)
            for town, n in TOWNS.items()
            for i in range(n)
        ]
        s.add_all(people)
        campaign = Campaign(slug=CAMPAIGN, name="Town walk", unit=CampaignUnit.MILES,
                            starts_on=today - timedelta(days=60))  # fmt: skip
        talk = Conversation(slug="town-talk", topic="Towns", question="What helps?", opened_at=now)
        s.add_all([campaign, talk])
        s.flush()
        statement = Statement(conversation_id=talk.id, tid=0, text="More benches")
        s.add(statement)
        s.flush()
        for i, p in enumerate(people):
            s.add(ActivityLog(campaign_id=campaign.id, person_id=p.id, day=today, amount=1.75))
            for days, answers in ((40, [2, 3, 3, 2, 3, 3, 2]), (0, [4, 4, 4, 3, 4, 4, 4])):
                s.add(SurveyResponse(person_id=p.id, instrument=Instrument.SWEMWBS,
                                     answered_on=today - timedelta(days=days), answers=answers,
                                     consent_at=now))  # fmt: skip
            part = Participant(conversation_id=talk.id, pid=i, person_id=p.id, created_at=now)
            s.add(part)
            s.flush()
            s.add(Vote(conversation_id=talk.id, participant_id=part.id,
                       statement_id=statement.id, value=1, created_at=now))  # fmt: skip
            story = Story(
                person_id=p.id,
                title="Mine",
                body="A walk",
                created_at=now,
                consent_level=ConsentLevel.TRAINING,
                status=StoryStatus.SUBMITTED,
            )
            s.add(story)  # fmt: skip
