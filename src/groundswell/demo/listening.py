"""The demo's listening event and imported comments: plausible texts, chosen reproducibly.

One listening event ("What would help you be more active?") held three weeks
before the demo's today at four tables, with harvest notes written the way
hosts jot them down; two of them give away a phone number or an NHS number,
so the review queue has something to show. About 200 Friends and Family Test
style comments, received over the last quarter from the demo's towns, are
put together from an opening, a subject and a closing, a few with a name in
them. Every choice comes from ``seed`` (``numpy.random.SeedSequence``), so
the same seed gives the same texts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.demo.places import DAYS, TOWN_NAMES

SLUG = "what-would-help-you-be-more-active"
TITLE = "Moving more: West End listening event"
QUESTION = "What would help you be more active?"
PROMPTS = ("What gets in the way?", "Who could you do it with?")
TABLES = ("Table 1", "Table 2", "Table 3", "Table 4")
TOWN = "Morecambe"
HELD_DAYS_AGO = 21
COMMENTS = 200
COMMENT_DAYS = 90
SOURCE = "fft"

NOTES = (
    "Benches every few hundred yards on the prom so older people can rest",
    "Walks that start after work, not at 10am on a weekday",
    "Somebody to go with: nobody wants to turn up alone the first time",
    "Safer crossings by the school on Regent Road",
    "The leisure centre is too dear for a family of five",
    "Buses back from Heysham stop too early in the evening",
    "Dog walkers would join a group walk if dogs were welcome",
    "Toilets open along the front, especially in winter",
    "A buggy-friendly route marked on a map",
    "Chair-based exercise in the community centre for those who cannot walk far",
    "Knowing what is on: a noticeboard at the GP surgery and the library",
    "Street lights on the cycle path, it is pitch black by five",
    "Free swimming for under-16s in the holidays",
    "Gardening at the allotments counts as exercise and is sociable",
    "A walking netball team for women over 50",
    "Young carers have no time: activities at the school would help",
    "Feeling self-conscious in a gym full of young people",
    "Pain in my knees: would like advice from a physio before starting",
    "Weekend parkrun-style walk, not just running",
    "Dance classes in Urdu and Polish as well as English",
    "Bike loans or repairs for people who cannot afford a bike",
    "Paths by the bay flood at high tide, need raising",
    "Shift workers need something at odd hours",
    "A buddy from the surgery to ring and remind you",
    "Wheelchair-accessible routes with dropped kerbs",
    "Mums want something they can bring toddlers to",
    "Cheaper bus fares to get to the hills",
    "Tea and a chat after the walk is what keeps people coming",
    "Men's sheds: doing something with your hands gets you moving",
    "Short challenges, like a mile a day, feel doable",
    "Litter and dog mess put people off the park",
    "Lighter evenings help, dark winters are hard",
    "Sessions for people with long Covid who tire quickly",
    "The stairs at the station are a barrier, need a lift",
    "Volunteering on the beach clean is exercise without calling it that",
    "Kids' football coaching on the green on Saturdays",
    "More trees and shade on the walking routes",
    "Please call Sandra on 07700 900461 to help run the Tuesday walk",
    "My dad (NHS number 943 476 5919) wants to join but needs a carer with him",
    "A map of walks by length: 10, 20 and 30 minutes",
)

OPENINGS = (
    "Very good:",
    "Good overall.",
    "Could be better.",
    "Staff were kind and",
    "Really pleased that",
    "Disappointed that",
    "Thank you,",
    "Not happy because",
)
SUBJECTS = (
    "the wait at reception was short",
    "the walking group made me feel welcome",
    "nobody told me about the exercise sessions until I asked",
    "the physio gave me exercises I can do at home",
    "appointments are hard to get after work",
    "the social prescriber found me a gardening group",
    "there was nowhere to sit while waiting",
    "the nurse explained everything clearly",
    "parking at the health centre is impossible",
    "the leaflet about local walks was useful",
    "I was listened to about my mobility",
    "the building is hard to get into with a wheelchair",
)
CLOSINGS = (
    "",
    "Would recommend.",
    "Please keep it going.",
    "More of this please.",
    "Something needs to change.",
    "Dr Patel was especially helpful.",
)


@dataclass(frozen=True)
class DemoListening:
    """Notes (table index, text) and comments (day, town index, text) for the demo."""

    note_table: np.ndarray
    note_text: tuple[str, ...]
    comment_day: np.ndarray
    comment_town: np.ndarray
    comment_text: tuple[str, ...]

    @property
    def held_on(self) -> int:
        """The day the listening event was held (a day offset, as everywhere in the demo)."""
        return DAYS - HELD_DAYS_AGO


def generate_listening(seed: int, comments: int = COMMENTS) -> DemoListening:
    """The demo's notes and comments for ``seed`` (same seed, same texts)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 17]))
    order = rng.permutation(len(NOTES))
    note_table = rng.integers(0, len(TABLES), size=len(NOTES))
    opening = rng.integers(0, len(OPENINGS), size=comments)
    subject = rng.integers(0, len(SUBJECTS), size=comments)
    # Most answers end with the subject; closings (one naming a doctor) are rarer.
    closing = np.where(rng.random(comments) < 0.3, rng.integers(1, len(CLOSINGS), comments), 0)
    texts = tuple(
        " ".join(p for p in (OPENINGS[o], SUBJECTS[s] + ".", CLOSINGS[c]) if p)
        for o, s, c in zip(opening.tolist(), subject.tolist(), closing.tolist(), strict=True)
    )
    day = np.sort(rng.integers(DAYS - COMMENT_DAYS, DAYS, size=comments))
    return DemoListening(
        note_table=note_table,
        note_text=tuple(NOTES[i] for i in order.tolist()),
        comment_day=day,
        comment_town=rng.integers(0, len(TOWN_NAMES), size=comments),
        comment_text=texts,
    )
