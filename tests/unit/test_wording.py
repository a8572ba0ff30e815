"""Counts in words: the noun agrees with the number (finding 7: "Group B: 1 people")."""

from __future__ import annotations

import pytest

from groundswell.web.templating import humanise
from groundswell.wording import plural


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 people"),
        (1, "1 person"),
        (2, "2 people"),
        (20000, "20,000 people"),
        (1.0, "1 person"),
    ],
)
def test_finding_7_one_person_many_people(n: float, expected: str):
    assert plural(n, "person", "people") == expected


def test_finding_7_regular_plurals_and_fractions():
    assert plural(1, "statement") == "1 statement"
    assert plural(3, "statement") == "3 statements"
    assert plural(2.5, "mile") == "2.5 miles"


def test_finding_7_flag_kind_reads_nhs_number():
    assert humanise("nhs_number") == "NHS number"
    assert humanise("date_of_birth") == "Date of birth"
