"""The organisation's SWEMWBS wording file: read, checked, and every problem named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from groundswell.errors import InputFileError
from groundswell.measures.swemwbs_wording import (
    load_wording,
    parse_wording,
    wording_state,
)

PLACEHOLDER = Path(__file__).parent / "data" / "swemwbs-wording-placeholder.toml"
GOOD = {
    "preamble": "Tick one",
    "items": [f"statement {i}" for i in range(1, 8)],
    "answers": ["a", "b", "c", "d", "e"],
    "copyright": "(c) someone",
}


def test_the_placeholder_file_loads_and_is_marked_as_placeholder() -> None:
    wording = load_wording(PLACEHOLDER)
    assert len(wording.items) == 7 and len(wording.answers) == 5
    assert all("PLACEHOLDER" in item for item in wording.items)
    assert "PLACEHOLDER" in wording.copyright and "PLACEHOLDER" in wording.preamble


def test_json_works_as_well(tmp_path: Path) -> None:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert load_wording(path).items[6] == "statement 7"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"items": GOOD["items"][:6]}, "items", "list of 7 texts (found 6)"),
        ({"items": "one"}, "items", "found not a list"),
        ({"answers": [*GOOD["answers"], "f"]}, "answers", "list of 5"),
        ({"items": [*GOOD["items"][:2], "", *GOOD["items"][3:]]}, "items[3]", "some text"),
        ({"copyright": None}, "copyright", "is missing"),
        ({"preamble": 7}, "preamble", "some text"),
        ({"preamble": "x" * 501}, "preamble", "501 characters"),
        ({"colour": "blue"}, "colour", "not a field"),
    ],
)
def test_each_problem_names_the_file_and_field(change: dict, field: str, words: str) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(InputFileError) as caught:
        parse_wording(json.dumps(data), "/srv/wording.json")
    assert caught.value.field == field and words in caught.value.message
    assert caught.value.message.startswith("/srv/wording.json, field ")


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot be read"):
        load_wording(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("items = [", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"bad\.toml: cannot be read as TOML"):
        load_wording(bad)
    with pytest.raises(InputFileError, match=r"neither \.toml nor \.json"):
        parse_wording("", "wording.txt")


def test_the_state_says_why_there_is_no_wording(tmp_path: Path) -> None:
    assert wording_state(PLACEHOLDER).ready
    unset = wording_state(None)
    assert not unset.ready and unset.problem == "GROUNDSWELL_SWEMWBS_WORDING is not set"
    missing = wording_state(tmp_path / "gone.toml")
    assert not missing.ready and "gone.toml: cannot be read" in (missing.problem or "")
