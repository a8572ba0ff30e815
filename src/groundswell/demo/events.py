"""Events with leaders and attendance over the demo period, and pledges (made -> shared -> done)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import SupportsInt

import numpy as np

from groundswell.demo import places
from groundswell.demo.initiatives import HOST, LEADER, SPECS, SPONSOR, Memberships
from groundswell.demo.population import Population
from groundswell.demo.recruitment import HORIZON_DAYS, RecruitmentTree

ATTEND_ROLES: tuple[str, ...] = ("attendee", "leader")
PLEDGE_STATUSES: tuple[str, ...] = ("made", "shared", "done")

LONE_ACTIONS = (
    "Litter pick on the promenade",
    "Bench repair",
    "Leaflet drop about the walking groups",
    "Planting at the station",
    "Letter to the council about the crossing",
    "Clearing the footpath",
)

PLEDGE_TEXTS = (
    "Walk a mile every day this month",
    "Bring a friend to a Bay Mile walk",
    "Cook a meal with a neighbour",
    "Check on an older neighbour every week",
    "Take the stairs at work",
    "Walk the children to school twice a week",
    "Share my maternity experience with the committee",
    "Lead a walk from my street",
    "Swap one car journey a day for walking",
    "Join a kindness network get-together",
)


@dataclass(frozen=True, eq=False)
class Activity:
    """Events (index ``e``), attendances and pledges as parallel arrays."""

    event_initiative: np.ndarray  # int32 index into SPECS, -1 none (a lone action)
    event_title: list[str]
    event_kind: list[str]
    event_day: np.ndarray  # int32 days since the period start
    event_town: np.ndarray  # int8
    event_leader: np.ndarray  # int32 person
    attend_event: np.ndarray  # int32
    attend_person: np.ndarray  # int32
    attend_role: np.ndarray  # int8 into ATTEND_ROLES
    pledge_person: np.ndarray  # int32
    pledge_initiative: np.ndarray  # int32, -1 none
    pledge_text: np.ndarray  # int16 into PLEDGE_TEXTS
    pledge_status: np.ndarray  # int8 into PLEDGE_STATUSES
    pledge_made: np.ndarray  # float64 day offsets
    pledge_shared: np.ndarray  # NaN when not shared
    pledge_done: np.ndarray  # NaN when not done


class _Builder:
    def __init__(self) -> None:
        self.initiative: list[int] = []
        self.title: list[str] = []
        self.kind: list[str] = []
        self.day: list[int] = []
        self.town: list[int] = []
        self.leader: list[int] = []
        self.att_event: list[np.ndarray] = []
        self.att_person: list[np.ndarray] = []
        self.att_role: list[np.ndarray] = []

    def add(
        self,
        initiative: int,
        title: str,
        kind: str,
        day: SupportsInt,
        town: SupportsInt,
        leader: SupportsInt,
        attendees: np.ndarray,
    ) -> None:
        e = len(self.day)
        attendees = attendees[attendees != leader]
        people = np.concatenate([[leader], attendees]).astype(np.int32)
        self.initiative.append(initiative)
        self.title.append(title)
        self.kind.append(kind)
        self.day.append(int(day))
        self.town.append(int(town))
        self.leader.append(int(leader))
        self.att_event.append(np.full(people.size, e, dtype=np.int32))
        self.att_person.append(people)
        role = np.zeros(people.size, dtype=np.int8)
        role[0] = 1
        self.att_role.append(role)


def _schedule(start: int, cadence: int, rng: np.random.Generator) -> np.ndarray:
    days = np.arange(start, HORIZON_DAYS, cadence)
    jittered: np.ndarray = np.clip(days + rng.integers(-1, 2, size=days.size), 0, HORIZON_DAYS - 1)
    return jittered


def generate_activity(
    pop: Population, tree: RecruitmentTree, ms: Memberships, rng: np.random.Generator
) -> Activity:
    """Initiatives' regular events, mobilisers' rallies, lone wolves' solo actions, pledges."""
    b = _Builder()
    town_index = {name: i for i, name in enumerate(places.TOWN_NAMES)}
    # Each member's habit of turning up (most come now and then, a few every time).
    propensity: np.ndarray = np.asarray(rng.beta(1.2, 4.0, size=pop.town.shape[0]))
    for i, spec in enumerate(SPECS):
        rows = np.flatnonzero(ms.initiative == i)
        if rows.size == 0:
            continue
        people, role, joined = ms.person[rows], ms.role[rows], ms.joined_day[rows]
        if spec.per_town_events:
            towns = list(range(len(places.TOWN_NAMES)))
        elif spec.town is not None:
            towns = [town_index[spec.town]]
        else:  # a Bay-wide committee meets at its organisation
            towns = [int(pop.org_town[pop.org_name.index(str(spec.org))])]
        for t in towns:
            local = (pop.town[people] == t) if spec.per_town_events else np.ones(people.size, bool)
            if spec.power_mode == "keeping":
                can_lead = role >= LEADER  # power kept: the sponsor or staff lead chairs every time
            else:
                can_lead = (role == HOST) | (role == LEADER) | (role == SPONSOR)
            leads = np.flatnonzero(can_lead & local)
            if leads.size == 0:
                leads = np.flatnonzero(can_lead)
            if leads.size == 0 or not local.any():
                continue
            weight = np.where(role[leads] == LEADER, 3.0, 1.0)
            for day in _schedule(
                spec.start_offset + int(rng.integers(0, spec.cadence)), spec.cadence, rng
            ):
                ok = local & (joined <= day)
                if not ok.any():
                    continue
                live = leads[joined[leads] <= day]
                if live.size == 0:
                    continue
                w = weight[np.isin(leads, live)]
                leader = people[rng.choice(live, p=w / w.sum())]
                cand = people[ok]
                p = propensity[cand]
                p = p * min(1.0, spec.event_size / max(p.sum(), 1e-9))
                attendees = cand[rng.random(cand.size) < p]
                title = (
                    f"{spec.event_title}: {places.TOWN_NAMES[t]}"
                    if spec.per_town_events
                    else spec.event_title
                )
                b.add(i, title, spec.event_kind, day, t, leader, attendees)

    # Mobilisers call big rallies: many of their recruits come, plus the town.
    for mob in tree.planted["mobiliser"]:
        recruits = np.flatnonzero(tree.recruiter == mob)
        start = int(max(tree.joined_day[mob], 0))
        for day in np.sort(rng.integers(start, HORIZON_DAYS, size=int(rng.integers(2, 5)))):
            came = recruits[(tree.joined_day[recruits] <= day) & (rng.random(recruits.size) < 0.7)]
            town_members = tree.members[pop.town[tree.members] == pop.town[mob]]
            town_members = town_members[tree.joined_day[town_members] <= day]
            others = town_members[rng.random(town_members.size) < 0.15]
            b.add(
                0,
                f"Bay Mile rally: {places.TOWN_NAMES[pop.town[mob]]}",
                "rally",
                day,
                pop.town[mob],
                mob,
                np.union1d(came, others),
            )

    # Lone wolves act alone, often: many small actions, hardly anyone else there.
    for wolf in tree.planted["lone_wolf"]:
        count = int(rng.integers(20, 61))
        for day in np.sort(rng.integers(0, HORIZON_DAYS, size=count)):
            nbrs = np.flatnonzero(pop.household == pop.household[wolf])
            company = nbrs[rng.random(nbrs.size) < 0.1]
            b.add(
                -1,
                LONE_ACTIONS[int(rng.integers(0, len(LONE_ACTIONS)))],
                "action",
                day,
                pop.town[wolf],
                wolf,
                company,
            )

    pledges = _pledges(tree, ms, rng)
    return Activity(
        event_initiative=np.array(b.initiative, dtype=np.int32),
        event_title=b.title,
        event_kind=b.kind,
        event_day=np.array(b.day, dtype=np.int32),
        event_town=np.array(b.town, dtype=np.int8),
        event_leader=np.array(b.leader, dtype=np.int32),
        attend_event=np.concatenate(b.att_event) if b.att_event else np.empty(0, np.int32),
        attend_person=np.concatenate(b.att_person) if b.att_person else np.empty(0, np.int32),
        attend_role=np.concatenate(b.att_role) if b.att_role else np.empty(0, np.int8),
        **pledges,
    )


