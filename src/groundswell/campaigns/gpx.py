"""GPX tracks (as phone and watch apps export them) to distance walked per local day.

Reads GPX 1.0 and 1.1 ``<trk>/<trkseg>/<trkpt lat lon><time>`` points.
Distances are great-circle distances by the haversine formula (Sinnott,
"Virtues of the Haversine", Sky and Telescope 68(2):159, 1984)::

    a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)
    d = 2 R · asin(√a)

with R = 6 371 008.8 m, the IUGG mean Earth radius (Moritz, "Geodetic
Reference System 1980", J. Geodesy 74:128, 2000). On a walk's scale the
spherical error against the ellipsoid is under 0.5%.

Each step between two consecutive points of a segment counts on the local
date (campaign time zone) of the point it ends at. A step faster than
``MAX_SPEED_MS`` is left out and counted: a GPS jump or a ride in a vehicle is
not a mile walked without transport.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise

import numpy as np

from groundswell.campaigns.streaks import DEFAULT_TZ, local_date
from groundswell.errors import InputFileError

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_MILE = 1_609.344
MAX_SPEED_MS = 12.0  # 27 mph: faster than anyone runs, slower than traffic
NAMESPACES = ("http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/0")


@dataclass(frozen=True)
class TrackPoint:
    lat: float
    lon: float
    time: datetime | None


@dataclass
class GpxDistance:
    """Distance per local day in miles, and the steps left out as too fast."""

    path: str
    miles_by_day: dict[date, float] = field(default_factory=dict)
    points: int = 0
    skipped_steps: int = 0
    skipped_miles: float = 0.0


def haversine_m(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in metres between points given in degrees (Sinnott 1984).

    >>> round(float(haversine_m(51.5007, -0.1246, 40.6892, -74.0445)) / 1000)
    5575
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    metres: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return metres


def parse_gpx(data: bytes, path: str = "track.gpx") -> list[list[TrackPoint]]:
    """The track segments of a GPX document, each a list of points in file order."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        # GPX never needs a DTD; refusing one rules out entity-expansion attacks.
        raise InputFileError(
            path, "the file declares a DOCTYPE or entities", fix="export plain GPX"
        )
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise InputFileError(
            path, f"this is not valid GPX/XML ({exc})",
            line=line, fix="export the track again as GPX",
        ) from None  # fmt: skip
    if _local(root.tag) != "gpx":
        raise InputFileError(path, f"the document is <{_local(root.tag)}>, not <gpx>", line=1)
    segments: list[list[TrackPoint]] = []
    for trk in _children(root, "trk"):
        for seg in _children(trk, "trkseg"):
            points = [_point(path, pt) for pt in _children(seg, "trkpt")]
            if points:
                segments.append(points)
    if not segments:
        raise InputFileError(
            path, "the file has no track points (<trk><trkseg><trkpt>)",
            fix="export a recorded track, not a route or waypoints",
        )  # fmt: skip
    return segments


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _point(path: str, element: ET.Element) -> TrackPoint:
    try:
        lat, lon = float(element.attrib["lat"]), float(element.attrib["lon"])
    except (KeyError, ValueError):
        raise InputFileError(
            path, f"a track point has lat={element.attrib.get('lat')!r} "
            f"lon={element.attrib.get('lon')!r}",
            field="trkpt", fix="each <trkpt> needs numeric lat and lon attributes",
        ) from None  # fmt: skip
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputFileError(
            path, f"a track point is off the globe (lat {lat}, lon {lon})", field="trkpt",
            fix="latitude is -90..90 and longitude -180..180 degrees",
        )  # fmt: skip
    when = None
    for child in element:
        if _local(child.tag) == "time" and child.text:
            text = child.text.strip()
            try:
                when = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise InputFileError(
                    path, f"'{text}' is not a GPX time", field="time",
                    fix="times are ISO 8601 in UTC, e.g. 2024-03-31T07:15:02Z",
                ) from None  # fmt: skip
            if when.tzinfo is None:  # GPX 1.1: times are UTC, with or without the Z
                when = when.replace(tzinfo=UTC)
    return TrackPoint(lat, lon, when)


def distance_by_day(
    segments: list[list[TrackPoint]],
    *,
    tz: str = DEFAULT_TZ,
    path: str = "track.gpx",
    max_speed: float = MAX_SPEED_MS,
) -> GpxDistance:
    """Miles per local date in ``tz``, summed over every segment's steps."""
    out = GpxDistance(path=path)
    for points in segments:
        out.points += len(points)
        if any(p.time is None for p in points):
            raise InputFileError(
                path, "a track point has no <time>", field="time",
                fix="export the track with times, so each mile counts on its day",
            )  # fmt: skip
        if len(points) < 2:
            continue
        lat = np.array([p.lat for p in points])
        lon = np.array([p.lon for p in points])
        metres = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
        times = [p.time for p in points if p.time is not None]  # every one, as checked above
        seconds = np.array([(b - a).total_seconds() for a, b in pairwise(times)])
        fast = (seconds <= 0) & (metres > 0) | (metres > max_speed * np.maximum(seconds, 0))
        out.skipped_steps += int(fast.sum())
        out.skipped_miles += float(metres[fast].sum()) / METRES_PER_MILE
        for step in np.flatnonzero(~fast):
            day = local_date(times[step + 1], tz)
            out.miles_by_day[day] = (
                out.miles_by_day.get(day, 0.0) + float(metres[step]) / METRES_PER_MILE
            )
    out.miles_by_day = {d: round(m, 3) for d, m in sorted(out.miles_by_day.items())}
    return out
