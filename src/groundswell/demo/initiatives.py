"""Initiatives of both hands, across the three power modes, and who belongs to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from groundswell.demo import places
from groundswell.demo.population import Population
from groundswell.demo.recruitment import RecruitmentTree

MEMBER_ROLES: tuple[str, ...] = ("member", "host", "leader", "sponsor")
MEMBER, HOST, LEADER, SPONSOR = range(4)
FOUNDERS = 8  # a grassroots group starts with at least a handful of local people


@dataclass(frozen=True)
class InitiativeSpec:
    """One initiative and how it behaves in the demo."""

    slug: str
    name: str
    purpose: str
    hand: str  # grassroots | system
    power_mode: str  # keeping | sharing | ceding
    town: str | None
    start_offset: int  # days after the period start
    cadence: int  # days between its events
    event_kind: str
    event_title: str
    share: float = 0.0  # share of the movement members in its town who join
    org: str | None = None  # the organisation whose staff take part (system hand)
    staff: int = 0  # staff members (system hand)
    citizens: int = 0  # citizens on a system initiative
    event_size: int = 12
    per_town_events: bool = False


def _ppg_practice() -> str:
    return next(name for name, town in places.gp_practices() if town == "Ulverston")


SPECS: tuple[InitiativeSpec, ...] = (
    InitiativeSpec(
        "morecambe-bay-mile",
        "Morecambe Bay Mile",
        "Walking groups in every town: a mile a day, together, led by local volunteers.",
        "grassroots",
        "ceding",
        None,
        20,
        7,
        "walk",
        "Bay Mile walk",
        share=0.30,
        event_size=10,
        per_town_events=True,
    ),
    InitiativeSpec(
        "promenade-walkers",
        "Promenade Walkers",
        "A daily stroll along Morecambe promenade, open to anyone.",
        "grassroots",
        "ceding",
        "Morecambe",
        45,
        7,
        "walk",
        "Promenade walk",
        share=0.25,
    ),
    InitiativeSpec(
        "cook-and-eat-barrow",
        "Cook and Eat Together: Barrow",
        "Neighbours cook a meal together and eat it together, once a fortnight.",
        "grassroots",
        "ceding",
        "Barrow-in-Furness",
        60,
        14,
        "meal",
        "Cook and eat",
        share=0.25,
        event_size=16,
    ),
    InitiativeSpec(
        "cook-and-eat-lancaster",
        "Cook and Eat Together: Lancaster",
        "Community cooking sessions run with the council's community kitchen.",
        "grassroots",
        "sharing",
        "Lancaster",
        90,
        14,
        "meal",
        "Cook and eat",
        share=0.2,
        event_size=16,
    ),
    InitiativeSpec(
        "kendal-kindness-network",
        "Kendal Kindness Network",
        "Neighbours looking out for neighbours: lifts, shopping, a friendly call.",
        "grassroots",
        "ceding",
        "Kendal",
        30,
        28,
        "gathering",
        "Kindness network get-together",
        share=0.3,
        event_size=20,
    ),
    InitiativeSpec(
        "ulverston-kindness-network",
        "Ulverston Kindness Network",
        "A kindness network supported by the town's social prescribers.",
        "grassroots",
        "sharing",
        "Ulverston",
        120,
        28,
        "gathering",
        "Kindness network get-together",
        share=0.3,
        event_size=20,
    ),
    InitiativeSpec(
        "heysham-park-rota",
        "Heysham Park Volunteer Rota",
        "Volunteer tasks in Heysham's parks, set and checked by the council's parks team.",
        "grassroots",
        "keeping",
        "Heysham",
        75,
        28,
        "volunteering",
        "Park volunteering",
        share=0.2,
        org="Lancaster City Council",
        staff=2,
        event_size=8,
    ),
    InitiativeSpec(
        "maternity-liaison-committee",
        "Maternity Liaison Committee",
        "Women, families and maternity staff co-producing maternity care across the Bay.",
        "system",
        "ceding",
        None,
        10,
        30,
        "meeting",
        "Maternity liaison committee",
        org="Royal Lancaster Infirmary",
        staff=10,
        citizens=12,
        event_size=14,
    ),
    InitiativeSpec(
        "ward-39-falls-qi",
        "Ward 39 Falls Quality Improvement Project",
        "Ward staff and patients testing changes that reduce falls on an older people's ward.",
        "system",
        "sharing",
        "Lancaster",
        100,
        14,
        "meeting",
        "Falls QI huddle",
        org="Royal Lancaster Infirmary",
        staff=12,
        citizens=3,
        event_size=9,
    ),
    InitiativeSpec(
        "ulverston-patient-participation-group",
        "Ulverston Patient Participation Group",
        "Patients and practice staff improving the practice together.",
        "system",
        "sharing",
        "Ulverston",
        40,
        56,
        "meeting",
        "Patient participation group",
        org=_ppg_practice(),
        staff=3,
        citizens=12,
        event_size=10,
    ),
    InitiativeSpec(
        "fgh-discharge-review",
        "Furness General Discharge Performance Review",
        "Monthly review of discharge targets and delays against the national standard.",
        "system",
        "keeping",
        "Barrow-in-Furness",
        15,
        30,
        "review",
        "Discharge performance review",
        org="Furness General Hospital",
        staff=8,
        citizens=1,
        event_size=7,
    ),
)


@dataclass(frozen=True, eq=False)
class Memberships:
    """One row per (initiative, person): role code into MEMBER_ROLES, joined day offset."""

    initiative: np.ndarray  # int32 index into SPECS
    person: np.ndarray  # int32
    role: np.ndarray  # int8
    joined_day: np.ndarray  # float64 days since the period start


def started_on(spec: InitiativeSpec, period: places.Period) -> date:
    return period.on(spec.start_offset)


def generate_memberships(
    pop: Population, tree: RecruitmentTree, rng: np.random.Generator
) -> Memberships:
    """Members and roles: planted organisers and grown leaders host, mobilisers lead walks,
    lone wolves hold a tokenistic seat on a system committee."""
    town_index = {name: i for i, name in enumerate(places.TOWN_NAMES)}
    members = tree.members
    leaders = np.union1d(tree.planted["organiser"], tree.planted["grown_leader"])
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (initiative, people, roles)

    def add(i: int, people: np.ndarray, roles: np.ndarray) -> None:
        rows.append((np.full(people.size, i, dtype=np.int32), people.astype(np.int32), roles))

    lone = tree.planted["lone_wolf"]
    system = [i for i, s in enumerate(SPECS) if s.hand == "system"]
    for i, spec in enumerate(SPECS):
        chosen: list[np.ndarray] = []
        roles: list[np.ndarray] = []
        pool = members if spec.town is None else members[pop.town[members] == town_index[spec.town]]
        if spec.share > 0 and spec.town is not None and pool.size < FOUNDERS:
            # Where the movement has hardly reached, local people start the group themselves.
            local = np.flatnonzero((pop.town == town_index[spec.town]) & (pop.age >= 18))
            pool = np.union1d(
                pool, rng.choice(local, size=min(FOUNDERS, local.size), replace=False)
            )
        if spec.share > 0 and pool.size:
            take = rng.random(pool.size) < spec.share
            # Organisers and the leaders they grew are the hosts and leaders of grassroots groups.
            take |= np.isin(pool, leaders) & (rng.random(pool.size) < 0.6)
            if take.sum() < 3:
                take[rng.permutation(pool.size)[:3]] = True
            people = pool[take]
            role = np.where(np.isin(people, leaders), HOST, MEMBER).astype(np.int8)
            if spec.power_mode == "ceding" and people.size:
                # Ceding groups are led by their own people: a few hosts step up to lead.
                hosts = np.flatnonzero(role == HOST)
                lead = (
                    hosts[: max(1, hosts.size // 4)] if hosts.size else rng.choice(people.size, 1)
                )
                role[lead] = LEADER
            chosen.append(people)
            roles.append(role)
        if spec.org is not None:
            staff = np.flatnonzero(pop.workplace == pop.org_name.index(spec.org))
            staff = rng.permutation(staff)[: spec.staff]
            srole = np.full(staff.size, MEMBER, dtype=np.int8)
            if staff.size:
                srole[0] = SPONSOR if spec.power_mode != "keeping" else LEADER
                if spec.power_mode != "ceding" and staff.size > 1:
                    srole[1] = LEADER  # keeping and sharing: staff lead
            chosen.append(staff)
            roles.append(srole)
        if spec.citizens:
            citizens = pool[pop.kind[pool] == 0]
            citizens = rng.permutation(citizens)[: spec.citizens]
            crole = np.full(citizens.size, MEMBER, dtype=np.int8)
            if spec.power_mode == "ceding" and citizens.size:
                crole[: max(1, citizens.size // 5)] = LEADER  # co-production: citizens co-chair
            chosen.append(citizens)
            roles.append(crole)
        if spec.hand == "system":
            # A tokenistic seat: long-standing lone wolves are "consulted" as members.
            seat = lone[np.arange(lone.size) % len(system) == system.index(i)]
            chosen.append(seat)
            roles.append(np.full(seat.size, MEMBER, dtype=np.int8))
        if i == 0:
            # Mobilisers lead the Bay Mile walks they call people to.
            chosen.append(tree.planted["mobiliser"])
            roles.append(np.full(tree.planted["mobiliser"].size, LEADER, dtype=np.int8))
        if not chosen:
            continue
        people = np.concatenate(chosen)
        role = np.concatenate(roles)
        # A person appears once per initiative, with their highest role.
        order = np.lexsort((-role, people))
        people, role = people[order], role[order]
        first = np.ones(people.size, dtype=bool)
        first[1:] = people[1:] != people[:-1]
        add(i, people[first], role[first])

    initiative = np.concatenate([r[0] for r in rows])
    person = np.concatenate([r[1] for r in rows])
    role = np.concatenate([r[2] for r in rows])
    start = np.array([SPECS[i].start_offset for i in initiative], dtype=np.float64)
    own = tree.joined_day[person]
    base = np.fmax(start, np.where(np.isnan(own), start, own))
    joined = base + rng.exponential(20.0, size=person.size) * (role == MEMBER)
    joined = np.minimum(joined, places.DAYS - 1.0)  # by yesterday at the latest
    return Memberships(initiative=initiative, person=person, role=role, joined_day=joined)
