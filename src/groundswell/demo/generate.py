"""Generate a whole demo movement from one seed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from groundswell import rng as gsrng
from groundswell.demo import places
from groundswell.demo.campaign import CampaignData, generate_logs
from groundswell.demo.conversation import ConversationData, generate_conversation
from groundswell.demo.events import Activity, generate_activity
from groundswell.demo.initiatives import Memberships, generate_memberships
from groundswell.demo.population import Population, generate_population
from groundswell.demo.recruitment import HORIZON_DAYS, RecruitmentTree, generate_recruitment
from groundswell.demo.stories import StoryData, generate_stories
from groundswell.demo.surveys import Surveys, generate_surveys
from groundswell.demo.ties import Ties, csr, generate_ties
from groundswell.errors import InvalidInput

MIN_PEOPLE = 100
MAX_PEOPLE = 2_000_000
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # a sane range for ``today``
_PHASES = (
    "population",
    "ties",
    "recruitment",
    "consent",
    "memberships",
    "activity",
    "conversation",
    "campaign",
    "stories",
    "joined",
)


@dataclass(frozen=True, eq=False)
class Consent:
    """Consent flags and the day each was last set (NaN: never asked)."""

    contact: np.ndarray  # bool
    contact_day: np.ndarray  # float64
    analytics: np.ndarray  # bool
    analytics_day: np.ndarray  # float64


@dataclass(frozen=True, eq=False)
class DemoMovement:
    """A synthetic Morecambe Bay movement; person ``i`` is row ``i`` of every person array.

    Day values count from ``period.start`` (``period.dates`` and
    ``period.times`` turn them into ``datetime64``); day ``places.DAYS`` is
    ``period.today`` and nothing happens on or after it. ``joined_day`` is when
    each person joined: the recruited when they were recruited, everyone else
    when the movement first knew them (see :func:`joined_days`).
    ``planted_roles`` is the ground truth of who was generated as a mobiliser,
    organiser, lone wolf or grown leader: for testing role detection, never
    stored as fact.
    """

    seed: int
    n: int
    period: places.Period
    joined_day: np.ndarray
    population: Population
    ties: Ties
    expected_degree: np.ndarray
    recruitment: RecruitmentTree
    consent: Consent
    memberships: Memberships
    activity: Activity
    conversation: ConversationData
    campaign: CampaignData
    surveys: Surveys
    stories: StoryData

    @property
    def planted_roles(self) -> dict[str, np.ndarray]:
        return self.recruitment.planted

    def refs(self) -> list[str]:
        """Pseudonymous person references, ``demo-000001`` ...: the demo's own marker."""
        width = max(6, len(str(self.n)))
        return [f"demo-{i + 1:0{width}d}" for i in range(self.n)]


def joined_days(
    tree: RecruitmentTree, seen: list[tuple[np.ndarray, np.ndarray]], rng: np.random.Generator
) -> np.ndarray:
    """When each person joined the movement, as a day offset.

    The recruited joined when they were recruited. Everyone else is someone the
    movement came to know as it mapped its community (a day across the period,
    a few in the two months before it), or earlier if they took part in
    something first: ``seen`` holds (person, day) pairs of what people did
    (person -1: nobody, an anonymous participant).
    """
    n = tree.joined_day.shape[0]
    first = np.asarray(rng.uniform(-60.0, HORIZON_DAYS - 1.0, n))
    for who, day in seen:
        linked = who >= 0
        np.minimum.at(first, who[linked], np.asarray(day, np.float64)[linked])
    return np.where(np.isnan(tree.joined_day), first, tree.joined_day)


def _consent(
    n: int, tree: RecruitmentTree, joined: np.ndarray, rng: np.random.Generator
) -> Consent:
    """Most people agree to be contacted, not all; a few were never asked.

    People are asked when they join (members who joined years before the
    period, at its start), within half a day and before today.
    """
    member = ~np.isnan(tree.joined_day)
    asked = rng.random(n) < 0.93
    contact = asked & (rng.random(n) < np.where(member, 0.9, 0.78))
    analytics = asked & (rng.random(n) < 0.72)
    day = np.where(member, np.fmax(joined, 0.0), joined)
    day = day + rng.random(n) * np.minimum(0.5, HORIZON_DAYS - day)
    day[~asked] = np.nan
    return Consent(contact=contact, contact_day=day, analytics=analytics, analytics_day=day.copy())