def _pledges(
    tree: RecruitmentTree, ms: Memberships, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """About a quarter of members pledge once or twice; pledges move made -> shared -> done."""
    members = tree.members
    makers = members[rng.random(members.size) < 0.25]
    person = np.repeat(makers, 1 + (rng.random(makers.size) < 0.3))
    made = np.fmax(tree.joined_day[person], 0) + rng.exponential(60, size=person.size)
    keep = made < HORIZON_DAYS
    person, made = person[keep], made[keep]
    # The pledge belongs to one of the person's initiatives, if they have one.
    by = np.argsort(ms.person, kind="stable")
    at = np.minimum(np.searchsorted(ms.person[by], person), max(ms.person.size - 1, 0))
    has = (ms.person.size > 0) & (ms.person[by][at] == person)
    initiative = np.where(has, ms.initiative[by][at], -1)
    shared = np.where(
        rng.random(person.size) < 0.6, made + rng.exponential(5, size=person.size), np.nan
    )
    done = np.where(
        rng.random(person.size) < 0.6, shared + rng.exponential(20, size=person.size), np.nan
    )
    shared[shared >= HORIZON_DAYS] = np.nan
    done[np.isnan(shared) | (done >= HORIZON_DAYS)] = np.nan
    status = np.where(~np.isnan(done), 2, np.where(~np.isnan(shared), 1, 0)).astype(np.int8)
    order = np.argsort(made, kind="stable")
    return {
        "pledge_person": person[order].astype(np.int32),
        "pledge_initiative": initiative[order].astype(np.int32),
        "pledge_text": rng.integers(0, len(PLEDGE_TEXTS), size=person.size).astype(np.int16)[order],
        "pledge_status": status[order],
        "pledge_made": made[order],
        "pledge_shared": shared[order],
        "pledge_done": done[order],
    }
