"""Wellbeing measures: instruments scored exactly, outcome statistics, small-number rules.

A pure engine: numbers and dataclasses in and out, no database or web code.
"""

from groundswell.measures.instruments import (
    INSTRUMENTS,
    MEASURES,
    ONS4,
    ONS4_QUESTIONS,
    SWEMWBS,
    Ons4Item,
    Ons4Score,
    SwemwbsScore,
    check_answers,
    measure_value,
    ons4_band,
    score,
    score_ons4,
    score_swemwbs,
    swemwbs_table,
)
from groundswell.measures.outcomes import (
    SELECTION_CAVEAT,
    Comparison,
    OutcomeReport,
    PairedChange,
    compare_changes,
    outcome_report,
    paired_change,
)
from groundswell.measures.suppression import MIN_CELL, MIN_PAIRED, Cell

__all__ = [
    "INSTRUMENTS",
    "MEASURES",
    "MIN_CELL",
    "MIN_PAIRED",
    "ONS4",
    "ONS4_QUESTIONS",
    "SELECTION_CAVEAT",
    "SWEMWBS",
    "Cell",
    "Comparison",
    "Ons4Item",
    "Ons4Score",
    "OutcomeReport",
    "PairedChange",
    "SwemwbsScore",
    "check_answers",
    "compare_changes",
    "measure_value",
    "ons4_band",
    "outcome_report",
    "paired_change",
    "score",
    "score_ons4",
    "score_swemwbs",
    "swemwbs_table",
]
