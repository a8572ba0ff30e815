"""Wellbeing surveys: check-ins through the movement, and before and after the campaign.

Members are asked when they join and about every six months after, and a
little over half answer each time, so every month of the period has answers
(and active people) to count. The campaign adds a baseline in the week before
it starts, for most walkers and for a comparison group of other members, and
a follow-up four to six weeks after it ends (none while it is still running).
Nothing is dated on or after today.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.demo import places
from groundswell.demo.campaign import LENGTH, CampaignData

INSTRUMENTS: tuple[str, ...] = ("swemwbs", "ons4")
MODES: tuple[str, ...] = ("online", "paper", "phone", "in_person")
MODE_SHARES = np.array([0.6, 0.2, 0.1, 0.1])
CHECK_IN_DAYS = 182  # members are asked again about every six months
CHECK_IN_ANSWERED = 0.55  # the share who answer each time
CHECK_INS = (
    1 + places.DAYS // CHECK_IN_DAYS
)  # the most check-ins a member is asked to in the period


@dataclass(frozen=True, eq=False)
class Surveys:
    """Wellbeing answers: one row per person, instrument and day answered."""

    person: np.ndarray  # int32
    instrument: np.ndarray  # int8 into INSTRUMENTS
    day: np.ndarray  # int32 days since the period start
    mode: np.ndarray  # int8 into MODES
    wave: np.ndarray  # int8: 0 the person's first answers, 1 a later time point
    answers: list[tuple[int, ...]]


def _check_ins(
    members: np.ndarray, joined_day: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(person, day) of members' answered check-ins: on joining, then about every six months."""
    joined = joined_day[members]
    # Those who joined before the period were first asked some time in its first six months.
    first = np.where(
        joined >= 0,
        joined + rng.uniform(0.0, 14.0, members.size),
        rng.uniform(0.0, CHECK_IN_DAYS, members.size),
    )
    steps = np.arange(CHECK_INS) * CHECK_IN_DAYS
    day = first[:, None] + steps[None, :] + rng.integers(-14, 15, (members.size, CHECK_INS))
    day = np.maximum(day, first[:, None])
    answered = (rng.random(day.shape) < CHECK_IN_ANSWERED) & (day < places.DAYS)
    person = np.broadcast_to(members[:, None], day.shape)
    return person[answered], np.floor(day[answered])


def generate_surveys(
    campaign: CampaignData,
    others: np.ndarray,
    members: np.ndarray,
    joined_day: np.ndarray,
    rng: np.random.Generator,
) -> Surveys:
    """SWEMWBS (7 items, 1-5) and ONS4 (four 0-10 items) at each time point.

    Means follow UK figures: SWEMWBS raw ~23.5 (Ng Fat et al. 2017, Qual Life
    Res 26:1129); ONS4 life satisfaction 7.4, worthwhile 7.7, happy 7.4,
    anxious 3.2 (ONS Annual Population Survey 2022-23). Each person's
    wellbeing is steady but for noise; regular walkers gain about a quarter of
    a standard deviation once the campaign is over.
    """
    n = joined_day.shape[0]
    z = np.asarray(rng.normal(0.0, 1.0, size=n))
    mode_of = np.asarray(rng.choice(len(MODES), size=n, p=MODE_SHARES), dtype=np.int8)
    walkers = rng.choice(
        campaign.participants, size=int(0.7 * campaign.participants.size), replace=False
    )
    extra = others[~np.isin(others, campaign.participants)]
    extra = rng.choice(extra, size=min(extra.size, walkers.size // 2), replace=False)
    asked = np.sort(np.concatenate([walkers, extra])).astype(np.int64)
    before = campaign.start - rng.integers(1, 8, size=asked.size)
    follow = rng.random(asked.size) < 0.7
    after = campaign.end + 28 + rng.integers(0, 15, size=asked.size)
    members_at, members_day = _check_ins(members.astype(np.int64), joined_day, rng)
    person = np.concatenate([asked, asked[follow], members_at])
    day = np.concatenate([before, after[follow], members_day]).astype(np.int64)
    # Only what has happened, one set of answers per person per day, in order of answering.
    keep = day < places.DAYS
    person, day = person[keep], day[keep]
    _, first = np.unique(person * (places.DAYS + 1) + day, return_index=True)
    order = first[np.lexsort((person[first], day[first]))]
    person, day = person[order], day[order]

    logged = np.bincount(campaign.log_person, minlength=n)
    gain = np.where(logged[person] >= LENGTH // 2, 0.25, 0.05) * (day > campaign.end)
    latent = z[person] + gain + rng.normal(0.0, 0.3, size=person.size)
    items = np.clip(
        np.rint(3.35 + 0.75 * latent[:, None] + rng.normal(0, 0.6, (person.size, 7))), 1, 5
    )
    ons = np.column_stack(
        [
            7.4 + 1.5 * latent + rng.normal(0, 1.2, person.size),
            7.7 + 1.3 * latent + rng.normal(0, 1.2, person.size),
            7.4 + 1.4 * latent + rng.normal(0, 1.6, person.size),
            3.2 - 1.3 * latent + rng.normal(0, 2.2, person.size),
        ]
    )
    ons = np.clip(np.rint(ons), 0, 10)
    wave = np.ones(person.size, dtype=np.int8)
    wave[np.unique(person, return_index=True)[1]] = 0  # each person's earliest answers
    answers = [tuple(int(v) for v in row) for row in items.astype(np.int64)]
    answers += [tuple(int(v) for v in row) for row in ons.astype(np.int64)]
    return Surveys(
        person=np.tile(person, 2).astype(np.int32),
        instrument=np.repeat(np.arange(len(INSTRUMENTS), dtype=np.int8), person.size),
        day=np.tile(day, 2).astype(np.int32),
        mode=np.tile(mode_of[person], 2),
        wave=np.tile(wave, 2),
        answers=answers,
    )
