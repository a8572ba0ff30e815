"""The read queries give the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from sample_movement import add_sample_movement

from groundswell.actions import public_summaries as queries
from groundswell.app import App


def test_queries_on_each_database(db_app: App):
    expected = add_sample_movement(db_app)
    with db_app.reading() as session:
        stats = queries.stats(session)
        for key, value in expected.items():
            assert getattr(stats, key) == value, key
        assert stats.initiatives_by_hand() == {"grassroots": 2, "system": 1}
        assert stats.initiatives_by_mode() == {"keeping": 1, "sharing": 1, "ceding": 1}

        conversations = queries.conversations(session)
        assert [(c.slug, c.open, c.votes) for c in conversations] == [
            ("what-would-help", True, 7),
            ("closed-one", False, 0),
        ]
        assert queries.conversations(session, slug="nope") == []
        # Under 10 members each: suppressed.
        assert [i.members for i in queries.initiatives(session)] == [None, None, None]
        (campaign,) = queries.campaigns(session)
        # Two people log: under the small-number rule, so nothing is shown.
        assert (campaign.people_logging, campaign.logs, campaign.total) == (None, None, None)
        assert campaign.suppressed

        network = queries.network(session)
        assert (network.isolated, network.max_degree, network.median_degree) == (None, 1, 2.0)
        assert network.mean_degree == round(22 / 12, 2)  # shown to two places
        # 10 in "1 to 2" would be the 12 people less the 2 in small bands: hidden too.
        assert {b.label: b.people for b in network.bands}["1 to 2"] is None

        measures = queries.measures(session)
        assert (measures.respondents, measures.survey_responses) == (None, None)
        assert [(r.instrument, r.mode, r.responses) for r in measures.by_instrument_and_mode] == [
            ("ons4", "paper", None),
            ("swemwbs", "online", None),
        ]
        assert all(r.suppressed for r in measures.by_instrument_and_mode)
        stories = queries.stories(session)
        assert stories.by_consent == {"private": None, "training": None, "publish": None}


def test_empty_database(db_app: App):
    with db_app.reading() as session:
        assert queries.stats(session).people == 0
        network = queries.network(session)
        assert (network.people, network.mean_degree, network.max_degree) == (0, 0.0, None)
        assert queries.measures(session).by_instrument_and_mode == []
        assert queries.campaigns(session) == []


def test_campaign_and_survey_figures_show_from_ten_people(db_app: App):
    from datetime import date

    from groundswell.store.models import (
        ActivityLog,
        Campaign,
        CampaignUnit,
        CollectionMode,
        Instrument,
        Person,
        SurveyResponse,
    )

    with db_app.transaction() as session:
        people = [Person(ref=f"p{i}") for i in range(10)]
        campaign = Campaign(slug="mile", name="Mile", unit=CampaignUnit.MILES,
                            starts_on=date(2025, 1, 1))  # fmt: skip
        session.add_all([*people, campaign])
        session.flush()
        for person in people:
            session.add(ActivityLog(campaign_id=campaign.id, person_id=person.id,
                                    day=date(2025, 1, 2), amount=1.5))  # fmt: skip
            session.add(SurveyResponse(person_id=person.id, instrument=Instrument.ONS4,
                                       answered_on=date(2025, 1, 2), mode=CollectionMode.ONLINE,
                                       answers=[7, 7, 7, 2]))  # fmt: skip
    with db_app.reading() as session:
        (summary,) = queries.campaigns(session)
        assert (summary.people_logging, summary.logs, summary.total) == (10, 10, 15.0)
        measures = queries.measures(session)
        assert (measures.respondents, measures.survey_responses) == (10, 10)
        assert measures.by_instrument_and_mode[0].responses == 10


def _people(s, n: int, prefix: str) -> list:
    from groundswell.store.models import Person

    people = [Person(ref=f"{prefix}{i}") for i in range(n)]
    s.add_all(people)
    s.flush()
    return people


def test_finding_5_initiative_members_hide_small_and_one_more_of_the_same_hand_and_mode(
    db_app: App,
) -> None:
    from groundswell.store.models import Hand, Initiative, Membership, PowerMode

    sizes = {"big": 30, "mid": 12, "small": 4, "other": 11}  # "other" is another mode
    with db_app.transaction() as s:
        people = _people(s, 30, "m")
        for slug, n in sizes.items():
            mode = PowerMode.CEDING if slug == "other" else PowerMode.SHARING
            i = Initiative(slug=slug, name=slug, hand=Hand.GRASSROOTS, power_mode=mode)
            s.add(i)
            s.flush()
            s.add_all(Membership(initiative_id=i.id, person_id=p.id) for p in people[:n])
    with db_app.reading() as session:
        shown = {i.slug: (i.members, i.suppressed) for i in queries.initiatives(session)}
    # The dashboard shows grassroots-sharing members (46): "small" is not 46 - 30 - 12.
    assert shown == {"big": (30, False), "mid": (None, True), "small": (None, True),
                     "other": (11, False)}  # fmt: skip


def test_finding_5_stories_by_status_hides_small_counts(db_app: App) -> None:
    from groundswell.store.models import Story, StoryStatus

    with db_app.transaction() as s:
        people = _people(s, 40, "s")
        statuses = [StoryStatus.PUBLISHED] * 25 + [StoryStatus.SUBMITTED] * 12
        statuses += [StoryStatus.WITHDRAWN] * 3
        s.add_all(Story(person_id=p.id, title="T", body="B", status=st)
                  for p, st in zip(people, statuses, strict=True))  # fmt: skip
    with db_app.reading() as session:
        by_status = queries.stats(session).stories_by_status
        summary = queries.stories(session)
    assert by_status["published"] == 25 and by_status["withdrawn"] is None
    # Shown, 12 submitted would give the 3 withdrawn as 40 - 25 - 12: hidden beside them.
    assert by_status["submitted"] is None
    assert summary.stories == 40 and summary.by_status == by_status


def test_finding_5_max_degree_is_top_coded_not_one_persons_count(db_app: App) -> None:
    from groundswell.store.models import Tie

    with db_app.transaction() as s:
        people = _people(s, 30, "t")
        hub, rest = people[0], people[1:]
        s.add_all(Tie(source_id=hub.id, target_id=p.id) for p in rest)  # hub: 29 ties
        s.add_all(Tie(source_id=a.id, target_id=b.id) for a, b in zip(rest[:12], rest[12:24],
                                                                     strict=True))  # fmt: skip
    with db_app.reading() as session:
        network = queries.network(session)
    # 24 people have 2 ties, 5 have 1, the hub 29: "most" is what 10 people have at least.
    assert network.max_degree == 2
    bands = {b.label: b.people for b in network.bands}
    # The hub alone in "21 to 50"; "1 to 2" (29) would give it as 30 - 29: both hidden.
    assert set(bands.values()) == {None} and network.isolated is None


def test_finding_5_survey_responses_by_instrument_and_mode_hide_one_more(db_app: App) -> None:
    from datetime import date

    from groundswell.store.models import CollectionMode, Instrument, SurveyResponse

    groups = [(Instrument.SWEMWBS, CollectionMode.ONLINE, 30), (Instrument.ONS4,
              CollectionMode.ONLINE, 12), (Instrument.ONS4, CollectionMode.PAPER, 3)]  # fmt: skip
    with db_app.transaction() as s:
        people = _people(s, 30, "r")
        s.add_all(
            SurveyResponse(person_id=p.id, instrument=instrument, mode=mode,
                           answered_on=date(2025, 1, 1 + g), answers=[1, 2, 3, 4])
            for g, (instrument, mode, n) in enumerate(groups) for p in people[:n]
        )  # fmt: skip
    with db_app.reading() as session:
        found = queries.measures(session)
    assert found.survey_responses == 45
    shown = {(r.instrument, r.mode): r.responses for r in found.by_instrument_and_mode}
    # 3 on paper are hidden; 12 online would give them as 45 - 30 - 12: hidden too.
    assert shown == {("ons4", "online"): None, ("ons4", "paper"): None,
                     ("swemwbs", "online"): 30}  # fmt: skip
