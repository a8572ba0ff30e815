"""Personal survey links on SQLite and PostgreSQL: who gets one, answering once, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from groundswell.actions.wellbeing_links import (
    do_answer_link,
    do_issue_links,
    link_rows,
    open_link,
)
from groundswell.app import App
from groundswell.auth.permissions import Scopes
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    ActivityLog,
    AuditEvent,
    Campaign,
    CampaignMember,
    CampaignUnit,
    Instrument,
    Person,
    SurveyResponse,
    WellbeingLink,
)

ONS4 = [7, 8, 6, 2]
SWEMWBS = [4, 4, 3, 4, 5, 3, 4]


def add_movement(gs: App) -> None:
    """a1-a3 in Ashby (a3 not contactable), b1-b2 in Bexley; a1 and b1 walk in team Red."""
    with gs.transaction() as s:
        people = {
            ref: Person(ref=ref, town=town, display_name=ref.upper(), email=f"{ref}@example.org",
                        consent_contact=ref != "a3")
            for ref, town in (("a1", "Ashby"), ("a2", "Ashby"), ("a3", "Ashby"),
                              ("b1", "Bexley"), ("b2", "Bexley"))
        }  # fmt: skip
        walk = Campaign(slug="walk", name="Walk a mile", unit=CampaignUnit.MILES,
                        starts_on=datetime(2026, 1, 1).date())  # fmt: skip
        s.add_all([*people.values(), walk])
        s.flush()
        s.add_all(
            CampaignMember(campaign_id=walk.id, person_id=people[ref].id, team=team)
            for ref, team in (("a1", "Red"), ("a2", "Blue"), ("a3", "Red"), ("b1", "Red"))
        )
        # b2 never joined the walk but logged a day of it: one of its people too.
        s.add(ActivityLog(campaign_id=walk.id, person_id=people["b2"].id,
                          day=datetime(2026, 1, 2).date(), amount=1.0))  # fmt: skip


def refs(links: list) -> list[str]:
    return [link.person for link in links]


def answers_of(gs: App, ref: str) -> dict[Instrument, list[int]]:
    with gs.reading() as s:
        rows = s.execute(
            select(SurveyResponse.instrument, SurveyResponse.answers, SurveyResponse.mode,
                   SurveyResponse.consent_at)
            .join(Person, Person.id == SurveyResponse.person_id).where(Person.ref == ref)
        ).all()  # fmt: skip
    assert all(r.mode.value == "online" and r.consent_at is not None for r in rows)
    return {r.instrument: r.answers for r in rows}


def test_links_go_only_to_people_who_agreed_to_be_contacted(db_app: App) -> None:
    add_movement(db_app)
    assert refs(do_issue_links(db_app, actor="olu")) == ["a1", "a2", "b1", "b2"]
    assert refs(do_issue_links(db_app, actor="olu", town="ashby")) == ["a1", "a2"]
    assert refs(do_issue_links(db_app, actor="olu", campaign="walk")) == ["a1", "a2", "b1", "b2"]
    assert refs(do_issue_links(db_app, actor="olu", campaign="walk", team="red")) == ["a1", "b1"]
    scoped = Scopes(towns=frozenset({"bexley"}))
    assert refs(do_issue_links(db_app, actor="olu", scopes=scoped)) == ["b1", "b2"]
    with db_app.reading() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "issue_wellbeing_links"))
        assert [e.detail["people"] for e in audit] == [4, 2, 4, 2, 2]
        stored = s.scalars(select(WellbeingLink.token_hash)).all()
    issued = do_issue_links(db_app, actor="olu", town="Bexley")
    assert all(link.token not in stored and len(link.token) >= 43 for link in issued)
    rows = link_rows(issued, "https://gs.example.org/")
    assert rows[0] == ["person", "display_name", "email", "link", "expires"]
    assert rows[1][:3] == ["b1", "B1", "b1@example.org"]
    assert rows[1][3] == f"https://gs.example.org/w/{issued[0].token}"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"campaign": "nope"}, "no campaign 'nope'"),
        ({"team": "Red"}, "name the campaign"),
        ({"days": 0}, "1 to 365 days"),
        ({"days": 400}, "1 to 365 days"),
    ],
)
def test_issuing_refuses_what_cannot_be_done(db_app: App, options: dict, words: str) -> None:
    add_movement(db_app)
    with pytest.raises((InvalidInput, NotFound), match=words):
        do_issue_links(db_app, actor="olu", **options)
    with db_app.reading() as s:
        assert s.scalars(select(WellbeingLink)).all() == []


def test_a_link_is_answered_once_and_stores_both_instruments(db_app: App) -> None:
    add_movement(db_app)
    link = do_issue_links(db_app, actor="olu", campaign="walk", team="Red")[0]
    view = open_link(db_app, link.token)
    assert view.state == "open" and view.campaign == "Walk a mile"
    done = do_answer_link(db_app, link.token, consent=True, ons4=ONS4, swemwbs=SWEMWBS)
    assert done.instruments == ("ons4", "swemwbs")
    assert answers_of(db_app, "a1") == {Instrument.ONS4: ONS4, Instrument.SWEMWBS: SWEMWBS}
    assert open_link(db_app, link.token).state == "used"
    with pytest.raises(Conflict, match="used"):
        do_answer_link(db_app, link.token, consent=True, ons4=[0, 0, 0, 0], swemwbs=SWEMWBS)
    assert answers_of(db_app, "a1")[Instrument.ONS4] == ONS4  # the second try stored nothing


def test_without_wording_only_ons4_is_stored(db_app: App) -> None:
    add_movement(db_app)
    link = do_issue_links(db_app, actor="olu", town="Bexley")[0]
    assert do_answer_link(db_app, link.token, consent=True, ons4=ONS4).instruments == ("ons4",)
    assert answers_of(db_app, "b1") == {Instrument.ONS4: ONS4}


def test_refused_consent_and_bad_answers_store_nothing_and_keep_the_link(db_app: App) -> None:
    add_movement(db_app)
    link = do_issue_links(db_app, actor="olu", town="Bexley")[0]
    with pytest.raises(InvalidInput, match="consent"):
        do_answer_link(db_app, link.token, consent=False, ons4=ONS4, swemwbs=SWEMWBS)
    with pytest.raises(InvalidInput, match="item 2"):
        do_answer_link(db_app, link.token, consent=True, ons4=[7, 11, 6, 2])
    assert answers_of(db_app, "b1") == {}
    assert open_link(db_app, link.token).state == "open"


def test_expired_unknown_and_replaced_links(db_app: App) -> None:
    add_movement(db_app)
    first = do_issue_links(db_app, actor="olu", town="Ashby")
    second = do_issue_links(db_app, actor="olu", town="Ashby")
    # Issuing again ends the earlier open links of the same people and survey...
    assert [open_link(db_app, x.token).state for x in first] == ["expired", "expired"]
    assert [open_link(db_app, x.token).state for x in second] == ["open", "open"]
    # ... but not another campaign's.
    walk = do_issue_links(db_app, actor="olu", campaign="walk", town="Ashby")
    assert open_link(db_app, second[0].token).state == "open"
    with db_app.transaction() as s:
        s.execute(update(WellbeingLink).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    with pytest.raises(Conflict, match="expired"):
        do_answer_link(db_app, walk[0].token, consent=True, ons4=ONS4)
    assert answers_of(db_app, "a1") == {}
    with pytest.raises(NotFound, match="not known"):
        open_link(db_app, "not-a-token")
    with pytest.raises(NotFound):
        do_answer_link(db_app, "not-a-token", consent=True, ons4=ONS4)
