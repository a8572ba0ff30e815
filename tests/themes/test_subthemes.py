"""Sub-themes: each theme split one level down, its leftovers its "general" texts."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from groundswell.errors import InvalidInput
from groundswell.themes import Subtheme, ThemeResult, find_themes


def two_level_corpus() -> tuple[list[str], np.ndarray, list[str]]:
    """Parking, far from everything, and food, made of two close but separate sub-topics.

    The vectors stand in for embeddings: three clouds on orthogonal axes, the
    two food clouds sharing a large common part (so they are one theme of two).
    """
    rng = np.random.default_rng(3)
    dims = 32
    parking, food, drinks, meals = (np.eye(dims)[i] for i in range(4))
    centres = {
        "parking": 3.0 * parking,
        "drinks": 3.0 * food + 1.0 * drinks,
        "meals": 3.0 * food + 1.0 * meals,
    }
    words = {
        "parking": ["car park full", "parking spaces", "parking charges", "car park barrier"],
        "drinks": ["tea was cold", "coffee was weak", "tea and coffee", "water jug empty"],
        "meals": ["sandwich was stale", "dinner was late", "breakfast toast", "meal portions"],
    }
    texts, rows, truth = [], [], []
    for topic, centre in centres.items():
        for i in range(48):
            texts.append(f"The {words[topic][i % 4]} ({i}).")
            rows.append(centre + 0.15 * rng.standard_normal(dims))
            truth.append(topic)
    order = rng.permutation(len(texts))
    x = np.asarray(rows, dtype=np.float32)[order]
    return [texts[i] for i in order], x, [truth[i] for i in order]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], np.ndarray, list[str]]:
    return two_level_corpus()


def test_two_sub_topics_inside_one_topic_are_split_that_way(corpus) -> None:
    texts, x, truth = corpus
    result = find_themes(texts, embeddings=x, n_themes=2)
    food = next(t for t in result.themes if truth[t.examples[0]] != "parking")
    assert {truth[i] for i, a in enumerate(result.assignments) if a == food.id} == {
        "drinks",
        "meals",
    }
    assert len(food.subthemes) == 2
    found = {}
    for sub in food.subthemes:
        members = {truth[i] for i, s in enumerate(result.sub_assignments) if s == sub.id}
        assert len(members) == 1  # each sub-theme holds one sub-topic only
        found[members.pop()] = sub
    assert set(found) == {"drinks", "meals"}
    assert all(found[t].size >= 40 for t in found)  # nearly all of each, few left general
    assert set(found["drinks"].keywords[:3]) & {"tea", "coffee", "water", "cold", "weak"}
    assert set(found["meals"].keywords[:3]) & {"sandwich", "dinner", "breakfast", "meal"}


def test_sub_themes_partition_their_theme_with_its_general_texts(topics) -> None:
    texts, _ = topics
    result = find_themes(texts * 4, seed=2)
    subs = [s for t in result.themes for s in t.subthemes]
    assert subs, "the corpus is large enough to split"
    assert [s.id for s in subs] == list(range(len(subs)))
    for theme in result.themes:
        members = {i for i, a in enumerate(result.assignments) if a == theme.id}
        in_subs = [
            i for i, s in enumerate(result.sub_assignments) if s is not None and i in members
        ]
        assert sum(s.size for s in theme.subthemes) == len(in_subs) <= len(members)
        for sub in theme.subthemes:
            assert sub.theme == theme.id
            sub_members = {i for i, s in enumerate(result.sub_assignments) if s == sub.id}
            assert len(sub_members) == sub.size and sub_members <= members
            assert set(sub.examples) <= sub_members and 1 <= len(sub.examples) <= 3
        sizes = [s.size for s in theme.subthemes]
        assert sizes == sorted(sizes, reverse=True)
    for a, s in zip(result.assignments, result.sub_assignments, strict=True):
        assert a is not None or s is None  # an unthemed text is in no sub-theme


def test_sub_themes_repeat_for_a_seed(corpus) -> None:
    texts, x, _ = corpus
    first = find_themes(texts, embeddings=x, n_themes=2, seed=5)
    again = find_themes(texts, embeddings=x, n_themes=2, seed=5)
    assert dataclasses.replace(first, seconds=0) == dataclasses.replace(again, seconds=0)


def test_without_sub_themes_the_themes_are_the_same(corpus, topics) -> None:
    for texts, x, kwargs in ((corpus[0], corpus[1], {"n_themes": 2}), (topics[0] * 4, None, {})):
        with_subs = find_themes(texts, embeddings=x, seed=1, **kwargs)
        without = find_themes(texts, embeddings=x, seed=1, subthemes=False, **kwargs)
        assert any(t.subthemes for t in with_subs.themes)
        assert all(t.subthemes == () for t in without.themes)
        assert without.sub_assignments == (None,) * len(texts)
        assert without.assignments == with_subs.assignments
        assert without.themes == tuple(
            dataclasses.replace(t, subthemes=()) for t in with_subs.themes
        )


def test_a_theme_smaller_than_twice_the_smallest_theme_is_not_split(corpus) -> None:
    texts, x, _ = corpus
    # Food has 96 texts: split when a sub-theme may have 40, not when it needs 60 (96 < 120).
    split = find_themes(texts, embeddings=x, n_themes=2, min_size=40)
    assert [len(t.subthemes) for t in split.themes] == [2, 0]
    whole = find_themes(texts, embeddings=x, n_themes=2, min_size=60)
    assert all(t.subthemes == () for t in whole.themes)
    assert whole.sub_assignments == (None,) * len(texts)


def test_to_json_carries_sub_themes(corpus) -> None:
    texts, x, _ = corpus
    ids = [f"c{i}" for i in range(len(texts))]
    result = find_themes(texts, embeddings=x, n_themes=2)
    doc = json.loads(json.dumps(result.to_json(ids, texts)))
    assert set(doc) == {"themes", "assignments", "seconds", "sub_assignments"}
    subs = [s for t in doc["themes"] for s in t["subthemes"]]
    assert subs and all(set(s) == {"id", "label", "keywords", "size", "examples"} for s in subs)
    assert all(e in texts for s in subs for e in s["examples"])
    assert list(doc["sub_assignments"]) == ids
    assert set(doc["sub_assignments"].values()) <= {s["id"] for s in subs} | {None}


def test_a_result_built_without_sub_assignments_has_none_for_every_text() -> None:
    assert ThemeResult((), (None, 0), 0.1).sub_assignments == (None, None)
    with pytest.raises(InvalidInput, match="one per text"):
        ThemeResult((), (None, 0), 0.1, (None,))
    sub = Subtheme(id=0, theme=0, label="a", keywords=("a",), size=1, examples=(0,))
    with pytest.raises(AttributeError):
        sub.size = 2  # type: ignore[misc]
