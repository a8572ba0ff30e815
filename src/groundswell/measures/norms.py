"""Published national figures (norms) to set the movement's wellbeing beside.

``data/norms.csv`` holds one row per figure, each with its full citation and
address; this module reads and checks it (every row cites a source, names a
known instrument and measure, and has a value in the instrument's range).
The movement is not a random sample of the population, so a comparison is a
description, never a test: see ``NOT_A_SAMPLE``.

>>> rows = national_norms()
>>> all(row.source and row.url.startswith("https://") for row in rows)
True
>>> sorted({row.instrument for row in rows})
['ons4', 'swemwbs']
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

from groundswell.measures.instruments import MEASURES, ONS4_RANGE, SWEMWBS_RANGE

COLUMNS = ("instrument", "measure", "population", "statistic", "value", "year", "source", "url")
STATISTICS = ("mean", "sd")
NOT_A_SAMPLE = (
    "The people who answer here are not a random sample of the population: they chose "
    "to join the movement and to answer, and may differ from everyone else in age, "
    "health and much more. National figures are for other years and places, so a "
    "difference from them describes who answered; it is not the effect of the movement."
)


@dataclass(frozen=True)
class Norm:
    """One published figure and where it was published."""

    instrument: str
    measure: str
    population: str
    statistic: str
    value: float
    year: str
    source: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _range(instrument: str) -> tuple[int, int]:
    # SWEMWBS metric scores run from 7 to 35 (seven items of 1-5); ONS4 answers 0-10.
    low, high = SWEMWBS_RANGE if instrument == "swemwbs" else ONS4_RANGE
    return (low * 7, high * 7) if instrument == "swemwbs" else (low, high)


def parse_norms(text: str, name: str = "norms.csv") -> list[Norm]:
    """Rows of a norms CSV, checked; ``ValueError`` names the line and field."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{name}: the columns must be {', '.join(COLUMNS)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        empty = next((c for c in COLUMNS if not (row.get(c) or "").strip()), None)
        if empty:
            raise ValueError(f"{name}, line {line}, field '{empty}': every figure needs it")
        if row["measure"] not in MEASURES.get(row["instrument"], ()):
            raise ValueError(f"{name}, line {line}: no measure '{row['measure']}' of "
                             f"'{row['instrument']}'")  # fmt: skip
        if row["statistic"] not in STATISTICS:
            raise ValueError(f"{name}, line {line}, field 'statistic': use mean or sd")
        value = float(row["value"])
        low, high = _range(row["instrument"])
        if row["statistic"] == "mean" and not low <= value <= high:
            raise ValueError(f"{name}, line {line}, field 'value': {value} is out of range")
        if not row["url"].startswith("https://"):
            raise ValueError(f"{name}, line {line}, field 'url': give the https address")
        rows.append(
            Norm(row["instrument"], row["measure"], row["population"], row["statistic"], value,
                 row["year"], row["source"], row["url"])
        )  # fmt: skip
    return rows


@cache
def national_norms() -> tuple[Norm, ...]:
    """The packaged figures, read once (a damaged install fails loudly, not silently)."""
    text = (
        resources.files("groundswell.measures")
        .joinpath("data", "norms.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(parse_norms(text))
