"""A synthetic movement with planted roles: the ground truth role detection is tested on.

People live in communities of 60-300 with ~8 ties inside and a few random
ties outside. Over one year (from ``START``):

- **noise**: about 30% are members; some host regular gatherings (5-20 of
  their 8-25 regulars), a tenth of members bring in one or two people,
  a quarter make pledges, some joined years ago and turn up now and then;
- **mobilisers** bring in 30-60 people from their community within weeks and
  call 2-4 rallies of 40-120; their recruits rarely go on to lead;
- **organisers** bring in 8-14 people and grow about 60% of them into leaders
  who recruit and host in turn;
- **lone wolves** joined 4-10 years ago, have 1-3 ties, and act alone 30-80
  times a year (hardly anyone comes);
- **connectors** have 4-6 ties into each of 3-5 other communities that hardly
  talk to their own.

Role holders are distinct people. Pure numpy; same seed, same movement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from groundswell.errors import InvalidInput
from groundswell.network.build import from_arrays
from groundswell.network.graph import Graph
from groundswell.rng import Seed, generator
from groundswell.roles.activity import (
    ATTENDED,
    HOSTED,
    LED,
    PLEDGE_DONE,
    PLEDGE_MADE,
    PLEDGE_SHARED,
    RECRUITED,
    Activity,
)

ROLES: tuple[str, ...] = ("lone_wolf", "mobiliser", "organiser", "connector")
START = float(np.datetime64("2024-01-01", "D").astype(np.int64))
YEAR = 365.0


@dataclass(frozen=True, eq=False)
class PlantedMovement:
    """A graph, a year of activity, the planted communities and role holders."""

    graph: Graph
    activity: Activity
    community: np.ndarray  # planted community of each person
    planted: dict[str, np.ndarray]  # role -> sorted person ids


class _Rows:
    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]] = []
        self.actions = 0

    def add(
        self, person: npt.ArrayLike, kind: int, other: npt.ArrayLike, day: npt.ArrayLike
    ) -> None:
        people = np.atleast_1d(np.asarray(person, dtype=np.int64))
        size = people.size
        others = np.broadcast_to(np.asarray(other, dtype=np.int64), (size,))
        days = np.broadcast_to(np.asarray(day, dtype=np.float64), (size,))
        self.parts.append((people, kind, others.copy(), days.copy()))

    def action(self, leader: int, kind: int, day: float, attendees: np.ndarray) -> None:
        a = self.actions
        self.actions += 1
        self.add(leader, kind, a, day)
        attendees = attendees[attendees != leader]
        if attendees.size:
            self.add(attendees, ATTENDED, a, day)

    def build(self) -> tuple[np.ndarray, ...]:
        person = np.concatenate([p for p, _, _, _ in self.parts])
        kind = np.concatenate([np.full(p.size, k, np.int8) for p, k, _, _ in self.parts])
        other = np.concatenate([o for _, _, o, _ in self.parts])
        day = np.concatenate([d for _, _, _, d in self.parts])
        return person, kind, other, day


def planted_movement(n: int = 5000, seed: Seed = 0, *, share: float = 0.002) -> PlantedMovement:
    """Generate ``n`` people with planted roles (``share`` of n each, at least 3).

    Examples
    --------
    >>> mv = planted_movement(1000, seed=1)
    >>> mv.graph.n, sorted(mv.planted)
    (1000, ['connector', 'lone_wolf', 'mobiliser', 'organiser'])
    """
    if not isinstance(n, int | np.integer) or n < 600:
        raise InvalidInput(f"a planted movement needs at least 600 people, got {n!r}")
    rng = generator(seed)
    comm, members_of = _communities(n, rng)
    count = max(3, round(n * share))
    pool = rng.permutation(n)
    picks = {
        "mobiliser": np.sort(pool[:count]),
        "organiser": np.sort(pool[count : 2 * count]),
        "lone_wolf": np.sort(pool[2 * count : 3 * count]),
        "connector": np.sort(pool[3 * count : 5 * count]),
    }
    special = np.zeros(n, bool)
    special[pool[: 5 * count]] = True
    src, dst = _ties(n, comm, members_of, picks, rng)

    rows = _Rows()
    joined = np.full(n, np.nan)
    member = (rng.random(n) < 0.3) & ~special
    old = member & (rng.random(n) < 0.15)
    joined[member] = START + rng.uniform(-3 * YEAR, 300, member.sum())
    joined[old] = START - rng.uniform(2 * YEAR, 6 * YEAR, old.sum())
    taken = member | special  # people already in the movement cannot be recruited

    def recruit(who: int, k: int, first: float, pace: float) -> np.ndarray:
        c = comm[who]
        free = members_of[c][~taken[members_of[c]]]
        if free.size < k:  # the community is all in: reach further afield
            free = np.flatnonzero(~taken)
        got = rng.choice(free, size=min(k, free.size), replace=False)
        taken[got] = True
        days = np.minimum(first + np.cumsum(rng.exponential(pace, got.size)), START + YEAR - 1)
        joined[got] = days
        rows.add(np.full(got.size, who), RECRUITED, got, days)
        chosen: np.ndarray = got
        return chosen

    # Noise: a tenth of members bring in one or two people during the year.
    for who in np.flatnonzero(member & (rng.random(n) < 0.1)):
        recruit(int(who), int(rng.integers(1, 3)), START + rng.uniform(0, 300), 30.0)
    for who in picks["mobiliser"]:
        joined[who] = START + rng.uniform(-YEAR, 60)
        got = recruit(int(who), int(rng.integers(30, 61)), START + rng.uniform(0, 90), 2.0)
        for day in np.sort(rng.uniform(START + 60, START + YEAR - 1, int(rng.integers(2, 5)))):
            c = members_of[comm[who]]
            crowd = np.union1d(got[rng.random(got.size) < 0.7], c[rng.random(c.size) < 0.25])
            rows.action(int(who), LED, day, crowd[: int(rng.integers(40, 121))])
    for who in picks["organiser"]:
        joined[who] = START + rng.uniform(-2 * YEAR, 30)
        got = recruit(int(who), int(rng.integers(8, 15)), START + rng.uniform(0, 60), 10.0)
        for day in np.sort(rng.uniform(START, START + YEAR - 1, int(rng.integers(3, 7)))):
            rows.action(int(who), LED, day, got[rng.random(got.size) < 0.4])
        grow = rng.permutation(got)[: round(got.size * rng.uniform(0.5, 0.7))]
        for leader in grow:
            start = joined[leader] + rng.uniform(10, 60)
            if start >= START + YEAR - 10:
                continue
            theirs = recruit(int(leader), int(rng.integers(1, 4)), start, 20.0)
            for day in rng.uniform(start, START + YEAR - 1, int(rng.integers(1, 4))):
                rows.action(int(leader), HOSTED, day, theirs[rng.random(theirs.size) < 0.6])
    for who in picks["lone_wolf"]:
        joined[who] = START - rng.uniform(4 * YEAR, 10 * YEAR)
        for day in np.sort(rng.uniform(START, START + YEAR - 1, int(rng.integers(30, 81)))):
            company = src[:0] if rng.random() > 0.02 else rng.integers(0, n, 1)
            rows.action(int(who), LED, day, company)
    for who in picks["connector"]:
        if rng.random() < 0.5:  # some bridges are members too, quietly
            joined[who] = START + rng.uniform(-YEAR, 200)
    _noise_gatherings(rows, comm, members_of, joined, taken, special, rng)
    _pledges(rows, joined, rng)

    person, kind, other, day = rows.build()
    graph = from_arrays(src, dst, n=n)[0]
    activity = Activity(person.astype(np.int32), kind, other, day, joined)
    return PlantedMovement(graph, activity, comm, picks)


def _communities(n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(60, 301)))
    sizes[-1] -= sum(sizes) - n
    if sizes[-1] < 30 and len(sizes) > 1:
        last = sizes.pop()
        sizes[-1] += last
    comm = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    comm = comm[rng.permutation(n)]
    order = np.argsort(comm, kind="stable")
    bounds = np.cumsum([0, *sizes])
    return comm, [order[bounds[c] : bounds[c + 1]] for c in range(len(sizes))]


def _ties(
    n: int,
    comm: np.ndarray,
    members_of: list[np.ndarray],
    picks: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """~8 ties inside one's community, a few random ones outside, planted bridges."""
    sizes = np.array([m.size for m in members_of])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(members_of)
    stubs = rng.poisson(4.0, n)
    u = np.repeat(np.arange(n), stubs)
    cu = comm[u]
    v = flat[starts[cu] + (rng.random(u.size) * sizes[cu]).astype(np.int64)]
    x, y = rng.integers(0, n, n // 10), rng.integers(0, n, n // 10)
    src, dst = [u, x], [v, y]
    for who in picks["mobiliser"]:  # the well connected: many ties in their community
        mates = members_of[comm[who]]
        k = min(mates.size, int(rng.integers(20, 40)))
        src.append(np.full(k, who))
        dst.append(rng.choice(mates, k, replace=False))
    for who in picks["connector"]:
        rest = np.delete(np.arange(len(members_of)), comm[who])
        others = rng.choice(rest, min(rest.size, int(rng.integers(3, 6))), replace=False)
        for c in others:
            k = min(members_of[c].size, int(rng.integers(4, 7)))
            src.append(np.full(k, who))
            dst.append(rng.choice(members_of[c], k, replace=False))
    a, b = np.concatenate(src), np.concatenate(dst)
    # Lone wolves: only 1-3 ties, to people of their own community.
    lone = np.zeros(n, bool)
    lone[picks["lone_wolf"]] = True
    keep = ~lone[a] & ~lone[b]
    s, d = [a[keep]], [b[keep]]
    for who in picks["lone_wolf"]:
        k = int(rng.integers(1, 4))
        s.append(np.full(k, who))
        d.append(rng.choice(members_of[comm[who]], k, replace=False))
    return np.concatenate(s), np.concatenate(d)


def _noise_gatherings(
    rows: _Rows,
    comm: np.ndarray,
    members_of: list[np.ndarray],
    joined: np.ndarray,
    taken: np.ndarray,
    special: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Hosts (5% of members) hold 1-6 gatherings, each of 5-20 of their 8-25 regulars."""
    hosts = np.flatnonzero(taken & ~special & (rng.random(taken.size) < 0.05))
    for host in hosts:
        c = members_of[comm[host]]
        c = c[taken[c] & ~special[c]]
        regulars = rng.choice(c, min(c.size, int(rng.integers(8, 26))), replace=False)
        for day in rng.uniform(START, START + YEAR - 1, int(rng.integers(1, 7))):
            here = regulars[~(joined[regulars] > day)]
            size = min(here.size, int(rng.integers(5, 21)))
            rows.action(int(host), HOSTED, day, rng.choice(here, size, replace=False))


def _pledges(rows: _Rows, joined: np.ndarray, rng: np.random.Generator) -> None:
    """A quarter of members pledge; 60% share it, half of those carry it out."""
    known = np.flatnonzero(~np.isnan(joined))
    who = known[rng.random(known.size) < 0.25]
    made = np.maximum(joined[who], START) + rng.uniform(0, 60, who.size)
    ok = made < START + YEAR
    who, made = who[ok], made[ok]
    rows.add(who, PLEDGE_MADE, -1, made)
    shared = rng.random(who.size) < 0.6
    rows.add(who[shared], PLEDGE_SHARED, -1, np.minimum(made[shared] + 3, START + YEAR - 1))
    done = shared & (rng.random(who.size) < 0.5)
    rows.add(who[done], PLEDGE_DONE, -1, np.minimum(made[done] + 20, START + YEAR - 1))
