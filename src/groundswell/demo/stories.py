"""A few people's stories, each with a consent level and a status that fits it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONSENT_LEVELS: tuple[str, ...] = ("private", "training", "publish")
STORY_STATUSES: tuple[str, ...] = (
    "submitted",
    "needs_changes",
    "approved",
    "published",
    "withdrawn",
)

# (title, service, theme, body); bodies are invented and hold no personal data.
STORIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "Nobody told me what was happening",
        "maternity",
        "communication",
        "During my labour the shift changed and nobody explained who was looking after me. "
        "A midwife sat down with me afterwards and that made all the difference.",
    ),
    (
        "Listened to at last",
        "maternity",
        "being heard",
        "I said something felt wrong and the second midwife believed me. "
        "I want every new member of staff to know how much that mattered.",
    ),
    (
        "The walk that got me out of the house",
        "community",
        "loneliness",
        "After my husband died I didn't go out for months. A neighbour asked me to the Bay Mile "
        "walk and now I go three times a week.",
    ),
    (
        "Cooking for one is lonely",
        "community",
        "food",
        "The cook and eat sessions gave me a reason to shop for proper food again, "
        "and people to eat it with.",
    ),
    (
        "Waiting on the ward to go home",
        "hospital",
        "discharge",
        "I was well enough to leave on Tuesday but waited until Friday "
        "for my medicines and transport.",
    ),
    (
        "The receptionist who remembered me",
        "general practice",
        "kindness",
        "She asked how my mum was getting on. It was a small thing but I felt like a person.",
    ),
    (
        "Falls on the ward",
        "hospital",
        "safety",
        "My dad fell twice in a week. When the staff started walking with patients every morning "
        "he got steadier and came home sooner.",
    ),
    (
        "Too tired to walk, then not",
        "community",
        "activity",
        "I signed up for a mile a day thinking I would last a week. Six weeks later I still walk "
        "to work.",
    ),
    (
        "Being asked, not told",
        "general practice",
        "co-production",
        "At the patient group the practice asked us what to change first, "
        "and then actually changed it.",
    ),
    (
        "A lift to the hospital",
        "community",
        "kindness",
        "The kindness network drove me to my appointments when the bus was cancelled.",
    ),
    (
        "Feeling rushed in clinic",
        "hospital",
        "communication",
        "I had questions written down but the appointment was over before I could ask them.",
    ),
    (
        "My daughter's birth, my voice",
        "maternity",
        "choice",
        "The committee changed the birth plan leaflet after hearing stories like mine.",
    ),
)


@dataclass(frozen=True, eq=False)
class StoryData:
    person: np.ndarray  # int32 teller
    story: np.ndarray  # int16 index into STORIES
    consent: np.ndarray  # int8 into CONSENT_LEVELS
    status: np.ndarray  # int8 into STORY_STATUSES
    day: np.ndarray  # float64 days since the period start


def generate_stories(tellers: np.ndarray, horizon: int, rng: np.random.Generator) -> StoryData:
    """Every story once, told by a movement member; status never exceeds what consent allows."""
    k = min(len(STORIES), tellers.size)
    story = rng.permutation(len(STORIES))[:k].astype(np.int16)
    person = rng.choice(tellers, size=k, replace=False).astype(np.int32)
    consent = rng.choice(3, size=k, p=[0.25, 0.35, 0.40]).astype(np.int8)
    status = np.empty(k, dtype=np.int8)
    for i in range(k):
        if consent[i] == 2:  # publish: most are published, some wait
            status[i] = rng.choice([3, 2, 0], p=[0.6, 0.25, 0.15])
        elif consent[i] == 1:  # training: approved for staff training, or being edited
            status[i] = rng.choice([2, 1, 0], p=[0.6, 0.2, 0.2])
        else:  # private: kept, or withdrawn by the teller
            status[i] = rng.choice([0, 4], p=[0.7, 0.3])
    day = np.sort(rng.uniform(30, horizon - 1, size=k))
    return StoryData(person=person, story=story, consent=consent, status=status, day=day)
