"""Wellbeing instruments scored exactly: SWEMWBS and ONS4 personal wellbeing.

SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale; Stewart-Brown et al.,
Health Qual Life Outcomes 2009, 7:15): seven items answered 1-5, summed to a
raw score 7-35 and converted to the metric score with the Rasch conversion
table packaged in ``data/swemwbs-raw-to-metric.csv``. The item text is licensed
by the University of Warwick and is not shipped: a deploying organisation
enters it; Groundswell stores answers and scores.

ONS4 (Office for National Statistics personal wellbeing): four 0-10 questions
in the fixed order life satisfaction, worthwhile, happy yesterday, anxious
yesterday. They are reported separately and never summed (ONS, "Personal
well-being user guidance"); each answer falls in an ONS band.

Examples
--------
>>> score_swemwbs([3, 3, 3, 3, 3, 3, 3])
SwemwbsScore(raw=21, metric=19.25)
>>> score_ons4([7, 8, 6, 2]).anxious
Ons4Item(score=2, band='low')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from groundswell.errors import InvalidInput

SWEMWBS = "swemwbs"
ONS4 = "ons4"
INSTRUMENTS = (SWEMWBS, ONS4)

SWEMWBS_ITEMS = 7
SWEMWBS_RANGE = (1, 5)
ONS4_QUESTIONS = ("satisfaction", "worthwhile", "happy", "anxious")
ONS4_RANGE = (0, 10)

# ONS thresholds (ONS, "Personal well-being in the UK" methodology): for the three
# positive questions 0-4 low, 5-6 medium, 7-8 high, 9-10 very high; anxiety reads
# the other way round, 0-1 very low, 2-3 low, 4-5 medium, 6-10 high.
POSITIVE_BANDS = ((4, "low"), (6, "medium"), (8, "high"), (10, "very high"))
ANXIETY_BANDS = ((1, "very low"), (3, "low"), (5, "medium"), (10, "high"))

MEASURES: dict[str, tuple[str, ...]] = {SWEMWBS: ("metric",), ONS4: ONS4_QUESTIONS}
"""The outcome measures each instrument reports (ONS4 questions stay separate)."""


@dataclass(frozen=True)
class SwemwbsScore:
    raw: int
    metric: float

    def to_dict(self) -> dict[str, Any]:
        return {"raw": self.raw, "metric": self.metric}


@dataclass(frozen=True)
class Ons4Item:
    score: int
    band: str


@dataclass(frozen=True)
class Ons4Score:
    satisfaction: Ons4Item
    worthwhile: Ons4Item
    happy: Ons4Item
    anxious: Ons4Item

    def to_dict(self) -> dict[str, Any]:
        return {
            q: {"score": getattr(self, q).score, "band": getattr(self, q).band}
            for q in ONS4_QUESTIONS
        }


@cache
def swemwbs_table() -> dict[int, float]:
    """The packaged raw -> metric conversion, read once with ``importlib.resources``."""
    text = (
        resources.files("groundswell.measures")
        .joinpath("data", "swemwbs-raw-to-metric.csv")
        .read_text(encoding="utf-8")
    )
    table = {int(row["raw"]): float(row["metric"]) for row in csv.DictReader(io.StringIO(text))}
    if sorted(table) != list(range(7, 36)):  # a damaged install must not score silently
        raise RuntimeError("packaged SWEMWBS table must cover raw scores 7..35")
    return table


def check_answers(instrument: str, answers: Sequence[object]) -> list[int]:
    """Whole-number answers in range for ``instrument``, or ``InvalidInput`` saying why.

    Accepts ints and strings of digits (as typed on a form or in a CSV cell).
    """
    if instrument not in INSTRUMENTS:
        raise InvalidInput(
            f"unknown instrument '{instrument}'; use one of {', '.join(INSTRUMENTS)}"
        )
    count = SWEMWBS_ITEMS if instrument == SWEMWBS else len(ONS4_QUESTIONS)
    low, high = SWEMWBS_RANGE if instrument == SWEMWBS else ONS4_RANGE
    if len(answers) != count:
        raise InvalidInput(
            f"{instrument.upper()} has {count} items, got {len(answers)} answers; "
            f"give {count} answers, each a whole number from {low} to {high}"
        )
    values = []
    for position, answer in enumerate(answers, start=1):
        value = _whole(answer)
        if value is None or not low <= value <= high:
            raise InvalidInput(
                f"{instrument.upper()} item {position}: {answer!r} is not valid; "
                f"each answer is a whole number from {low} to {high}"
            )
        values.append(value)
    return values


def _whole(answer: object) -> int | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return answer
    if isinstance(answer, float) and answer.is_integer():
        return int(answer)
    if isinstance(answer, str) and answer.strip().lstrip("-").isdigit():
        return int(answer.strip())
    return None


def score_swemwbs(answers: Sequence[object]) -> SwemwbsScore:
    """Raw sum (7-35) and metric score of seven SWEMWBS answers (each 1-5)."""
    raw = sum(check_answers(SWEMWBS, answers))
    return SwemwbsScore(raw=raw, metric=swemwbs_table()[raw])


def ons4_band(question: str, score: int) -> str:
    """The ONS band of one answer: anxiety has its own, reversed, thresholds."""
    if question not in ONS4_QUESTIONS:
        raise InvalidInput(
            f"unknown ONS4 question '{question}'; use one of {', '.join(ONS4_QUESTIONS)}"
        )
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise InvalidInput(f"ONS4 {question}: {score!r} is not a whole number from 0 to 10")
    bands = ANXIETY_BANDS if question == "anxious" else POSITIVE_BANDS
    return next(name for top, name in bands if score <= top)


def score_ons4(answers: Sequence[object]) -> Ons4Score:
    """Each of the four ONS4 answers with its band, in the fixed question order."""
    values = check_answers(ONS4, answers)
    items = {q: Ons4Item(v, ons4_band(q, v)) for q, v in zip(ONS4_QUESTIONS, values, strict=True)}
    return Ons4Score(**items)


def score(instrument: str, answers: Sequence[object]) -> SwemwbsScore | Ons4Score:
    """Score ``answers`` to ``instrument`` (``swemwbs`` or ``ons4``)."""
    check_answers(instrument, answers)
    return score_swemwbs(answers) if instrument == SWEMWBS else score_ons4(answers)


def measure_value(instrument: str, measure: str, answers: Sequence[object]) -> float:
    """The value of one outcome measure: the SWEMWBS metric score or one ONS4 answer."""
    if measure not in MEASURES.get(instrument, ()):
        options = ", ".join(MEASURES.get(instrument, ())) or "none"
        raise InvalidInput(f"'{measure}' is not a measure of {instrument}; use one of {options}")
    if instrument == SWEMWBS:
        return score_swemwbs(answers).metric
    return float(check_answers(ONS4, answers)[ONS4_QUESTIONS.index(measure)])
