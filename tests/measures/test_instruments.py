"""SWEMWBS and ONS4 scored exactly: every raw score, every band, every invalid answer."""

from __future__ import annotations

import csv
import doctest
import importlib
from importlib import resources
from pathlib import Path

import pytest

from groundswell.errors import InvalidInput
from groundswell.measures import (
    ONS4_QUESTIONS,
    check_answers,
    measure_value,
    ons4_band,
    score,
    score_ons4,
    score_swemwbs,
    swemwbs_table,
)


def reference_table(real_data: Path) -> dict[int, float]:
    with open(real_data / "reference" / "swemwbs-raw-to-metric.csv", newline="") as fh:
        return {int(r["raw"]): float(r["metric"]) for r in csv.DictReader(fh)}


def answers_summing_to(raw: int) -> list[int]:
    """Seven answers 1-5 with the given sum, spread unevenly (not all equal)."""
    items, extra = [1] * 7, raw - 7
    for i in range(7):
        step = min(4, extra)
        items[i] += step
        extra -= step
    return items


def test_packaged_table_is_the_reference_table(real_data: Path) -> None:
    packaged = resources.files("groundswell.measures").joinpath("data", "swemwbs-raw-to-metric.csv")
    reference = (real_data / "reference" / "swemwbs-raw-to-metric.csv").read_text()
    assert packaged.read_text(encoding="utf-8") == reference
    assert swemwbs_table() == reference_table(real_data)


@pytest.mark.parametrize("raw", range(7, 36))
def test_swemwbs_every_raw_score(raw: int, real_data: Path) -> None:
    expected = reference_table(real_data)[raw]
    for answers in (answers_summing_to(raw), list(reversed(answers_summing_to(raw)))):
        result = score_swemwbs(answers)
        assert result.raw == raw
        assert result.metric == expected
        assert score("swemwbs", [str(a) for a in answers]).to_dict() == {
            "raw": raw,
            "metric": expected,
        }


def test_swemwbs_published_anchor_points() -> None:
    # German norms quoted with the table: raw 23 -> 20.73, raw 32 -> 29.31.
    assert score_swemwbs(answers_summing_to(23)).metric == 20.73
    assert score_swemwbs(answers_summing_to(32)).metric == 29.31
    assert score_swemwbs([1] * 7).metric == 7.0 and score_swemwbs([5] * 7).metric == 35.0


POSITIVE = ["low"] * 5 + ["medium"] * 2 + ["high"] * 2 + ["very high"] * 2
ANXIOUS = ["very low"] * 2 + ["low"] * 2 + ["medium"] * 2 + ["high"] * 5


@pytest.mark.parametrize("value", range(11))
def test_ons4_band_at_every_value(value: int) -> None:
    for question in ("satisfaction", "worthwhile", "happy"):
        assert ons4_band(question, value) == POSITIVE[value]
    assert ons4_band("anxious", value) == ANXIOUS[value]
    result = score_ons4([value, value, value, value]).to_dict()
    assert [result[q]["score"] for q in ONS4_QUESTIONS] == [value] * 4
    assert [result[q]["band"] for q in ONS4_QUESTIONS] == [POSITIVE[value]] * 3 + [ANXIOUS[value]]


def test_ons4_is_reported_separately_in_fixed_order() -> None:
    result = score("ons4", [9, 5, 0, 6]).to_dict()
    assert list(result) == ["satisfaction", "worthwhile", "happy", "anxious"]
    assert result["satisfaction"] == {"score": 9, "band": "very high"}
    assert result["anxious"] == {"score": 6, "band": "high"}
    assert "total" not in result and "sum" not in result
    assert measure_value("ons4", "happy", [9, 5, 0, 6]) == 0.0
    assert measure_value("swemwbs", "metric", [3] * 7) == 19.25


INVALID = [
    ("swemwbs", [3, 3, 3, 3, 3, 6, 3], "item 6", "from 1 to 5"),
    ("swemwbs", [0, 3, 3, 3, 3, 3, 3], "item 1", "from 1 to 5"),
    ("swemwbs", [3] * 6, "7 items, got 6", "from 1 to 5"),
    ("swemwbs", [3] * 8, "7 items, got 8", "from 1 to 5"),
    ("swemwbs", [3, 3, 3, 2.5, 3, 3, 3], "item 4", "whole number"),
    ("swemwbs", [3, 3, 3, "x", 3, 3, 3], "item 4", "whole number"),
    ("swemwbs", [3, 3, 3, True, 3, 3, 3], "item 4", "whole number"),
    ("ons4", [7, 8, 6, 11], "item 4", "from 0 to 10"),
    ("ons4", [-1, 8, 6, 2], "item 1", "from 0 to 10"),
    ("ons4", [7, 8, 6], "4 items, got 3", "from 0 to 10"),
    ("ons4", [7, 8, 6, 2, 2], "4 items, got 5", "from 0 to 10"),
    ("wemwbs", [3] * 14, "unknown instrument", "swemwbs, ons4"),
]


@pytest.mark.parametrize(("instrument", "answers", "where", "fix"), INVALID)
def test_invalid_answers_say_the_valid_range(
    instrument: str, answers: list[object], where: str, fix: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        check_answers(instrument, answers)
    assert where in str(info.value) and fix in str(info.value)
    with pytest.raises(InvalidInput):
        score(instrument, answers)


def test_invalid_band_and_measure_arguments() -> None:
    with pytest.raises(InvalidInput, match="0 to 10"):
        ons4_band("happy", 11)
    with pytest.raises(InvalidInput, match="satisfaction, worthwhile"):
        ons4_band("sad", 3)
    with pytest.raises(InvalidInput, match="use one of metric"):
        measure_value("swemwbs", "raw_sum", [3] * 7)


@pytest.mark.parametrize(
    "module",
    [
        "groundswell.measures.instruments",
        "groundswell.measures.outcomes",
        "groundswell.measures.suppression",
        "groundswell.campaigns.streaks",
        "groundswell.campaigns.gpx",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
