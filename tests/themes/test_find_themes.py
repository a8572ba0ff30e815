"""find_themes: the contract the listening pages rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    assert set(doc) == {"themes", "assignments", "seconds", "sub_assignments"}
    keys = {"id", "label", "keywords", "size", "examples", "subthemes"}
    assert [set(t) for t in doc["themes"]] == [keys] * 3
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


OFF_TOPIC = [
    "Quantum chromodynamics on a lattice needs supercomputers.",
    "My tax return is due in January.",
    "The football season starts in August.",
    "Volcanoes erupt when magma rises.",
    "Shakespeare wrote thirty-seven plays.",
    "The stock market fell sharply on Tuesday.",
    "Penguins live in the southern hemisphere.",
    "Jazz began in New Orleans.",
]


def test_texts_about_nothing_in_common_go_to_the_unthemed_bucket(topics) -> None:
    texts, _ = topics
    result = find_themes([*texts, *OFF_TOPIC], seed=0)
    assert len(result.themes) == 3
    noise = result.assignments[len(texts) :]
    assert sum(a is None for a in noise) >= len(OFF_TOPIC) // 2
    assert sum(a is None for a in result.assignments[: len(texts)]) <= 0.05 * len(texts)


PROBE = """
import hashlib, json, sys
sys.path.insert(0, {folder!r})
from themes_corpus import topic_corpus
from groundswell.themes import find_themes
texts, _ = topic_corpus()
r = find_themes(texts, seed=11)
print(json.dumps([r.assignments, [(t.label, t.keywords, t.size, t.examples) for t in r.themes]]))
"""


def test_the_same_seed_gives_the_same_result_in_a_new_process(topics) -> None:
    folder = str(Path(__file__).parent)
    runs = []
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", PROBE.format(folder=folder)],
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )  # fmt: skip
        runs.append(json.loads(done.stdout))
    here = find_themes(topics[0], seed=11)
    mine = [list(here.assignments), [[t.label, list(t.keywords), t.size, list(t.examples)]
                                     for t in here.themes]]  # fmt: skip
    assert runs[0] == runs[1] == mine


def test_ten_thousand_real_comments_in_well_under_thirty_seconds(feedback) -> None:
    texts = [row["feedback"] for row in feedback]
    find_themes(texts[:500])  # warm: the model is read once per process
    result = find_themes(texts, seed=0)
    assert result.seconds < 30
    assert 5 <= len(result.themes) <= 60
    assert result.unthemed < 0.15 * len(texts)
    # People answered "what could we do better?"; many said "nothing": a theme says so.
    assert any(t.keywords and t.keywords[0] == "nothing" for t in result.themes)
    labels = [row["label"] for row in feedback]
    found = [-1 if a is None else a for a in result.assignments]
    from sklearn.metrics import normalized_mutual_info_score

    assert normalized_mutual_info_score(labels, found) > 0.2


def test_the_same_text_many_times_is_one_theme() -> None:
    result = find_themes(["Nothing."] * 25)
    assert len(result.themes) == 1 and result.assignments == (0,) * 25
    assert result.themes[0].examples == (0,) and result.themes[0].keywords[0] == "nothing"
    # Asked for two, identical texts still share one.
    assert find_themes(["Nothing."] * 25, n_themes=2).assignments == (0,) * 25
    two = find_themes(["Nothing."] * 20 + ["The car park was full."] * 5, n_themes=4)
    assert [t.size for t in two.themes] == [20, 5]


def test_texts_must_be_strings() -> None:
    with pytest.raises(InvalidInput, match="string"):
        find_themes(["a", 3, "b"])  # type: ignore[list-item]
