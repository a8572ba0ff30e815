"""The read queries give the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from sample_movement import add_sample_movement

from groundswell.app import App
from groundswell.web import queries


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
        assert [i.members for i in queries.initiatives(session)] == [4, 0, 0]
        (campaign,) = queries.campaigns(session)
        # Two people log: under the small-number rule, so nothing is shown.
        assert (campaign.people_logging, campaign.logs, campaign.total) == (None, None, None)
        assert campaign.suppressed

        network = queries.network(session)
        assert (network.isolated, network.max_degree, network.median_degree) == (1, 6, 2.0)
        assert network.mean_degree == 22 / 12
        assert {b.label: b.people for b in network.bands}["1 to 2"] == 10

        measures = queries.measures(session)
        assert (measures.respondents, measures.survey_responses) == (None, None)
        assert [(r.instrument, r.mode, r.responses) for r in measures.by_instrument_and_mode] == [
            ("ons4", "paper", None),
            ("swemwbs", "online", None),
        ]
        assert all(r.suppressed for r in measures.by_instrument_and_mode)
        stories = queries.stories(session)
        assert stories.by_consent == {"private": 0, "training": 1, "publish": 1}


def test_empty_database(db_app: App):
    with db_app.reading() as session:
        assert queries.stats(session).people == 0
        network = queries.network(session)
        assert (network.people, network.mean_degree, network.max_degree) == (0, 0.0, 0)
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
