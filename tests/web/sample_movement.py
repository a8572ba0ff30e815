"""A small movement written straight through SQLAlchemy, with the counts it should show.

Shared by the web tests and, where the demo generator is absent, the browser tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from groundswell.app import App
from groundswell.store.models import (
    ActivityLog,
    Campaign,
    CampaignUnit,
    CollectionMode,
    ConsentLevel,
    Conversation,
    Hand,
    Initiative,
    Instrument,
    Membership,
    Participant,
    Person,
    PersonKind,
    PowerMode,
    Statement,
    Story,
    StoryStatus,
    SurveyResponse,
    Tie,
    Vote,
)

# Words that must never appear on a public page (stories are counted, not shown).
STORY_SECRET = "Private words from a story that must stay private"

EXPECTED = {
    "people": 12,
    "ties": 11,
    "initiatives": 3,
    "conversations": 2,
    "participants": 3,
    "statements": 4,
    "votes": 7,
    "campaigns": 1,
    "activity_logs": 5,
    "stories": 2,
    "survey_responses": 3,
}


def add_sample_movement(gs: App) -> dict[str, int]:
    """Write the sample movement into ``gs``'s database; return the expected counts."""
    now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    with gs.transaction() as s:
        kinds = [PersonKind.CITIZEN, PersonKind.STAFF, PersonKind.PARTNER]
        people = [
            Person(ref=f"p{i:02d}", town="Leeds" if i % 2 else "Bradford", kind=kinds[i % 3])
            for i in range(12)
        ]
        s.add_all(people)
        s.flush()
        # A hub (p00) with 6 ties, a chain and one isolated person (p11).
        pairs = [(0, j) for j in range(1, 7)] + [(6, 7), (7, 8), (8, 9), (9, 10), (1, 2)]
        s.add_all(Tie(source_id=people[a].id, target_id=people[b].id) for a, b in pairs)

        walk = Initiative(
            slug="mile-a-day",
            name="A mile a day without transport",
            hand=Hand.GRASSROOTS,
            power_mode=PowerMode.CEDING,
            town="Leeds",
        )
        cook = Initiative(
            slug="cook-together",
            name="Cooking and eating well together",
            hand=Hand.GRASSROOTS,
            power_mode=PowerMode.SHARING,
        )
        ward = Initiative(
            slug="discharge",
            name="Discharge before midday",
            hand=Hand.SYSTEM,
            power_mode=PowerMode.KEEPING,
        )
        s.add_all([walk, cook, ward])
        s.flush()
        s.add_all(Membership(initiative_id=walk.id, person_id=p.id) for p in people[:4])

        talk = Conversation(
            slug="what-would-help",
            topic="Getting out and about",
            question="What would help you walk more each day?",
            opened_at=now,
        )
        old = Conversation(
            slug="closed-one",
            topic="Last winter",
            question="What got you through last winter?",
            opened_at=now - timedelta(days=90),
            closed_at=now - timedelta(days=30),
        )
        s.add_all([talk, old])
        s.flush()
        parts = [
            Participant(conversation_id=talk.id, pid=i, person_id=people[i].id) for i in range(3)
        ]
        s.add_all(parts)
        s.flush()
        texts = ["Safer crossings", "Benches to rest", "Walking groups", "Better lighting"]
        statements = [
            Statement(conversation_id=talk.id, tid=t, text=text, author_id=parts[t % 3].id)
            for t, text in enumerate(texts)
        ]
        s.add_all(statements)
        s.flush()
        votes = [(0, 0, 1), (0, 1, 1), (0, 2, -1), (1, 0, 1), (1, 3, 0), (2, 1, -1), (2, 2, 1)]
        s.add_all(
            Vote(
                conversation_id=talk.id,
                participant_id=parts[p].id,
                statement_id=statements[t].id,
                value=v,
            )
            for p, t, v in votes
        )

        campaign = Campaign(
            slug="mile-march",
            name="A mile a day in March",
            unit=CampaignUnit.MILES,
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 31),
            initiative_id=walk.id,
        )
        s.add(campaign)
        s.flush()
        s.add_all(
            ActivityLog(
                campaign_id=campaign.id,
                person_id=people[i % 2].id,
                day=date(2025, 3, 1 + i),
                amount=1.5,
            )
            for i in range(5)
        )

        s.add_all(
            [
                Story(
                    person_id=people[3].id,
                    title="Walking again",
                    body=STORY_SECRET,
                    consent_level=ConsentLevel.TRAINING,
                    status=StoryStatus.SUBMITTED,
                ),
                Story(
                    title="The midwife who listened",
                    body=STORY_SECRET,
                    consent_level=ConsentLevel.PUBLISH,
                    status=StoryStatus.PUBLISHED,
                ),
            ]
        )
        s.add_all(
            [
                SurveyResponse(
                    person_id=people[0].id,
                    instrument=Instrument.SWEMWBS,
                    answered_on=date(2025, 3, 1),
                    answers=[3, 3, 4, 3, 2, 4, 3],
                ),
                SurveyResponse(
                    person_id=people[0].id,
                    instrument=Instrument.SWEMWBS,
                    answered_on=date(2025, 3, 31),
                    answers=[4, 4, 4, 3, 3, 4, 4],
                ),
                SurveyResponse(
                    person_id=people[1].id,
                    instrument=Instrument.ONS4,
                    answered_on=date(2025, 3, 2),
                    mode=CollectionMode.PAPER,
                    answers=[7, 8, 6, 3],
                ),
            ]
        )
    return dict(EXPECTED)
