"""National norms: the packaged file loads, every figure cites its source, bad rows are refused."""

from __future__ import annotations

import pytest

from groundswell.measures.instruments import MEASURES
from groundswell.measures.norms import COLUMNS, national_norms, parse_norms


def test_every_figure_has_a_source_an_address_and_a_known_measure() -> None:
    norms = national_norms()
    assert len(norms) == 6
    for norm in norms:
        assert norm.measure in MEASURES[norm.instrument]
        assert len(norm.source) > 40 and norm.url.startswith("https://")
        assert norm.population and norm.year and norm.statistic in ("mean", "sd")


def test_the_published_figures() -> None:
    """Ng Fat et al. 2017 (abstract) and ONS, Personal well-being in the UK, YE March 2023."""
    got = {(n.instrument, n.measure, n.population.split()[0]): n.value for n in national_norms()}
    assert got == {
        ("swemwbs", "metric", "Men"): 23.7,
        ("swemwbs", "metric", "Women"): 23.2,
        ("ons4", "satisfaction", "Adults"): 7.45,
        ("ons4", "worthwhile", "Adults"): 7.73,
        ("ons4", "happy", "Adults"): 7.39,
        ("ons4", "anxious", "Adults"): 3.23,
    }
    swemwbs = [n for n in national_norms() if n.instrument == "swemwbs"]
    assert all("Qual Life Res 2017;26:1129-1144" in n.source for n in swemwbs)
    assert all("10.1007/s11136-016-1454-8" in n.url for n in swemwbs)
    ons = [n for n in national_norms() if n.instrument == "ons4"]
    assert all("April 2022 to March 2023" in n.source and "ons.gov.uk" in n.url for n in ons)


HEADER = ",".join(COLUMNS) + "\n"
GOOD = "ons4,happy,UK adults,mean,7.4,2023,ONS release,https://www.ons.gov.uk/x\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("instrument,measure\n", "columns must be"),
        (HEADER + GOOD.replace("ONS release", ""), "line 2, field 'source'"),
        (HEADER + GOOD.replace("https://www.ons.gov.uk/x", ""), "line 2, field 'url'"),
        (HEADER + GOOD.replace("https://", "http://"), "https address"),
        (HEADER + GOOD.replace("happy", "joy"), "no measure 'joy'"),
        (HEADER + GOOD.replace("mean", "median"), "use mean or sd"),
        (HEADER + GOOD.replace("7.4", "12"), "out of range"),
        (HEADER + GOOD + GOOD.replace("ons4,happy", "swemwbs,metric").replace("7.4", "40"),
         "line 3, field 'value'"),
    ],
)  # fmt: skip
def test_bad_rows_are_refused_naming_line_and_field(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_norms(text)


def test_a_good_row_parses() -> None:
    (norm,) = parse_norms(HEADER + GOOD)
    assert norm.value == 7.4 and norm.to_dict()["source"] == "ONS release"
