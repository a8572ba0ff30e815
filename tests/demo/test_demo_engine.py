"""The demo engine: deterministic, proportionate, valid codes, believable activity."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import igraph
import numpy as np
import pytest
from scipy.cluster.vq import kmeans2

from groundswell.demo import campaign as dc
from groundswell.demo import conversation as dconv
from groundswell.demo import events as dev
from groundswell.demo import generate, places
from groundswell.demo import stories as dstories
from groundswell.demo import surveys as dsurveys
from groundswell.demo.initiatives import MEMBER_ROLES, SPECS
from groundswell.demo.population import KINDS
from groundswell.demo.ties import TIE_KINDS
from groundswell.errors import InvalidInput
from groundswell.store.models import (
    CollectionMode,
    ConsentLevel,
    Hand,
    Instrument,
    MemberRole,
    PersonKind,
    PledgeStatus,
    PowerMode,
    StatementStatus,
    StoryStatus,
)


def _same(a: object, b: object, path: str = "movement") -> list[str]:
    """Paths where two generated values differ (arrays compared exactly, NaN == NaN)."""
    if dataclasses.is_dataclass(a):
        return [
            d
            for f in dataclasses.fields(a)
            for d in _same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        ]
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return [path]
        return [d for k in a for d in _same(a[k], b[k], f"{path}[{k}]")]
    if isinstance(a, np.ndarray):
        equal = a.shape == b.shape and a.dtype == b.dtype
        if equal:
            equal = np.array_equal(a, b, equal_nan=a.dtype.kind in "fcmM")
        return [] if equal else [path]
    return [] if a == b else [path]


def test_same_seed_same_movement(movement, today):
    again = generate(movement.seed, movement.n, today=today)
    assert _same(movement, again) == []


def test_different_seed_different_movement(movement, today):
    other = generate(movement.seed + 1, movement.n, today=today)
    differs = _same(movement, other)
    assert "movement.ties.src" in differs or "movement.ties.dst" in differs
    assert "movement.recruitment.recruiter" in differs
    assert "movement.conversation.vote_value" in differs


def test_towns_in_proportion_to_real_populations(movement, today):
    real = np.array([p for _, p in places.TOWNS], dtype=float)
    share = np.bincount(movement.population.town, minlength=real.size) / movement.n
    np.testing.assert_allclose(share, real / real.sum(), atol=0.002)
    big = generate(3, 4_000, today=today).population
    assert big.town.shape == (4_000,)


def test_households_realistic(movement):
    sizes = np.bincount(movement.population.household)
    assert sizes.min() >= 1 and sizes.max() <= 5
    # A household never spans two towns.
    town_of = movement.population.town
    first = np.searchsorted(movement.population.household, movement.population.household)
    assert np.array_equal(town_of, town_of[first])
    assert 2.0 < sizes.mean() < 2.8  # UK mean household size is about 2.4


def test_health_staff_work_in_hospitals_and_practices(movement):
    pop = movement.population
    names = set(pop.org_name)
    for hospital, _, _ in places.HOSPITALS:
        assert hospital in names
    staff = pop.kind == KINDS.index("staff")
    assert staff.any() and (pop.kind == KINDS.index("partner")).any()
    kinds = np.array(places.ORG_KINDS)[pop.org_kind[pop.workplace[staff]]]
    assert set(kinds) <= {"hospital", "gp"}


def test_all_codes_are_valid_store_values(movement):
    assert set(KINDS) <= {k.value for k in PersonKind}
    assert set(MEMBER_ROLES) <= {r.value for r in MemberRole}
    assert set(dev.PLEDGE_STATUSES) <= {s.value for s in PledgeStatus}
    assert set(dconv.STATEMENT_STATUSES) <= {s.value for s in StatementStatus}
    assert set(dstories.CONSENT_LEVELS) <= {c.value for c in ConsentLevel}
    assert set(dstories.STORY_STATUSES) <= {s.value for s in StoryStatus}
    assert set(dsurveys.INSTRUMENTS) <= {i.value for i in Instrument}
    assert set(dsurveys.MODES) <= {m.value for m in CollectionMode}
    assert {s.hand for s in SPECS} == {h.value for h in Hand}
    assert {s.power_mode for s in SPECS} == {p.value for p in PowerMode}
    for hand in Hand:  # both hands span more than one power mode
        assert len({s.power_mode for s in SPECS if s.hand == hand}) >= 2
    m = movement
    for codes, names in (
        (m.population.kind, KINDS),
        (m.ties.kind, TIE_KINDS),
        (m.memberships.role, MEMBER_ROLES),
        (m.activity.attend_role, dev.ATTEND_ROLES),
        (m.activity.pledge_status, dev.PLEDGE_STATUSES),
        (m.conversation.statement_status, dconv.STATEMENT_STATUSES),
        (m.stories.consent, dstories.CONSENT_LEVELS),
        (m.stories.status, dstories.STORY_STATUSES),
        (m.surveys.instrument, dsurveys.INSTRUMENTS),
        (m.surveys.mode, dsurveys.MODES),
        (m.campaign.log_origin, dc.ORIGINS),
    ):
        assert codes.min() >= 0 and codes.max() < len(names)
    assert set(np.unique(m.conversation.vote_value)) == {-1, 0, 1}


def test_memberships_and_events_are_consistent(movement):
    ms, act = movement.memberships, movement.activity
    pairs = ms.initiative.astype(np.int64) * movement.n + ms.person
    assert np.unique(pairs).size == pairs.size  # one membership per person per initiative
    assert set(np.unique(ms.initiative)) == set(range(len(SPECS)))
    pairs = act.attend_event.astype(np.int64) * movement.n + act.attend_person
    assert np.unique(pairs).size == pairs.size
    # Every event's leader attends it, as its one leader.
    leaders = act.attend_role == 1
    assert np.array_equal(np.sort(act.attend_event[leaders]), np.arange(act.event_day.size))
    assert np.array_equal(act.attend_person[leaders], act.event_leader[act.attend_event[leaders]])
    assert act.event_day.min() >= 0 and act.event_day.max() < places.DAYS
    assert act.event_day.max() - act.event_day.min() > 600  # about two years of activity


def test_pledges_move_made_shared_done(movement):
    act = movement.activity
    status = act.pledge_status
    assert set(np.unique(status)) == {0, 1, 2}
    shared, done = ~np.isnan(act.pledge_shared), ~np.isnan(act.pledge_done)
    assert np.array_equal(shared, status >= 1) and np.array_equal(done, status == 2)
    assert (act.pledge_shared[shared] >= act.pledge_made[shared]).all()
    assert (act.pledge_done[done] >= act.pledge_shared[done]).all()


def test_conversation_has_planted_opinion_groups(today):
    cv = generate(7, 20_000, today=today).conversation
    p, s = cv.participant_person.size, len(cv.statement_text)
    assert 200 <= p <= 600 and 30 <= s <= 60
    assert (cv.statement_status == 0).any() and (cv.statement_status == 2).any()
    assert cv.statement_seed.sum() == dconv.SEEDS
    matrix = np.zeros((p, s))
    matrix[cv.vote_pid, cv.vote_tid] = cv.vote_value
    # Participants of one planted group vote alike; across groups they do not.
    centred = matrix - matrix.mean(axis=0)
    corr = np.corrcoef(centred)
    same = cv.participant_group[:, None] == cv.participant_group[None, :]
    off = ~np.eye(p, dtype=bool)
    assert corr[same & off].mean() > corr[~same].mean() + 0.1
    # Two principal components and k-means (the Pol.is recipe) recover the groups.
    u, sv, _ = np.linalg.svd(centred, full_matrices=False)
    _, found = kmeans2(u[:, :2] * sv[:2], 3, seed=1, minit="++")
    agreement = igraph.compare_communities(
        cv.participant_group.tolist(), found.tolist(), method="adjusted_rand"
    )
    assert agreement > 0.6
    # Pol.is-style ids: pid by arrival, tid by posting time.
    assert (np.diff(cv.participant_day) >= 0).all() and (np.diff(cv.statement_day) >= 0).all()
    pairs = cv.vote_pid.astype(np.int64) * s + cv.vote_tid
    assert np.unique(pairs).size == pairs.size


def test_campaign_logs_are_streaky_and_drop_off(movement):
    c = movement.campaign
    pairs = c.log_person.astype(np.int64) * 100_000 + c.log_day
    assert np.unique(pairs).size == pairs.size
    assert (c.log_amount > 0).all()
    day = c.log_day - c.start
    # The campaign is in its fifth week: its fourth is the last whole week logged.
    first_week, fourth_week = (day < 7).sum(), ((day >= 21) & (day < 28)).sum()
    assert fourth_week < 0.8 * first_week
    # Streaks: having logged yesterday makes logging today likelier.
    logged = np.zeros((movement.n, dc.LENGTH), dtype=bool)
    logged[c.log_person, day] = True
    rows = logged[c.participants]
    after_yes = rows[:, 1:][rows[:, :-1]].mean()
    after_no = rows[:, 1:][~rows[:, :-1]].mean()
    assert after_yes > after_no + 0.2


def test_surveys_in_range_at_two_time_points(movement):
    sv = movement.surveys
    assert set(np.unique(sv.wave)) == {0, 1}
    for inst, answers in zip(sv.instrument.tolist(), sv.answers, strict=True):
        if dsurveys.INSTRUMENTS[inst] == "swemwbs":
            assert len(answers) == 7 and min(answers) >= 1 and max(answers) <= 5
        else:
            assert len(answers) == 4 and min(answers) >= 0 and max(answers) <= 10
    swem = np.array([sum(a) for a, i in zip(sv.answers, sv.instrument, strict=True) if i == 0])
    assert 19 < swem.mean() < 28  # UK population mean raw score is about 23.5


def test_consent_mostly_given_and_dated(movement):
    c = movement.consent
    assert 0.7 < c.contact.mean() < 0.95
    assert not np.isnan(c.contact_day[c.contact]).any()
    assert np.isnan(c.contact_day).any()  # a few were never asked


def test_stories_respect_consent(movement):
    st = movement.stories
    published = st.status == dstories.STORY_STATUSES.index("published")
    assert (st.consent[published] == dstories.CONSENT_LEVELS.index("publish")).all()
    assert 1 <= st.person.size <= len(dstories.STORIES)


@pytest.mark.parametrize("people", [0, 99, 2_000_001, 1.5, True, "many"])
def test_bad_sizes_are_clear_errors(people, today):
    with pytest.raises(InvalidInput, match="people must be"):
        generate(1, people, today=today)


def test_negative_seed_is_a_clear_error(today):
    with pytest.raises(InvalidInput, match="seed"):
        generate(-1, 200, today=today)


def test_tiny_movement_still_builds(today):
    m = generate(11, 100, today=today)
    assert m.n == 100 and len(m.ties) > 0 and m.recruitment.members.size > 0


def test_everyone_has_joined_and_nothing_happens_from_today(movement):
    m, days = movement, places.DAYS
    assert not np.isnan(m.joined_day).any() and (m.joined_day < days).all()
    tree = m.recruitment.joined_day
    member = ~np.isnan(tree)
    assert np.array_equal(m.joined_day[member], tree[member])
    # Everyone else joined before anything they did.
    act, ms = m.activity, m.memberships
    others = ~member
    for who, day in (
        (ms.person, ms.joined_day),
        (act.attend_person, act.event_day[act.attend_event]),
        (m.campaign.log_person, m.campaign.log_day),
        (m.surveys.person, m.surveys.day),
    ):
        mine = others[who]
        assert (m.joined_day[who[mine]] <= day[mine]).all()
    dated = [
        ms.joined_day, act.event_day, act.pledge_made, act.pledge_shared, act.pledge_done,
        m.campaign.log_day, m.campaign.log_time, m.surveys.day, m.stories.day,
        m.conversation.participant_day, m.conversation.statement_day, m.conversation.vote_day,
        m.consent.contact_day, m.consent.analytics_day, tree,
    ]  # fmt: skip
    for values in dated:
        values = np.asarray(values, dtype=np.float64)
        assert (values[~np.isnan(values)] < days).all()
    # Through the period, not only at its start: joiners arrive in every month.
    assert (np.bincount(np.floor(m.joined_day[m.joined_day >= 0] / 30.5).astype(int)) > 10).all()


@pytest.mark.parametrize("shift", [0, 100, 263])
def test_the_period_ends_today_and_the_calendar_follows_it(movement, today, shift):
    later = today + timedelta(days=shift)
    m = generate(movement.seed, movement.n, today=later)
    assert m.period.today == later and m.period.on(places.DAYS) == later
    assert (later - m.period.start).days == places.DAYS == 730
    c = m.campaign
    first, last = m.period.on(c.start), m.period.on(c.end)
    assert first.weekday() == 0 and first < later < last  # running, started on a Monday
    assert 28 <= (later - first).days <= 34 and (last - first).days == dc.LENGTH - 1
    assert c.log_day.max() == places.DAYS - 1  # logged up to yesterday
    # Only the calendar moves: who knows whom does not depend on the day it is built.
    assert np.array_equal(m.ties.src, movement.ties.src)
    assert np.array_equal(m.recruitment.joined_day, movement.recruitment.joined_day, equal_nan=True)
    assert _same(m, generate(movement.seed, movement.n, today=later)) == []


def test_today_must_be_a_plain_date(today):
    for bad in ("2026-06-17", datetime(2026, 6, 17, tzinfo=UTC), date(1999, 12, 31)):
        with pytest.raises(InvalidInput, match="today must be"):
            generate(1, 200, today=bad)
