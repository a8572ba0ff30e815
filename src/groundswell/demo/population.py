"""People of the demo: towns, households, ages, workplaces, schools, clubs and names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.demo import places

# Household sizes 1..5+ as shares of households, ONS Census 2021 TS017
# (England and Wales, rounded): 30% one person, 33% two, 16% three, 13% four, 8% five+.
HOUSEHOLD_SHARES = np.array([0.30, 0.33, 0.16, 0.13, 0.08])

KINDS: tuple[str, ...] = ("citizen", "staff", "partner")
CITIZEN, STAFF, PARTNER = 0, 1, 2

_FIRST = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Evie",
    "Ella",
    "Poppy",
    "Jack",
    "Oliver",
    "Noah",
    "George",
    "Harry",
    "Leo",
    "Charlie",
    "Arthur",
    "Oscar",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "James",
    "Susan",
    "Margaret",
    "Linda",
    "Karen",
    "Julie",
    "Helen",
    "Sarah",
    "Claire",
    "Emma",
    "Joanne",
    "Michelle",
    "Nicola",
    "David",
    "John",
    "Paul",
    "Andrew",
    "Mark",
    "Peter",
    "Stephen",
    "Ian",
    "Gary",
    "Kevin",
    "Richard",
    "Michael",
    "Chris",
    "Sean",
]
_INITIALS = "ABCDEFGHJKLMNOPRSTWY"


@dataclass(frozen=True, eq=False)
class Population:
    """One row per person (index ``0..n-1``) and the organisations they belong to.

    Codes index the tuples beside them: ``town`` into ``places.TOWN_NAMES``,
    ``kind`` into ``KINDS``, ``org_kind`` into ``places.ORG_KINDS``.
    """

    town: np.ndarray  # int8
    household: np.ndarray  # int32, households numbered across towns
    neighbourhood: np.ndarray  # int32, a few hundred people each, within a town
    age: np.ndarray  # int16
    workplace: np.ndarray  # int32 index into org_*, -1 none
    school: np.ndarray  # int32 index into org_*, -1 none
    club: np.ndarray  # int32, -1 none (one club each at most)
    kind: np.ndarray  # int8
    display_name: np.ndarray  # str
    org_name: list[str]
    org_kind: np.ndarray  # int8
    org_town: np.ndarray  # int8
    club_name: list[str]
    club_town: np.ndarray  # int8


def town_sizes(n: int) -> np.ndarray:
    """People per town for ``n`` people, proportional to the real populations."""
    return places.apportion(n, np.array([p for _, p in places.TOWNS], dtype=np.float64))


def _households(sizes: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Household id and position in household for each person, town by town."""
    household, position, next_id = [], [], 0
    mean_size = float(np.dot(np.arange(1, 6), HOUSEHOLD_SHARES))
    for size in sizes:
        draw = rng.choice(np.arange(1, 6), size=int(size / mean_size * 1.3) + 5, p=HOUSEHOLD_SHARES)
        ends = np.cumsum(draw)
        k = int(np.searchsorted(ends, size)) + 1
        draw = draw[:k]
        draw[-1] -= int(ends[k - 1] - size)  # the last household is cut to fit the town
        ids = np.repeat(np.arange(next_id, next_id + k), draw)
        starts = np.repeat(np.cumsum(draw) - draw, draw)
        household.append(ids)
        position.append(np.arange(size) - starts)
        next_id += k
    return np.concatenate(household).astype(np.int32), np.concatenate(position)


