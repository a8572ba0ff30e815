"""Small corpora with obvious topics for the themes engine and the ``themes`` command."""

from __future__ import annotations

import numpy as np

TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "parking": (
        ["The car park", "Parking", "Finding a parking space", "The parking at the hospital",
         "Car parking charges", "The car park barrier"],
        ["was always full", "cost far too much", "took forty minutes", "needs more spaces",
         "is a nightmare for visitors", "made me late for my appointment"],
    ),
    "food": (
        ["The food on the ward", "Hospital food", "The meals", "Breakfast",
         "The sandwiches", "Dinner on the ward"],
        ["was cold and tasteless", "was delicious", "came too late", "had no vegetarian choice",
         "was lovely and hot", "needs more fruit and vegetables"],
    ),
    "waiting": (
        ["The wait for an appointment", "Waiting times", "The waiting list",
         "Waiting in A&E", "The delay before surgery", "Waiting for test results"],
        ["was months long", "took eight hours", "was far too long",
         "left me anxious for weeks", "should be shorter", "was longer than promised"],
    ),
}  # fmt: skip


def topic_corpus() -> tuple[list[str], list[str]]:
    """(texts, topic of each): every opening with every ending, in a fixed shuffled order."""
    texts, topics = [], []
    for topic, (starts, ends) in TOPICS.items():
        for start in starts:
            for end in ends:
                texts.append(f"{start} {end}.")
                topics.append(topic)
    order = np.random.default_rng(7).permutation(len(texts))
    return [texts[i] for i in order], [topics[i] for i in order]
