"""The places of the demo: Morecambe Bay's towns, organisations and the demo's calendar.

Populations are rounded 2021 Census figures for the built-up areas (ONS,
"Towns and cities, characteristics of built-up areas, England and Wales:
Census 2021"); the demo keeps their proportions and scales them to its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

TOWNS: tuple[tuple[str, int], ...] = (
    ("Morecambe", 34_000),
    ("Lancaster", 52_000),
    ("Heysham", 7_000),
    ("Carnforth", 5_500),
    ("Kendal", 29_000),
    ("Barrow-in-Furness", 56_000),
    ("Ulverston", 12_000),
    ("Grange-over-Sands", 4_000),
)
TOWN_NAMES: tuple[str, ...] = tuple(name for name, _ in TOWNS)

# Road distance between towns in miles (rounded); it weights who knows whom
# across towns and where people commute to work.
_MILES = np.array(
    [
        #  Mor  Lan  Hey  Car  Ken  Bar  Ulv  Gra
        [0, 4, 3, 8, 24, 46, 37, 29],
        [4, 0, 6, 7, 22, 45, 36, 27],
        [3, 6, 0, 11, 27, 49, 40, 32],
        [8, 7, 11, 0, 14, 38, 29, 18],
        [24, 22, 27, 14, 0, 34, 25, 13],
        [46, 45, 49, 38, 34, 0, 9, 22],
        [37, 36, 40, 29, 25, 9, 0, 14],
        [29, 27, 32, 18, 13, 22, 14, 0],
    ],
    dtype=np.float64,
)

# The demo's calendar: two years of movement activity, up to the day it is built.
DAYS = 730

# Organisation kinds (index into this tuple is the code in the arrays).
ORG_KINDS: tuple[str, ...] = ("business", "hospital", "gp", "council", "voluntary", "school")

# The three hospitals of University Hospitals of Morecambe Bay and their
# approximate staff as a share of the area's population (staff / 199,500).
HOSPITALS: tuple[tuple[str, str, float], ...] = (
    ("Royal Lancaster Infirmary", "Lancaster", 0.0175),
    ("Furness General Hospital", "Barrow-in-Furness", 0.0100),
    ("Westmorland General Hospital", "Kendal", 0.0030),
)

COUNCILS: tuple[tuple[str, str, float], ...] = (
    ("Lancaster City Council", "Lancaster", 0.0060),
    ("Westmorland and Furness Council", "Kendal", 0.0080),
)

VOLUNTARY: tuple[tuple[str, str, float], ...] = (
    ("Morecambe Bay Community Voluntary Service", "Morecambe", 0.0008),
    ("Furness Carers Network", "Barrow-in-Furness", 0.0006),
    ("South Lakes Community Kitchen", "Kendal", 0.0005),
    ("Lune Valley Befrienders", "Lancaster", 0.0005),
    ("Heysham and Overton Community Trust", "Heysham", 0.0003),
)

# GP practices per town (about one per 9,000 residents) and their staff share.
GP_SHARE = 0.0012
_GP_SUFFIXES = (
    "Medical Practice",
    "Health Centre",
    "Surgery",
    "Family Practice",
    "Medical Group",
    "Primary Care Centre",
)

CLUB_TYPES: tuple[str, ...] = (
    "Bowling Club",
    "parkrun",
    "Community Choir",
    "Allotment Society",
    "Rugby Club",
    "Swimming Club",
    "Walking Football",
    "Book Group",
    "Men's Shed",
    "Sea Swimmers",
)


def proximity(scale_miles: float = 12.0) -> np.ndarray:
    """Cross-town weights ``exp(-miles / scale)`` with a zero diagonal.

    A simple gravity-style decay: ties and commuting fall off with distance.
    """
    weights = np.exp(-_MILES / scale_miles)
    np.fill_diagonal(weights, 0.0)
    return weights


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Examples
    --------
    >>> apportion(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    share = np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    exact = share * total
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def gp_practices() -> list[tuple[str, str]]:
    """(name, town) of the GP practices: about one per 9,000 residents, at least one."""
    practices = []
    for town, population in TOWNS:
        count = max(1, round(population / 9_000))
        for k in range(count):
            practices.append((f"{town} {_GP_SUFFIXES[k % len(_GP_SUFFIXES)]}", town))
    return practices


@dataclass(frozen=True)
class Period:
    """The demo's two years, ending ``today`` (the day it is built, or ``--today``).

    Engines count days as offsets from ``start``, ``DAYS`` days before ``today``:
    day ``DAYS`` is today, so what has already happened lies in ``[0, DAYS)``
    and a date is never later than today. Only this class turns offsets into
    dates, so every date in the demo follows the chosen period.

    Examples
    --------
    >>> period = Period(date(2026, 12, 5))
    >>> period.start.isoformat(), period.on(DAYS).isoformat(), int(period.weekday(0))
    ('2024-12-05', '2026-12-05', 3)
    """

    today: date

    @property
    def start(self) -> date:
        return self.today - timedelta(days=DAYS)

    def on(self, day: int) -> date:
        """The date of day offset ``day``."""
        return self.start + timedelta(days=int(day))

    def day(self, when: date) -> int:
        """The day offset of ``when``."""
        return (when - self.start).days

    def weekday(self, days: np.ndarray | int) -> np.ndarray:
        """Monday 0 ... Sunday 6 of day offsets."""
        return (np.asarray(days) + self.start.weekday()) % 7

    def dates(self, days: np.ndarray) -> np.ndarray:
        """Day offsets as ``datetime64[D]`` (NaN becomes NaT)."""
        days = np.asarray(days, dtype=np.float64)
        out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = ~np.isnan(days)
        out[ok] = self._start() + np.floor(days[ok]).astype("timedelta64[D]")
        return out

    def times(self, days: np.ndarray) -> np.ndarray:
        """Fractional day offsets as ``datetime64[s]`` (NaN becomes NaT)."""
        days = np.asarray(days, dtype=np.float64)
        out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[s]")
        ok = ~np.isnan(days)
        seconds = np.round(days[ok] * 86_400).astype("timedelta64[s]")
        out[ok] = self._start().astype("datetime64[s]") + seconds
        return out

    def _start(self) -> np.datetime64:
        return np.datetime64(self.start.isoformat(), "D")
