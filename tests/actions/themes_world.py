"""Texts from every source for the themes tests, written straight into the tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from groundswell.app import App
from groundswell.store.models import (
    Comment,
    ConsentLevel,
    Conversation,
    FlagStatus,
    HarvestNote,
    Initiative,
    ListeningEvent,
    Moderation,
    NoteStatus,
    Participant,
    Person,
    Statement,
    StatementStatus,
    Story,
    StoryFlag,
    StoryStatus,
)
from groundswell.store.models.initiatives import Hand, PowerMode

PLACES = ["car park", "parking", "parking spaces", "the car park", "disabled parking"]
PARKING = [
    f"There is never enough {p} at the hospital{end}"
    for p in PLACES
    for end in (" in the morning", ", I drove round for ages", " and it costs too much")
]  # 15
WAITS = [
    f"I waited {h} hours to be seen in {w}"
    for h in ("two", "three", "four", "five", "six")
    for w in ("A&E", "the walk-in centre", "outpatients")
]  # 15
KIND = [
    f"The {who} were kind and {how}"
    for who in ("nurses", "staff", "carers", "doctors", "receptionists")
    for how in ("caring", "listened to me", "patient with my mum")
]  # 15


@dataclass
class World:
    """Ids of what was written, by source."""

    notes: list[int] = field(default_factory=list)
    held_note: int = 0
    comments: list[int] = field(default_factory=list)
    rejected_comment: int = 0
    statements: list[int] = field(default_factory=list)
    hidden_statement: int = 0
    stories: list[int] = field(default_factory=list)
    private_story: int = 0
    flagged_story: int = 0
    initiative: str = "fair-parking"


def build(app: App, *, town: str = "Morecambe") -> World:
    """Parking notes, waiting-time comments, kind-staff statements and stories, plus the
    texts that must never be read: a held note, a rejected comment, a pending statement
    of a pre-moderated conversation, a private story and a story with an open flag."""
    world = World()
    with app.transaction() as s:
        event = ListeningEvent(slug="moving-more", title="Moving more", question="What helps?",
                               town=town)  # fmt: skip
        conv = Conversation(slug="care", topic="Care", question="What matters?",
                            moderation=Moderation.PRE)  # fmt: skip
        ann = Person(ref="p-ann", display_name="Ann", town="Lancaster")
        s.add_all([event, conv, ann,
                   Initiative(slug=world.initiative, name="Fair parking", hand=Hand.GRASSROOTS,
                              power_mode=PowerMode.SHARING)])  # fmt: skip
        s.flush()
        pid = Participant(conversation_id=conv.id, pid=0, person_id=ann.id)
        # Each kind-staff statement has an author of its own (Ann wrote the first), so the
        # theme is said by 10 or more people.
        others = [Person(ref=f"p-{i}", display_name=f"Voice {i}", town="Lancaster")
                  for i in range(1, 11)]  # fmt: skip
        s.add_all([pid, *others])
        s.flush()
        authors = [pid] + [Participant(conversation_id=conv.id, pid=i, person_id=o.id)
                           for i, o in enumerate(others, start=1)]  # fmt: skip
        s.add_all(authors)
        s.flush()
        notes = [HarvestNote(listening_event_id=event.id, text=t, status=NoteStatus.VISIBLE,
                             town=town) for t in PARKING]  # fmt: skip
        held = HarvestNote(listening_event_id=event.id, status=NoteStatus.PENDING, town=town,
                           text="Parking is awful, ring Dave on 07700 900123")  # fmt: skip
        comments = [Comment(source="fft", text=t, town="Lancaster" if i % 2 else "Heysham",
                            status=NoteStatus.VISIBLE, external_id=f"fft-{i}")
                    for i, t in enumerate(WAITS)]  # fmt: skip
        rejected = Comment(source="fft", text="I waited hours, rubbish", status=NoteStatus.REJECTED)
        statements = [Statement(conversation_id=conv.id, tid=i, text=t, author_id=authors[i].id,
                                status=StatementStatus.ACCEPTED)
                      for i, t in enumerate(KIND[:11])]  # fmt: skip
        hidden = Statement(conversation_id=conv.id, tid=99, text="The nurses were kind to me",
                           status=StatementStatus.PENDING)  # fmt: skip
        stories = [Story(title=f"Care {i}", body=t, consent_level=level, status=status,
                         person_id=ann.id)
                   for i, (t, level, status) in enumerate([
                       (KIND[11], ConsentLevel.PUBLISH, StoryStatus.PUBLISHED),
                       (KIND[12], ConsentLevel.PUBLISH, StoryStatus.PUBLISHED),
                       (KIND[13], ConsentLevel.TRAINING, StoryStatus.APPROVED),
                       (KIND[14], ConsentLevel.TRAINING, StoryStatus.APPROVED),
                   ])]  # fmt: skip
        private = Story(title="Mine", body="The staff were kind and caring to me",
                        consent_level=ConsentLevel.PRIVATE,
                        status=StoryStatus.SUBMITTED)  # fmt: skip
        flagged = Story(title="Flagged", body="Nurse Jones was kind and caring",
                        consent_level=ConsentLevel.PUBLISH,
                        status=StoryStatus.APPROVED)  # fmt: skip
        s.add_all([*notes, held, *comments, rejected, *statements, hidden, *stories, private,
                   flagged])  # fmt: skip
        s.flush()
        s.add(StoryFlag(story_id=flagged.id, kind="name", start=0, end=11, text="Nurse Jones",
                        status=FlagStatus.OPEN))  # fmt: skip
        world.notes = [n.id for n in notes]
        world.held_note = held.id
        world.comments = [c.id for c in comments]
        world.rejected_comment = rejected.id
        world.statements = [x.id for x in statements]
        world.hidden_statement = hidden.id
        world.stories = [x.id for x in stories]
        world.private_story, world.flagged_story = private.id, flagged.id
    return world
