"""GPX tracks as phone apps export them: distance per local day, by the haversine formula."""

from __future__ import annotations

import itertools
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from groundswell.campaigns import distance_by_day, haversine_m, parse_gpx
from groundswell.campaigns.gpx import EARTH_RADIUS_M, METRES_PER_MILE
from groundswell.errors import InputFileError

WALK = Path(__file__).parent / "data" / "prom-walk.gpx"


def cosine_law_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Spherical law of cosines: an independent formula for the same distance."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_M * math.acos(min(1.0, c))


def test_haversine_by_hand() -> None:
    # One degree along a meridian is pi R / 180.
    assert float(haversine_m(54.0, -2.8, 55.0, -2.8)) == pytest.approx(
        math.pi * EARTH_RADIUS_M / 180
    )
    # A quarter of the equator.
    assert float(haversine_m(0.0, 0.0, 0.0, 90.0)) == pytest.approx(math.pi * EARTH_RADIUS_M / 2)
    assert float(haversine_m(54.07, -2.87, 54.07, -2.87)) == 0.0
    # Antipodes: the clip keeps asin's argument in range.
    assert float(haversine_m(10.0, 20.0, -10.0, -160.0)) == pytest.approx(math.pi * EARTH_RADIUS_M)
    # Morecambe clock tower to Lancaster Castle, against the law of cosines.
    d = float(haversine_m(54.0718, -2.8727, 54.0500, -2.8055))
    assert d == pytest.approx(cosine_law_m(54.0718, -2.8727, 54.0500, -2.8055), rel=1e-9)
    assert 4_900 < d < 5_100  # about 5 km as the crow flies


def test_real_format_file_parses() -> None:
    segments = parse_gpx(WALK.read_bytes(), str(WALK))
    assert [len(s) for s in segments] == [100, 96]  # paused once: two segments
    first = segments[0][0]
    assert (first.lat, first.lon) == (54.0674654, -2.877159)
    assert first.time.isoformat() == "2024-10-26T22:40:03+00:00"


def test_distance_is_split_on_local_midnight() -> None:
    segments = parse_gpx(WALK.read_bytes(), str(WALK))
    result = distance_by_day(segments, tz="Europe/London", path=str(WALK))
    # Every point is on 26 October in UTC, but the walk crosses local midnight (BST).
    assert {p.time.date() for s in segments for p in s} == {date(2024, 10, 26)}
    assert list(result.miles_by_day) == [date(2024, 10, 26), date(2024, 10, 27)]
    # Independent total: law of cosines over every step, minus the GPS jump.
    steps = []
    for seg in segments:
        for a, b in itertools.pairwise(seg):
            metres = cosine_law_m(a.lat, a.lon, b.lat, b.lon)
            if metres <= 12.0 * (b.time - a.time).total_seconds():
                steps.append((b.time, metres))
    total = sum(m for _, m in steps) / METRES_PER_MILE
    assert sum(result.miles_by_day.values()) == pytest.approx(total, abs=0.002)
    assert result.skipped_steps == 2  # the jump out and the jump back
    assert 0.6 < result.skipped_miles < 0.9
    assert 1.6 < total < 1.9  # 32 minutes at a brisk walk
    utc = distance_by_day(segments, tz="UTC")
    assert list(utc.miles_by_day) == [date(2024, 10, 26)]
    assert result.points == 196


BAD = [
    (b"", "not valid GPX/XML", None),
    (b"<gpx><trk><trkseg><trkpt lat='54' lon='-2'>", "not valid GPX/XML", 1),
    (b"<kml></kml>", "not <gpx>", None),
    (b"<gpx xmlns='http://www.topografix.com/GPX/1/1'><wpt lat='1' lon='1'/></gpx>",
     "no track points", None),
    (b"<gpx><trk><trkseg><trkpt lat='x' lon='-2'/></trkseg></trk></gpx>", "lat='x'", None),
    (b"<gpx><trk><trkseg><trkpt lat='95' lon='-2'/></trkseg></trk></gpx>", "off the globe", None),
    (b"<gpx><trk><trkseg><trkpt lat='54' lon='-2'><time>yesterday</time></trkpt>"
     b"</trkseg></trk></gpx>", "not a GPX time", None),
    (b"<?xml version='1.0'?><!DOCTYPE gpx [<!ENTITY a 'aaaa'>]><gpx>&a;</gpx>", "DOCTYPE", None),
]  # fmt: skip


@pytest.mark.parametrize(("data", "words", "line"), BAD)
def test_bad_files_are_one_clear_error(data: bytes, words: str, line: int | None) -> None:
    with pytest.raises(InputFileError) as info:
        parse_gpx(data, "walk.gpx")
    assert str(info.value).startswith("walk.gpx") and words in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_points_without_times_cannot_be_given_a_day() -> None:
    data = (b"<gpx><trk><trkseg><trkpt lat='54' lon='-2'/><trkpt lat='54.001' lon='-2'/>"
            b"</trkseg></trk></gpx>")  # fmt: skip
    with pytest.raises(InputFileError, match="no <time>"):
        distance_by_day(parse_gpx(data), path="walk.gpx")


def test_gpx_1_0_and_naive_times_are_utc() -> None:
    data = (b"<gpx version='1.0' xmlns='http://www.topografix.com/GPX/1/0'><trk><trkseg>"
            b"<trkpt lat='54.0' lon='-2.8'><time>2024-07-01T23:30:00</time></trkpt>"
            b"<trkpt lat='54.001' lon='-2.8'><time>2024-07-01T23:31:00</time></trkpt>"
            b"</trkseg></trk></gpx>")  # fmt: skip
    result = distance_by_day(parse_gpx(data))
    # 23:31 UTC in July is 00:31 BST on 2 July.
    assert list(result.miles_by_day) == [date(2024, 7, 2)]
    assert result.miles_by_day[date(2024, 7, 2)] == pytest.approx(
        float(np.round(111.195 / METRES_PER_MILE, 3)), abs=0.001
    )
