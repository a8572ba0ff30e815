"""A mile a day without transport: streaky daily logs of a campaign running as the demo ends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.demo import places

SLUG = "mile-a-day"
NAME = "A Mile a Day Without Transport"
LENGTH = 42  # six weeks
WEEKS_AGO = 4  # it started on the Monday four weeks before the week the demo is built
ORIGINS: tuple[str, ...] = ("web", "app", "paper")


@dataclass(frozen=True, eq=False)
class CampaignData:
    """Who took part and one log row per person per day they walked, up to yesterday."""

    start: int  # the campaign's first day (days since the period start)
    participants: np.ndarray  # int32 person
    log_person: np.ndarray  # int32
    log_day: np.ndarray  # int32 days since the period start
    log_amount: np.ndarray  # float64 miles, one decimal
    log_origin: np.ndarray  # int8 into ORIGINS
    log_time: np.ndarray  # float64 days since the period start, when it was logged

    @property
    def end(self) -> int:
        """The campaign's last day (after today while it runs)."""
        return self.start + LENGTH - 1


def start_day(period: places.Period) -> int:
    """The campaign's first day: a Monday 28 to 34 days before today, so it is running.

    >>> from datetime import date
    >>> period = places.Period(date(2026, 12, 5))  # a Saturday
    >>> period.on(start_day(period)).isoformat()
    '2026-11-02'
    """
    return places.DAYS - period.today.weekday() - 7 * WEEKS_AGO


def participant_count(n: int) -> int:
    return int(np.clip(round(0.03 * n), 40, 2_000))


def generate_logs(
    pool: np.ndarray, n: int, period: places.Period, rng: np.random.Generator
) -> CampaignData:
    """Daily logs of the first participants in ``pool`` (in order of priority).

    A two-state habit model with dropout:

    Logging today depends on yesterday (streaks): p = 0.6 + 0.35 h after a
    logged day, 0.15 + 0.3 h after a missed one, where h ~ Beta(4, 2) is the
    person's habit strength; each day a person stops for good with
    probability 0.005 + 0.03 (1 - h), which gives the familiar drop-off.
    Days run up to yesterday: today's walks are not logged yet.
    """
    start = start_day(period)
    count = min(participant_count(n), pool.size)
    people = np.sort(pool[:count]).astype(np.int32)
    habit = rng.beta(4.0, 2.0, size=count)
    first = np.minimum(rng.geometric(0.5, size=count) - 1, LENGTH - 1)
    origin = rng.choice(len(ORIGINS), size=count, p=[0.6, 0.3, 0.1]).astype(np.int8)
    active = np.ones(count, dtype=bool)
    yesterday = np.zeros(count, dtype=bool)
    persons, days, amounts, origins, times = [], [], [], [], []
    for d in range(min(LENGTH, places.DAYS - start)):
        weekend = period.weekday(start + d) >= 5
        p = np.where(yesterday, 0.6 + 0.35 * habit, 0.15 + 0.3 * habit) * (0.9 if weekend else 1.0)
        p[d == first] = 1.0  # everyone logs their first day
        logs = active & (d >= first) & (rng.random(count) < p)
        active &= ~((d > first) & (rng.random(count) < 0.005 + 0.03 * (1.0 - habit)))
        yesterday = logs
        who = np.flatnonzero(logs)
        miles = 1.0 + rng.lognormal(-1.2, 0.9, size=who.size)
        miles[rng.random(who.size) < 0.08] = 0.5  # a short day still counts for something
        # Web and app logs arrive that evening; paper sheets are typed in up to a week later.
        when = (
            start
            + d
            + np.where(
                origin[who] == 2,
                1.0 + rng.random(who.size) * 7.0,
                0.75 + rng.random(who.size) * 0.2,
            )
        )
        typed = when < places.DAYS  # a sheet due to be typed in after today is not in yet
        persons.append(people[who][typed])
        days.append(np.full(int(typed.sum()), start + d, dtype=np.int32))
        amounts.append(np.round(miles, 1)[typed])
        origins.append(origin[who][typed])
        times.append(when[typed])
    return CampaignData(
        start=start,
        participants=people,
        log_person=np.concatenate(persons),
        log_day=np.concatenate(days),
        log_amount=np.concatenate(amounts),
        log_origin=np.concatenate(origins),
        log_time=np.concatenate(times),
    )
