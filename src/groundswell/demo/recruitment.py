"""Who brought whom into the movement, with planted change-maker roles.

The tree grows in time order from a few kinds of root:

- **mobilisers** (well-connected people) call 20-60 people each, quickly;
  their recruits mostly do not recruit anyone themselves;
- **organisers** recruit 5-15 people each, slowly, and grow about half of them
  into leaders who recruit and host in turn (depth up to four);
- **lone wolves** joined years ago, have few ties and recruit almost nobody;
- **self-joiners** found the movement on their own and recruit a little.

Recruits are the recruiter's own ties where possible (people join through
people they know), otherwise people of the same town met at a gathering.
Each person is recruited once and only by someone who joined earlier, so the
result is a forest.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from groundswell.demo import places

HORIZON_DAYS = places.DAYS  # the period's days; day HORIZON_DAYS is today

# Roles kept as the generator's ground truth (never written to the database).
ROLES: tuple[str, ...] = ("mobiliser", "organiser", "lone_wolf", "grown_leader")

# style: (days between recruits, recruits fill from town when ties run out)
_PACE = {"mobiliser": 6.0, "organiser": 30.0, "leader": 40.0, "lone_wolf": 200.0, "member": 60.0}


@dataclass(frozen=True, eq=False)
class RecruitmentTree:
    """``recruiter[i]`` brought ``i`` in (-1: nobody); ``joined_day``: days since the start."""

    recruiter: np.ndarray  # int32, -1 none
    joined_day: (
        np.ndarray
    )  # float64 days since the period start, NaN for people not in the movement
    planted: dict[str, np.ndarray]  # role -> sorted person indices

    @property
    def members(self) -> np.ndarray:
        return np.flatnonzero(~np.isnan(self.joined_day))


def role_counts(n: int) -> dict[str, int]:
    """How many mobilisers, organisers, lone wolves and self-joiners ``n`` people hold."""
    return {
        "mobiliser": max(2, round(n / 3000)),
        "organiser": max(3, round(n / 2500)),
        "lone_wolf": max(3, round(n / 2000)),
        "self": max(5, round(n * 0.03)),
    }


def generate_recruitment(
    age: np.ndarray,
    town: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    rng: np.random.Generator,
) -> RecruitmentTree:
    """Grow the recruitment forest over the demo period."""
    n = age.shape[0]
    degree = np.diff(indptr)
    counts = role_counts(n)
    adult = age >= 18
    taken = np.zeros(n, dtype=bool)

    def pick(mask: np.ndarray, k: int) -> np.ndarray:
        pool = np.flatnonzero(mask & ~taken)
        chosen = np.sort(rng.choice(pool, size=min(k, pool.size), replace=False))
        taken[chosen] = True
        return chosen

    deg_adult = degree[adult]
    mobilisers = pick(adult & (degree >= np.quantile(deg_adult, 0.98)), counts["mobiliser"])
    organisers = pick(
        adult & (degree >= np.quantile(deg_adult, 0.5)) & (degree <= np.quantile(deg_adult, 0.9)),
        counts["organiser"],
    )
    lone = pick(adult & (degree <= np.quantile(deg_adult, 0.4)), counts["lone_wolf"])
    selfs = pick(adult, counts["self"])

    recruiter = np.full(n, -1, dtype=np.int32)
    joined = np.full(n, np.nan)
    eligible = age >= 16
    town_pool = [np.flatnonzero((town == t) & eligible) for t in range(len(places.TOWN_NAMES))]
    grown: list[int] = []
    heap: list[tuple[float, int, int, str, int, int]] = []
    counter = 0

    def join(person: int, day: float, style: str, quota: int, depth: int) -> None:
        nonlocal counter
        joined[person] = day
        heapq.heappush(heap, (day, counter, int(person), style, quota, depth))
        counter += 1

    for p in mobilisers:
        join(p, rng.uniform(0, 120), "mobiliser", int(rng.integers(20, 61)), 0)
    for p in organisers:
        join(p, rng.uniform(0, 90), "organiser", int(rng.integers(5, 16)), 0)
    for p in lone:
        join(p, rng.uniform(-3650, -1000), "lone_wolf", int(rng.random() < 0.25), 0)
    for p in selfs:
        join(p, rng.uniform(0, HORIZON_DAYS - 30), "member", int(rng.poisson(0.3)), 0)

    while heap:
        day, _, person, style, quota, depth = heapq.heappop(heap)
        if quota <= 0:
            continue
        nbrs = indices[indptr[person] : indptr[person + 1]]
        free = nbrs[eligible[nbrs] & np.isnan(joined[nbrs])]
        chosen = rng.choice(free, size=min(quota, free.size), replace=False) if free.size else free
        if chosen.size < quota and style in ("mobiliser", "organiser", "leader"):
            pool = town_pool[int(town[person])]
            extra = pool[np.isnan(joined[pool])]
            extra = extra[~np.isin(extra, chosen)]
            more = min(quota - chosen.size, extra.size)
            chosen = np.concatenate([chosen, rng.choice(extra, size=more, replace=False)])
        # Lone wolves' first recruit (if any) comes during the demo period.
        start = max(day, 0.0)
        days = start + np.cumsum(rng.exponential(_PACE[style], size=chosen.size))
        for recruit, at in zip(chosen.tolist(), days.tolist(), strict=True):
            if at >= HORIZON_DAYS:
                break
            recruiter[recruit] = person
            if style == "organiser" and rng.random() < 0.55:
                grown.append(recruit)
                join(recruit, at, "leader", int(rng.integers(2, 7)), 1)
            elif style == "leader" and depth < 4 and rng.random() < 0.35:
                grown.append(recruit)
                join(recruit, at, "leader", int(rng.integers(1, 5)), depth + 1)
            else:
                join(recruit, at, "member", int(rng.poisson(0.15)), depth + 1)

    planted = {
        "mobiliser": mobilisers,
        "organiser": organisers,
        "lone_wolf": lone,
        "grown_leader": np.sort(np.array(grown, dtype=np.int64)),
    }
    return RecruitmentTree(recruiter=recruiter, joined_day=joined, planted=planted)
