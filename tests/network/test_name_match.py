"""Matching typed names to the roster: normalising, exact matches and ranked suggestions."""

from __future__ import annotations

import pytest

from groundswell.network.name_match import CUTOFF, exact_index, exact_unique, normalise, suggest

ROSTER = [
    "Joan Smithers",
    "Jon Smart",
    "Tom Smyth",
    "John Smithson",
    "John Smith",
    "Jane Smith",
    "Ann Jones",
    None,
    "Zoë O'Brien",
]


def names(found: list[object]) -> list[str | None]:
    return [ROSTER[c.index] for c in found]  # type: ignore[attr-defined]


def test_a_typo_ranks_the_person_meant_first() -> None:
    [found] = suggest(["Jon Smyth"], ROSTER)
    assert names(found)[0] == "John Smith"
    assert found[0].score > found[-1].score or len(found) == 1
    assert all(c.score >= CUTOFF for c in found)


def test_word_order_accents_and_punctuation_do_not_matter() -> None:
    found = suggest(["Smith, John", "zoe obrien", "ANN   JONES"], ROSTER, limit=1)
    assert [names(f) for f in found] == [["John Smith"], ["Zoë O'Brien"], ["Ann Jones"]]
    assert [f[0].score for f in found] == [100.0, 100.0, 100.0]


def test_limit_cutoff_exclude_and_empty_inputs() -> None:
    [found] = suggest(["John Smith"], ROSTER, limit=2)
    assert names(found) == ["John Smith", "John Smithson"]
    [found] = suggest(["John Smith"], ROSTER, exclude=[4])
    assert "John Smith" not in names(found)
    assert suggest(["Xavier Quinn"], ROSTER) == [[]]
    assert suggest(["", "  "], ROSTER) == [[], []]
    assert suggest(["John"], []) == [[]]
    assert suggest([], ROSTER) == []
    with pytest.raises(ValueError, match="limit"):
        suggest(["x"], ROSTER, limit=0)


def test_ties_keep_the_roster_order() -> None:
    [found] = suggest(["Sam Lee"], ["Sam Lee", "sam lee", "Sam  Lee"])
    assert [c.index for c in found] == [0, 1, 2]


def test_exact_matches_are_unique_or_nothing() -> None:
    index = exact_index(["Ann Lee", "ann lee", "Bo Diddley", None, ""])
    assert exact_unique("ANN LEE", index) is None  # two people share it
    assert exact_unique("bo  diddley", index) == 2
    assert exact_unique("nobody", index) is None
    assert normalise("  Zoë   O’Brien-Smith ") == "zoe obrien smith"