def _ages(hh_size: np.ndarray, position: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two adults head a household; third and later members are mostly children."""
    n = hh_size.shape[0]
    adult = rng.integers(18, 91, size=n)
    # Households with children have younger parents.
    young_parent = rng.integers(24, 56, size=n)
    child = rng.integers(0, 18, size=n)
    grown_child = rng.integers(18, 30, size=n)
    age = np.where(hh_size >= 3, young_parent, adult)
    is_child = position >= 2
    age = np.where(is_child, np.where(rng.random(n) < 0.8, child, grown_child), age)
    return age.astype(np.int16)


def _organisations(
    n: int, sizes: np.ndarray, rng: np.random.Generator
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Named organisations (with target staff counts) plus local businesses per town."""
    names: list[str] = []
    kinds: list[int] = []
    towns: list[int] = []
    staff: list[float] = []  # positive: staff count; negative: a weight for what is left
    town_index = {name: i for i, name in enumerate(places.TOWN_NAMES)}

    def add(name: str, kind: str, town: str, share: float) -> None:
        names.append(name)
        kinds.append(places.ORG_KINDS.index(kind))
        towns.append(town_index[town])
        staff.append(max(2, round(n * share)))

    for name, town, share in places.HOSPITALS:
        add(name, "hospital", town, share)
    for name, town in places.gp_practices():
        add(name, "gp", town, places.GP_SHARE)
    for name, town, share in places.COUNCILS:
        add(name, "council", town, share)
    for name, town, share in places.VOLUNTARY:
        add(name, "voluntary", town, share)
    # Local employers: heavy-tailed sizes (a few large, many small), ~1 per 40 residents.
    for t, size in enumerate(sizes):
        count = max(1, int(size // 40))
        weights = rng.pareto(1.5, size=count) + 0.2
        for k in range(count):
            names.append(f"{places.TOWN_NAMES[t]} employer {k + 1}")
            kinds.append(0)
            towns.append(t)
            staff.append(-float(weights[k]))
    return names, np.array(kinds, dtype=np.int8), np.array(towns, dtype=np.int8), np.array(staff)


def _assign_work(
    town: np.ndarray,
    age: np.ndarray,
    org_kind: np.ndarray,
    org_town: np.ndarray,
    org_staff: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Give about three in four working-age people a workplace, mostly in their own town."""
    n = town.shape[0]
    workplace = np.full(n, -1, dtype=np.int32)
    worker = np.flatnonzero((age >= 18) & (age <= 66) & (rng.random(n) < 0.75))
    rng.shuffle(worker)
    near = places.proximity()
    # Where each worker works: own town with p=0.8, otherwise a nearby town.
    work_town = town[worker].astype(np.int64)
    away = rng.random(worker.size) < 0.2
    for t in range(len(places.TOWN_NAMES)):
        pick = away & (work_town == t)
        work_town[pick] = rng.choice(
            len(places.TOWN_NAMES), size=int(pick.sum()), p=near[t] / near[t].sum()
        )
    for t in range(len(places.TOWN_NAMES)):
        pool = np.flatnonzero(work_town == t)
        fixed = np.flatnonzero((org_town == t) & (org_staff > 0))
        start = 0
        for org in fixed:  # named organisations first, at their real size
            k = min(int(org_staff[org]), pool.size - start)
            workplace[worker[pool[start : start + k]]] = org
            start += k
        rest = pool[start:]
        small = np.flatnonzero((org_town == t) & (org_staff <= 0))
        if rest.size and small.size:
            w = -org_staff[small]
            workplace[worker[rest]] = small[rng.choice(small.size, size=rest.size, p=w / w.sum())]
    return workplace


def generate_population(n: int, rng: np.random.Generator) -> Population:
    """People in proportionate towns, with households, ages, workplaces, schools and clubs."""
    sizes = town_sizes(n)
    town = np.repeat(np.arange(len(sizes), dtype=np.int8), sizes)
    household, position = _households(sizes, rng)
    hh_size = np.bincount(household)[household]
    age = _ages(hh_size, position, rng)

    # Neighbourhoods: consecutive households, about 400 people each.
    neighbourhood = np.zeros(n, dtype=np.int32)
    offset, next_nb = 0, 0
    for size in sizes:
        k = max(1, round(size / 400))
        local = np.arange(size) * k // max(size, 1)
        # Keep a household in one neighbourhood: use its first member's block.
        hh = household[offset : offset + size]
        first = np.searchsorted(hh, hh)
        neighbourhood[offset : offset + size] = next_nb + local[first]
        offset += size
        next_nb += k

    org_name, org_kind, org_town, org_staff = _organisations(n, sizes, rng)
    workplace = _assign_work(town, age, org_kind, org_town, org_staff, rng)

    # Schools: one primary per ~250 children and one secondary per ~700, per town.
    school = np.full(n, -1, dtype=np.int32)
    school_kind = places.ORG_KINDS.index("school")
    names, kinds, towns = list(org_name), list(org_kind), list(org_town)
    for t in range(len(sizes)):
        for label, lo, hi, per in (("Primary School", 4, 11, 250), ("Academy", 11, 18, 700)):
            kids = np.flatnonzero((town == t) & (age >= lo) & (age < hi))
            count = max(1, round(kids.size / per))
            first_school = len(names)
            for k in range(count):
                names.append(f"{places.TOWN_NAMES[t]} {label} {k + 1}")
                kinds.append(school_kind)
                towns.append(t)
            school[kids] = first_school + rng.integers(0, count, size=kids.size)

    # Clubs: about a third of adults belong to one local club; club sizes are uneven.
    club = np.full(n, -1, dtype=np.int32)
    club_name: list[str] = []
    club_town: list[int] = []
    for t in range(len(sizes)):
        joiners = np.flatnonzero((town == t) & (age >= 16) & (rng.random(n) < 0.33))
        count = max(1, round(joiners.size / 60))
        first_club = len(club_name)
        for k in range(count):
            club_name.append(
                f"{places.TOWN_NAMES[t]} {places.CLUB_TYPES[k % len(places.CLUB_TYPES)]}"
                + (f" {k // len(places.CLUB_TYPES) + 1}" if k >= len(places.CLUB_TYPES) else "")
            )
            club_town.append(t)
        w = rng.pareto(1.2, size=count) + 0.3
        club[joiners] = first_club + rng.choice(count, size=joiners.size, p=w / w.sum())

    # Health workers are staff; some council and all voluntary-group workers are partners.
    kinds_arr = np.array(kinds, dtype=np.int8)
    kind = np.zeros(n, dtype=np.int8)
    has_work = workplace >= 0
    wk = np.where(has_work, kinds_arr[np.maximum(workplace, 0)], -1)
    kind[np.isin(wk, [1, 2])] = STAFF
    kind[wk == places.ORG_KINDS.index("voluntary")] = PARTNER
    council = wk == places.ORG_KINDS.index("council")
    kind[council & (rng.random(n) < 0.4)] = PARTNER

    first_names = np.array(_FIRST)[rng.integers(0, len(_FIRST), size=n)]
    initials = np.array(list(_INITIALS))[rng.integers(0, len(_INITIALS), size=n)]
    display_name = np.char.add(np.char.add(first_names, " "), np.char.add(initials, "."))

    return Population(
        town=town,
        household=household,
        neighbourhood=neighbourhood,
        age=age,
        workplace=workplace,
        school=school,
        club=club,
        kind=kind,
        display_name=display_name,
        org_name=names,
        org_kind=kinds_arr,
        org_town=np.array(towns, dtype=np.int8),
        club_name=club_name,
        club_town=np.array(club_town, dtype=np.int8),
    )
