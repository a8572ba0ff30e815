"""c-TF-IDF keywords (Grootendorst 2022, eq. 1) against a hand-worked example."""

from __future__ import annotations

import math

import numpy as np

from groundswell.themes.keywords import class_keywords, ctfidf, label_of


def test_weights_follow_the_formula() -> None:
    # Class 0 holds term a 3 times and b twice; class 1 holds b once and c 3 times;
    # the unthemed row holds c twice. A = (5 + 4) / 2 words per class.
    counts = np.array([[3.0, 2.0, 0.0], [0.0, 1.0, 3.0], [0.0, 0.0, 2.0]])
    a = 4.5
    want = [
        [3 / 5 * math.log(1 + a / 3), 2 / 5 * math.log(1 + a / 3), 0.0],
        [0.0, 1 / 4 * math.log(1 + a / 3), 3 / 4 * math.log(1 + a / 5)],
    ]
    assert np.allclose(ctfidf(counts, 2), want)


def test_the_most_distinctive_term_leads() -> None:
    texts = ["parking parking ward", "parking ward", "food ward", "food food"]
    first, second = class_keywords(texts, np.array([0, 0, 1, 1]), 2, top=3)
    assert first[0] == "parking" and second[0] == "food"


def test_words_common_to_every_theme_rank_below_distinctive_ones() -> None:
    texts = (["staff were great about the parking"] * 5) + (["staff were great about the food"] * 5)
    labels = np.repeat([0, 1], 5)
    kw = class_keywords(texts, labels, 2)
    assert kw[0][0] == "parking" and kw[1][0] == "food"
    assert kw[0].index("staff") > 0 if "staff" in kw[0] else True


def test_answers_like_nothing_keep_their_word() -> None:
    texts = [
        "Nothing",
        "nothing at all",
        "Nothing really",
        "The parking",
        "Parking fees",
        "parking",
    ]
    kw = class_keywords(texts, np.array([0, 0, 0, 1, 1, 1]), 2)
    assert kw[0][0] == "nothing" and kw[1][0] == "parking"


def test_a_phrase_does_not_repeat_words_already_shown() -> None:
    texts = ["car park full", "car park full", "car park", "food cold", "food cold", "food"]
    kw = class_keywords(texts, np.array([0, 0, 0, 1, 1, 1]), 2, top=5)
    words = [w for term in kw[0] for w in term.split()]
    assert len(words) == len(set(words))


def test_unthemed_texts_count_towards_frequencies_only() -> None:
    texts = ["parking", "parking", "food", "food", "ward ward ward"]
    kw = class_keywords(texts, np.array([0, 0, 1, 1, -1]), 2)
    assert "ward" not in kw[0] + kw[1]


def test_nothing_but_stop_words_gives_empty_keywords_and_a_plain_label() -> None:
    assert class_keywords(["the", "and", "of"], np.array([0, 0, 0]), 1) == [()]
    assert class_keywords([], np.array([], dtype=np.int64), 0) == []
    assert label_of(()) == "(no distinctive words)"
    assert label_of(("parking", "car park", "spaces", "fees")) == "parking · car park · spaces"