def generate(
    seed: int,
    people: int = 20_000,
    *,
    today: date,
    progress: Callable[[str], object] | None = None,
) -> DemoMovement:
    """The demo movement for ``seed``: same seed, size and today, same movement, bit for bit.

    Parameters
    ----------
    seed : non-negative int; every phase draws from its own child of
        ``SeedSequence(seed)``, so a change in one phase leaves the others alone.
    people : number of people, split across the towns in proportion.
    today : the last day of the demo's two years (the day it is built); nothing
        is dated after it, and the campaign and the open conversation are running.
    progress : optional ``callable(phase: str)`` called as each phase starts.

    Examples
    --------
    >>> movement = generate(7, people=300, today=date(2026, 12, 5))
    >>> movement.n, len(movement.population.town), movement.period.start.isoformat()
    (300, 300, '2024-12-05')
    """
    if isinstance(people, bool) or not isinstance(people, int | np.integer):
        raise InvalidInput(f"people must be a whole number, got {people!r}")
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise InvalidInput(
            f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}, got {people:,}"
        )
    if isinstance(today, datetime) or not isinstance(today, date):
        raise InvalidInput(f"today must be a date (YYYY-MM-DD), got {today!r}")
    if not EARLIEST <= today <= LATEST:
        raise InvalidInput(f"today must be between {EARLIEST} and {LATEST}, got {today}")
    period = places.Period(today)
    seq = gsrng.seed_sequence(seed)
    gens = dict(
        zip(_PHASES, (np.random.default_rng(s) for s in seq.spawn(len(_PHASES))), strict=True)
    )
    step = progress or (lambda _phase: None)
    n = int(people)

    step("population")
    pop = generate_population(n, gens["population"])
    step("ties")
    ties, w = generate_ties(pop, gens["ties"])
    step("recruitment")
    indptr, indices = csr(n, ties.src, ties.dst)
    tree = generate_recruitment(pop.age, pop.town, indptr, indices, gens["recruitment"])
    step("initiatives")
    ms = generate_memberships(pop, tree, gens["memberships"])
    activity = generate_activity(pop, tree, ms, gens["activity"])
    step("conversation")
    members = tree.members
    adults = np.flatnonzero(pop.age >= 16)
    conversation = generate_conversation(members, adults, n, gens["conversation"])
    step("campaign")
    walkers = np.unique(ms.person[ms.initiative == 0])
    # Bay Mile walkers sign up first, then other members, then anyone.
    g = gens["campaign"]
    others = adults[~np.isin(adults, members)]
    pool = np.concatenate(
        [
            g.permutation(walkers),
            g.permutation(members[~np.isin(members, walkers)]),
            g.permutation(others),
        ]
    )
    campaign = generate_logs(pool, n, period, g)
    comparison = members if members.size else adults
    surveys = generate_surveys(campaign, comparison, members, tree.joined_day, g)
    stories = generate_stories(members if members.size else adults, HORIZON_DAYS, gens["stories"])
    seen = [
        (ms.person, ms.joined_day),
        (activity.attend_person, activity.event_day[activity.attend_event]),
        (campaign.log_person, campaign.log_day),
        (surveys.person, surveys.day),
        (conversation.participant_person, conversation.participant_day),
        (stories.person, stories.day),
    ]
    joined = joined_days(tree, seen, gens["joined"])
    consent = _consent(n, tree, joined, gens["consent"])
    return DemoMovement(
        seed=int(seed),
        n=n,
        period=period,
        joined_day=joined,
        population=pop,
        ties=ties,
        expected_degree=w,
        recruitment=tree,
        consent=consent,
        memberships=ms,
        activity=activity,
        conversation=conversation,
        campaign=campaign,
        surveys=surveys,
        stories=stories,
    )
