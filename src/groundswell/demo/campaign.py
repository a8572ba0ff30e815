"""A mile a day without transport: streaky daily logs, and wellbeing surveys before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from groundswell.demo import places

SLUG = "mile-a-day"
NAME = "A Mile a Day Without Transport"
START = (date(2024, 9, 2) - places.PERIOD_START).days
LENGTH = 42  # six weeks
ORIGINS: tuple[str, ...] = ("web", "app", "paper")
INSTRUMENTS: tuple[str, ...] = ("swemwbs", "ons4")
MODES: tuple[str, ...] = ("online", "paper", "phone", "in_person")
MODE_SHARES = np.array([0.6, 0.2, 0.1, 0.1])


@dataclass(frozen=True, eq=False)
class CampaignData:
    """Who took part and one log row per person per day they walked."""

    participants: np.ndarray  # int32 person
    log_person: np.ndarray  # int32
    log_day: np.ndarray  # int32 days since PERIOD_START
    log_amount: np.ndarray  # float64 miles, one decimal
    log_origin: np.ndarray  # int8 into ORIGINS
    log_time: np.ndarray  # float64 days since PERIOD_START, when it was logged


@dataclass(frozen=True, eq=False)
class Surveys:
    """Wellbeing answers: one row per person, instrument and time point."""

    person: np.ndarray  # int32
    instrument: np.ndarray  # int8 into INSTRUMENTS
    day: np.ndarray  # int32 days since PERIOD_START
    mode: np.ndarray  # int8 into MODES
    wave: np.ndarray  # int8: 0 baseline, 1 follow-up
    answers: list[tuple[int, ...]]


def participant_count(n: int) -> int:
    return int(np.clip(round(0.03 * n), 40, 2_000))


def generate_logs(pool: np.ndarray, n: int, rng: np.random.Generator) -> CampaignData:
    """Daily logs of the first participants in ``pool`` (in order of priority).

    A two-state habit model with dropout:

    Logging today depends on yesterday (streaks): p = 0.6 + 0.35 h after a
    logged day, 0.15 + 0.3 h after a missed one, where h ~ Beta(4, 2) is the
    person's habit strength; each day a person stops for good with
    probability 0.005 + 0.03 (1 - h), which gives the familiar drop-off.
    """
    count = min(participant_count(n), pool.size)
    people = np.sort(pool[:count]).astype(np.int32)
    habit = rng.beta(4.0, 2.0, size=count)
    first = np.minimum(rng.geometric(0.5, size=count) - 1, LENGTH - 1)
    origin = rng.choice(len(ORIGINS), size=count, p=[0.6, 0.3, 0.1]).astype(np.int8)
    active = np.ones(count, dtype=bool)
    yesterday = np.zeros(count, dtype=bool)
    persons, days, amounts, origins, times = [], [], [], [], []
    for d in range(LENGTH):
        weekend = (START + d + places.PERIOD_START.weekday()) % 7 >= 5
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
            START
            + d
            + np.where(
                origin[who] == 2,
                1.0 + rng.random(who.size) * 7.0,
                0.75 + rng.random(who.size) * 0.2,
            )
        )
        persons.append(people[who])
        days.append(np.full(who.size, START + d, dtype=np.int32))
        amounts.append(np.round(miles, 1))
        origins.append(origin[who])
        times.append(when)
    return CampaignData(
        participants=people,
        log_person=np.concatenate(persons),
        log_day=np.concatenate(days),
        log_amount=np.concatenate(amounts),
        log_origin=np.concatenate(origins),
        log_time=np.concatenate(times),
    )


def generate_surveys(
    campaign: CampaignData, others: np.ndarray, rng: np.random.Generator
) -> Surveys:
    """SWEMWBS (7 items, 1-5) and ONS4 (four 0-10 items) at baseline and follow-up.

    Means follow UK figures: SWEMWBS raw ~23.5 (Ng Fat et al. 2017, Qual Life
    Res 26:1129); ONS4 life satisfaction 7.4, worthwhile 7.7, happy 7.4,
    anxious 3.2 (ONS Annual Population Survey 2022-23). Regular walkers gain
    about a quarter of a standard deviation by follow-up.
    """
    walkers = rng.choice(
        campaign.participants, size=int(0.7 * campaign.participants.size), replace=False
    )
    extra = others[~np.isin(others, campaign.participants)]
    extra = rng.choice(extra, size=min(extra.size, walkers.size // 2), replace=False)
    people = np.sort(np.concatenate([walkers, extra])).astype(np.int32)
    logged = np.bincount(campaign.log_person, minlength=int(people.max(initial=0)) + 1)[people]
    gain = np.where(logged >= LENGTH // 2, 0.25, 0.05)
    z = rng.normal(0.0, 1.0, size=people.size)
    mode = rng.choice(len(MODES), size=people.size, p=MODE_SHARES).astype(np.int8)
    follow = rng.random(people.size) < 0.7
    rows_person, rows_inst, rows_day, rows_mode, rows_wave = [], [], [], [], []
    answers: list[tuple[int, ...]] = []
    for wave in (0, 1):
        who = np.arange(people.size) if wave == 0 else np.flatnonzero(follow)
        latent = z[who] + (gain[who] + rng.normal(0, 0.3, size=who.size)) * wave
        day = (
            START - rng.integers(1, 8, size=who.size)
            if wave == 0
            else START + LENGTH + 28 + rng.integers(0, 15, size=who.size)
        )
        items = np.clip(
            np.rint(3.35 + 0.75 * latent[:, None] + rng.normal(0, 0.6, (who.size, 7))), 1, 5
        )
        ons = np.column_stack(
            [
                7.4 + 1.5 * latent + rng.normal(0, 1.2, who.size),
                7.7 + 1.3 * latent + rng.normal(0, 1.2, who.size),
                7.4 + 1.4 * latent + rng.normal(0, 1.6, who.size),
                3.2 - 1.3 * latent + rng.normal(0, 2.2, who.size),
            ]
        )
        ons = np.clip(np.rint(ons), 0, 10)
        for inst, block in ((0, items), (1, ons)):
            rows_person.append(people[who])
            rows_inst.append(np.full(who.size, inst, dtype=np.int8))
            rows_day.append(day.astype(np.int32))
            rows_mode.append(mode[who])
            rows_wave.append(np.full(who.size, wave, dtype=np.int8))
            answers.extend(tuple(int(v) for v in row) for row in block.astype(np.int64))
    return Surveys(
        person=np.concatenate(rows_person),
        instrument=np.concatenate(rows_inst),
        day=np.concatenate(rows_day),
        mode=np.concatenate(rows_mode),
        wave=np.concatenate(rows_wave),
        answers=answers,
    )
