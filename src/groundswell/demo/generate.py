"""Generate a whole demo movement from one seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell import rng as gsrng
from groundswell.demo import places
from groundswell.demo.campaign import CampaignData, Surveys, generate_logs, generate_surveys
from groundswell.demo.conversation import ConversationData, generate_conversation
from groundswell.demo.events import Activity, generate_activity
from groundswell.demo.initiatives import Memberships, generate_memberships
from groundswell.demo.population import Population, generate_population
from groundswell.demo.recruitment import HORIZON_DAYS, RecruitmentTree, generate_recruitment
from groundswell.demo.stories import StoryData, generate_stories
from groundswell.demo.ties import Ties, csr, generate_ties
from groundswell.errors import InvalidInput

MIN_PEOPLE = 100
MAX_PEOPLE = 2_000_000
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

    Day values count from ``places.PERIOD_START`` (``places.to_dates`` and
    ``places.to_times`` turn them into ``datetime64``). ``planted_roles`` is
    the ground truth of who was generated as a mobiliser, organiser, lone wolf
    or grown leader: for testing role detection, never stored as fact.
    """

    seed: int
    n: int
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

    @property
    def town_names(self) -> tuple[str, ...]:
        return places.TOWN_NAMES

    def refs(self) -> list[str]:
        """Pseudonymous person references, ``demo-000001`` ...: the demo's own marker."""
        width = max(6, len(str(self.n)))
        return [f"demo-{i + 1:0{width}d}" for i in range(self.n)]


def _consent(n: int, tree: RecruitmentTree, rng: np.random.Generator) -> Consent:
    """Most people agree to be contacted, not all; a few were never asked."""
    member = ~np.isnan(tree.joined_day)
    asked = rng.random(n) < 0.93
    contact = asked & (rng.random(n) < np.where(member, 0.9, 0.78))
    analytics = asked & (rng.random(n) < 0.72)
    # Members answer when they join; others when the community was mapped.
    day = np.where(member, np.fmax(tree.joined_day, 0.0), rng.uniform(-60.0, HORIZON_DAYS - 1.0, n))
    day = day + rng.random(n) * 0.5
    day[~asked] = np.nan
    return Consent(contact=contact, contact_day=day, analytics=analytics, analytics_day=day.copy())


def generate(seed: int, people: int = 20_000, progress=None) -> DemoMovement:
    """The demo movement for ``seed``: same seed and size, same movement, bit for bit.

    Parameters
    ----------
    seed : non-negative int; every phase draws from its own child of
        ``SeedSequence(seed)``, so a change in one phase leaves the others alone.
    people : number of people, split across the towns in proportion.
    progress : optional ``callable(phase: str)`` called as each phase starts.

    Examples
    --------
    >>> movement = generate(7, people=300)
    >>> movement.n, len(movement.population.town)
    (300, 300)
    """
    if isinstance(people, bool) or not isinstance(people, int | np.integer):
        raise InvalidInput(f"people must be a whole number, got {people!r}")
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise InvalidInput(
            f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}, got {people:,}"
        )
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
    consent = _consent(n, tree, gens["consent"])
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
    campaign = generate_logs(pool, n, g)
    surveys = generate_surveys(campaign, members if members.size else adults, gens["campaign"])
    stories = generate_stories(members if members.size else adults, HORIZON_DAYS, gens["stories"])
    return DemoMovement(
        seed=int(seed),
        n=n,
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
