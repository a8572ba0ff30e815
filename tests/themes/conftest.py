"""Fixtures for the themes engine: synthetic topics, and the real labelled feedback."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from themes_corpus import topic_corpus

FEEDBACK = Path(__file__).resolve().parents[2] / "data" / "feedback" / "fft-phase1-text-data.csv.gz"


@pytest.fixture(scope="session")
def topics() -> tuple[list[str], list[str]]:
    return topic_corpus()


@pytest.fixture(scope="session")
def feedback() -> list[dict[str, str]]:
    """The 10,334 labelled NHS patient comments (data/feedback)."""
    with gzip.open(FEEDBACK, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
