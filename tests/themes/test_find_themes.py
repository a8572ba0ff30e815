"""find_themes: the contract the listening pages rely on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from groundswell.errors import InvalidInput
from groundswell.themes import Theme, ThemeResult, embed_texts, find_themes


def test_obvious_topics_are_found_and_named_by_their_words(topics) -> None:
    texts, truth = topics
    result = find_themes(texts, n_themes=3, seed=0)
    assert len(result.themes) == 3
    words = {
        "parking": {"car", "parking", "park", "car park"},
        "food": {"food", "meals", "ward", "hospital food", "breakfast", "dinner"},
        "waiting": {"waiting", "wait", "times", "waiting times", "list", "waiting list"},
    }
    for theme in result.themes:
        members = [truth[i] for i, a in enumerate(result.assignments) if a == theme.id]
        topic = max(set(members), key=members.count)
        assert members.count(topic) >= 0.9 * len(members), theme
        assert theme.keywords[0] in words[topic], theme.keywords
        assert theme.label.startswith(theme.keywords[0])
        assert " · " in theme.label
        assert {truth[i] for i in theme.examples} == {topic}


def test_themes_are_numbered_from_the_largest_and_sizes_add_up(topics) -> None:
    texts, _ = topics
    result = find_themes(texts, seed=3)
    sizes = [t.size for t in result.themes]
    assert [t.id for t in result.themes] == list(range(len(sizes)))
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) + result.unthemed == len(texts)
    for theme in result.themes:
        assert theme.size == sum(1 for a in result.assignments if a == theme.id)
        assert 1 <= len(theme.examples) <= 3
        assert all(result.assignments[i] == theme.id for i in theme.examples)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_asking_for_n_themes_gives_n(topics, n) -> None:
    texts, _ = topics
    assert len(find_themes(texts, n_themes=n, seed=1).themes) == n


def test_the_same_seed_gives_the_same_result(topics) -> None:
    texts, _ = topics
    a, b = find_themes(texts, seed=5), find_themes(texts, seed=5)
    assert a.themes == b.themes and a.assignments == b.assignments


def test_given_embeddings_are_used_instead_of_the_texts_own(topics) -> None:
    texts, truth = topics
    x = embed_texts(texts)
    given = find_themes(texts, seed=2, embeddings=x)
    assert given.assignments == find_themes(texts, seed=2).assignments
    # Embeddings that group the texts otherwise than their words do: the themes follow them.
    other = [truth[i] for i in np.random.default_rng(0).permutation(len(truth))]
    fake = embed_texts(other) + 0.01 * np.random.default_rng(1).standard_normal((len(texts), 256))
    result = find_themes(texts, n_themes=3, seed=2, embeddings=fake.astype(np.float32))
    for theme in result.themes:
        assert len({other[i] for i, a in enumerate(result.assignments) if a == theme.id}) == 1


@pytest.mark.parametrize("texts", [[], ["Parking"], ["a", "b", "c"], ["The food was cold."] * 9])
def test_too_few_texts_are_left_unthemed(texts) -> None:
    result = find_themes(texts)
    assert result.themes == () and result.assignments == (None,) * len(texts)


def test_blank_texts_are_never_themed(topics) -> None:
    texts, _ = topics
    result = find_themes([*texts, "", "   ", "12345"], n_themes=3)
    assert result.assignments[-3:-1] == (None, None)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [({"n_themes": 0}, "1 or more"), ({"min_size": 0}, "1 or more"), ({"n_themes": 500}, "fewer")],
)
def test_bad_arguments_say_what_to_change(topics, kwargs, says) -> None:
    with pytest.raises(InvalidInput, match=says):
        find_themes(topics[0], **kwargs)


def test_embeddings_of_the_wrong_shape_are_refused(topics) -> None:
    with pytest.raises(InvalidInput, match="one row per text"):
        find_themes(topics[0], embeddings=np.zeros((3, 256), dtype=np.float32))


def test_to_json_has_the_documented_shape(topics) -> None:
    texts, _ = topics
    ids = [f"c{i}" for i in range(len(texts))]
    result = find_themes(texts, n_themes=3)
    doc = json.loads(json.dumps(result.to_json(ids, texts)))
    assert set(doc) == {"themes", "assignments", "seconds"}
    assert [set(t) for t in doc["themes"]] == [{"id", "label", "keywords", "size", "examples"}] * 3
    assert doc["themes"][0]["examples"][0] in texts
    assert list(doc["assignments"]) == ids
    assert set(doc["assignments"].values()) <= {0, 1, 2, None}
    with pytest.raises(InvalidInput, match="same order"):
        result.to_json(ids[:-1], texts)
    with pytest.raises(InvalidInput, match="repeat"):
        result.to_json(["x"] * len(texts), texts)


def test_the_public_types_are_frozen() -> None:
    theme = Theme(id=0, label="a", keywords=("a",), size=1, examples=(0,))
    with pytest.raises(AttributeError):
        theme.size = 2  # type: ignore[misc]
    assert ThemeResult((theme,), (0,), 0.1).unthemed == 0
