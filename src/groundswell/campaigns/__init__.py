"""Campaigns (challenges such as a mile a day without transport): streaks, totals, GPX.

A pure engine: dates, numbers and dataclasses in and out, no database or web code.
"""

from groundswell.campaigns.gpx import GpxDistance, distance_by_day, haversine_m, parse_gpx
from groundswell.campaigns.streaks import (
    DEFAULT_TZ,
    Streaks,
    count_streaks,
    local_date,
    met_target,
)
from groundswell.campaigns.totals import Log, Progress, progress

__all__ = [
    "DEFAULT_TZ",
    "GpxDistance",
    "Log",
    "Progress",
    "Streaks",
    "count_streaks",
    "distance_by_day",
    "haversine_m",
    "local_date",
    "met_target",
    "parse_gpx",
    "progress",
]
