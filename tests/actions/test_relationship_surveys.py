"""Relationship surveys on SQLite and PostgreSQL: links, consent, answers, ties, withdrawal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
from sqlalchemy import func, select

from groundswell.actions import relationship_surveys as rs
from groundswell.actions.privacy import do_record_consent as record_registry_consent
from groundswell.app import App
from groundswell.auth.permissions import Grant, Principal, Role
from groundswell.errors import (
    Conflict,
    ConsentRequired,
    ExpiredLink,
    InvalidInput,
    LinkAlreadyUsed,
    NotFound,
)
from groundswell.store.graph import read_store_graph
from groundswell.store.models import (
    AuditEvent,
    ConsentEvent,
    ConsentPurpose,
    Person,
    SurveyNomination,
    Tie,
)

QUESTIONS = [
    rs.QuestionSpec("Who do you talk to about your health?", "health_talk", 5),
    rs.QuestionSpec("Who gives you energy to act?", "energy"),
]


def people(app: App, rows: Sequence[tuple[str, str, str | None]]) -> None:
    """(ref, display name, town) for each person."""
    with app.transaction() as s:
        s.add_all(Person(ref=r, display_name=n, town=t) for r, n, t in rows)


def survey_with_links(app: App, **kw: object) -> dict[str, str]:
    """A two-question survey with a link for everyone: person ref -> token."""
    rs.do_create_survey(
        app, slug="talk", title="Who we talk to", questions=QUESTIONS, actor="org", **kw
    )
    return {link.person_ref: link.token for link in rs.do_issue_links(app, "talk", actor="org")}


def qids(app: App, token: str) -> dict[str, int]:
    view = rs.open_link(app, token)
    assert view is not None
    return {q.tie_kind: q.id for q in view.questions}


def answer(app: App, token: str, by_kind: dict[str, list[str]]) -> rs.AnswerReceipt:
    rs.do_record_consent(app, token, consent=True)
    ids = qids(app, token)
    return rs.do_answer(app, token, {ids[k]: v for k, v in by_kind.items()})


def ties(app: App) -> set[tuple[str, str, str, str]]:
    with app.reading() as s:
        src = select(Person.ref).where(Person.id == Tie.source_id).scalar_subquery()
        dst = select(Person.ref).where(Person.id == Tie.target_id).scalar_subquery()
        return {(a, b, k, o) for a, b, k, o in s.execute(select(src, dst, Tie.kind, Tie.origin))}


@pytest.fixture
def town(db_app: App) -> App:
    people(
        db_app,
        [
            ("ann", "Ann Lee", "Morecambe"),
            ("bob", "Bob Marsh", "Morecambe"),
            ("cat", "Cat Price", "Heysham"),
            ("dan", "John Smith", "Heysham"),
            ("eve", "Eve Stone", "Lancaster"),
        ],
    )
    return db_app


def test_answers_write_ties_of_each_questions_kind_only(town: App) -> None:
    links = survey_with_links(town)
    assert set(links) == {"ann", "bob", "cat", "dan", "eve"}
    view = rs.open_link(town, links["ann"])
    assert view is not None and view.respondent == "Ann Lee" and not view.consented
    assert [q.tie_kind for q in view.questions] == ["health_talk", "energy"]
    got = answer(
        town, links["ann"], {"health_talk": ["ref:bob", "cat price"], "energy": ["ref:eve"]}
    )
    assert got == rs.AnswerReceipt(matched=3, pending=0)
    assert ties(town) == {
        ("ann", "bob", "health_talk", "survey"),
        ("ann", "cat", "health_talk", "survey"),
        ("ann", "eve", "energy", "survey"),
    }
    graph, report = read_store_graph(town, kinds={"health_talk"}, directed=True)
    assert graph.m == 2 and not any("energy" in note for note in report.notes)
    graph, _ = read_store_graph(town, kinds={"energy"}, directed=True)
    assert graph.m == 1
    with town.reading() as s:
        consent = s.scalars(select(ConsentEvent)).one()
    assert consent.purpose is ConsentPurpose.NETWORK_SURVEY and consent.granted
    view = rs.open_link(town, links["ann"])
    assert view is not None and view.answered and view.consented


def test_a_typed_name_matches_only_within_the_audience_and_never_a_namesake(town: App) -> None:
    people(town, [("zoe", "Zoë Hart", "Lancaster"), ("zo2", "ZOË HART", "Heysham"),
                  ("kit", "Kit O'Neil", "Heysham")])  # fmt: skip
    links = survey_with_links(town, audience_town="Heysham")
    # Eve Stone lives in Lancaster, outside the audience: her name waits.
    # Zoë Hart is two people (the case and accent aside): neither is picked.
    # Kit O'Neil is matched however the accent, case and apostrophe are typed.
    names = ["Eve Stone", "zoe hart", "KIT ONEIL", "john smith"]
    got = answer(town, links["cat"], {"health_talk": names})
    assert got == rs.AnswerReceipt(matched=2, pending=2)
    assert ties(town) == {
        ("cat", "dan", "health_talk", "survey"),
        ("cat", "kit", "health_talk", "survey"),
    }


def test_a_typed_name_writes_no_tie_until_matched_then_exactly_one(town: App) -> None:
    links = survey_with_links(town)
    got = answer(town, links["ann"], {"health_talk": ["Jon Smyth", "jon  smyth"]})
    assert got == rs.AnswerReceipt(matched=0, pending=1)
    assert ties(town) == set()
    [waiting] = rs.pending_names(town, "talk", actor="org")
    assert (waiting.name, waiting.tie_kind, waiting.nominations) == ("Jon Smyth", "health_talk", 1)
    assert (
        waiting.suggestions[0].ref == "dan" and waiting.suggestions[0].display_name == "John Smith"
    )
    assert rs.do_match(town, "talk", "JON SMYTH", "dan", actor="org") == 1
    assert ties(town) == {("ann", "dan", "health_talk", "survey")}
    assert rs.pending_names(town, "talk", actor="org") == []
    with pytest.raises(NotFound, match="no name 'Jon Smyth' waits"):
        rs.do_match(town, "talk", "Jon Smyth", "dan", actor="org")
    assert len(ties(town)) == 1
    with town.reading() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "survey_pending_names")) == 2  # fmt: skip


def test_suggestions_put_the_people_asked_first_among_equals(town: App) -> None:
    people(town, [("x1", "Sam Lee", "Morecambe"), ("x2", "Sam Lee", "Heysham")])
    rs.do_create_survey(
        town, slug="talk", title="T", questions=QUESTIONS, audience_town="Heysham", actor="org"
    )
    links = {x.person_ref: x.token for x in rs.do_issue_links(town, "talk", actor="org")}
    # Two people share the name: it cannot be matched on its own, and waits.
    assert answer(town, links["cat"], {"energy": ["Sam Lee"]}).pending == 1
    [waiting] = rs.pending_names(town, "talk")
    assert [s.ref for s in waiting.suggestions] == ["x2", "x1"]
    assert [s.score for s in waiting.suggestions] == [100.0, 100.0]
    assert rs.survey_overview(town, "talk").by_team == []  # no campaign teams: no split


def test_a_town_organiser_is_offered_and_may_match_only_people_in_their_town(town: App) -> None:
    rs.do_create_survey(
        town, slug="talk", title="T", questions=QUESTIONS, audience_town="Heysham", actor="org"
    )
    links = {x.person_ref: x.token for x in rs.do_issue_links(town, "talk", actor="org")}
    answer(town, links["cat"], {"energy": ["Eve Ston", "Jon Smyth"]})
    heysham = Principal(7, "olu@example.org", "Olu", (Grant(Role.ORGANISER, "town:Heysham"),))
    offered = {p.name: [s.ref for s in p.suggestions] for p in
               rs.pending_names(town, "talk", actor="olu", viewer=heysham)}  # fmt: skip
    assert "eve" not in offered["Eve Ston"] and offered["Jon Smyth"][0] == "dan"
    everyone = {p.name: [s.ref for s in p.suggestions] for p in rs.pending_names(town, "talk")}
    assert everyone["Eve Ston"][0] == "eve"
    with pytest.raises(NotFound, match="among the people you may see"):
        rs.do_match(town, "talk", "Eve Ston", "eve", actor="olu", viewer=heysham)
    with pytest.raises(InvalidInput, match="town you organise in"):
        rs.do_add_person(town, "talk", "Eve Ston", actor="olu", town="Lancaster", viewer=heysham)
    assert ties(town) == set()
    assert rs.do_match(town, "talk", "Jon Smyth", "dan", actor="olu", viewer=heysham) == 1


def test_the_pending_names_shown_can_be_capped_most_named_first(town: App) -> None:
    links = survey_with_links(town)
    answer(town, links["ann"], {"health_talk": ["Grace Hopper", "Ada Byron"]})
    answer(town, links["bob"], {"health_talk": ["grace hopper"], "energy": ["Ada Byron"]})
    answer(town, links["cat"], {"energy": ["Ada Byron", "Alan Turing"]})
    shown = rs.pending_names(town, "talk", limit=2)
    assert [(p.name, p.tie_kind, p.nominations) for p in shown] == [
        ("Ada Byron", "energy", 2),
        ("Grace Hopper", "health_talk", 2),
    ]
    assert len(rs.pending_names(town, "talk")) == 4


def test_add_as_new_person_and_dismiss(town: App) -> None:
    links = survey_with_links(town)
    answer(town, links["ann"], {"health_talk": ["Grace Hopper"], "energy": ["Nobody Really"]})
    answer(town, links["bob"], {"energy": ["grace hopper"]})
    names = {(p.name.casefold(), p.tie_kind): p.nominations for p in rs.pending_names(town, "talk")}
    assert names == {("grace hopper", "health_talk"): 1, ("grace hopper", "energy"): 1,
                     ("nobody really", "energy"): 1}  # fmt: skip
    ref = rs.do_add_person(town, "talk", "Grace Hopper", actor="org", town="Heysham")
    assert ties(town) == {("ann", ref, "health_talk", "survey"), ("bob", ref, "energy", "survey")}
    assert rs.do_dismiss(town, "talk", "nobody really", actor="org") == 1
    assert rs.pending_names(town, "talk") == []
    overview = rs.survey_overview(town, "talk")
    assert overview.nominations == {"matched": 2, "pending": 0, "dismissed": 1}
    assert overview.ties_by_kind == {"health_talk": 1, "energy": 1}
    with pytest.raises(NotFound):
        rs.do_add_person(town, "talk", "Not Waiting", actor="org")
    with town.reading() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 6


def test_withdrawing_consent_removes_their_nominations_and_survey_ties_only(town: App) -> None:
    links = survey_with_links(town)
    with town.transaction() as s:
        ids = dict(s.execute(select(Person.ref, Person.id)).all())
        s.add(Tie(source_id=ids["ann"], target_id=ids["eve"], kind="knows", origin="import"))
    answer(town, links["ann"], {"health_talk": ["ref:bob", "Someone New"], "energy": ["ref:cat"]})
    answer(town, links["bob"], {"health_talk": ["ref:ann"]})
    before = ties(town)
    record_registry_consent(town, "ann", "network_survey", False, actor="org")
    assert ties(town) == before - {
        ("ann", "bob", "health_talk", "survey"),
        ("ann", "cat", "energy", "survey"),
    }
    assert ("ann", "eve", "knows", "import") in ties(town)
    assert ("bob", "ann", "health_talk", "survey") in ties(town)
    with town.reading() as s:
        left = s.execute(select(SurveyNomination.respondent_id)).scalars().all()
    assert left == [ids["bob"]]
    view = rs.open_link(town, links["ann"])
    assert view is not None and view.answered and not view.consented


def test_saying_no_through_the_link_is_recorded_and_answering_is_refused(town: App) -> None:
    links = survey_with_links(town)
    rs.do_record_consent(town, links["cat"], consent=False)
    ids = qids(town, links["cat"])
    with pytest.raises(ConsentRequired, match="consent question first"):
        rs.do_answer(town, links["cat"], {ids["energy"]: ["ref:ann"]})
    with town.reading() as s:
        assert s.scalars(select(ConsentEvent)).all() == []
        [declined] = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "survey_declined")
        ).all()
    assert declined.subject_id == "talk"
    assert ties(town) == set()


def test_saying_no_to_one_survey_keeps_answers_to_another(town: App) -> None:
    first = survey_with_links(town)
    answer(town, first["ann"], {"health_talk": ["ref:bob"]})
    rs.do_create_survey(town, slug="energy", title="Energy", questions=QUESTIONS[1:], actor="org")
    second = {x.person_ref: x.token for x in rs.do_issue_links(town, "energy", actor="org")}
    rs.do_record_consent(town, second["ann"], consent=False)
    assert ("ann", "bob", "health_talk", "survey") in ties(town)
    view = rs.open_link(town, first["ann"])
    assert view is not None and view.consented
    # Withdrawing outright still deletes every survey's answers.
    rs.do_withdraw(town, second["ann"])
    assert ties(town) == set()
    view = rs.open_link(town, first["ann"])
    assert view is not None and not view.consented


def test_a_spent_link_refuses_a_second_answer(town: App) -> None:
    links = survey_with_links(town)
    answer(town, links["ann"], {"health_talk": ["ref:bob"]})
    ids = qids(town, links["ann"])
    with pytest.raises(LinkAlreadyUsed, match="already"):
        rs.do_answer(town, links["ann"], {ids["health_talk"]: ["ref:cat"]})
    with pytest.raises(LinkAlreadyUsed):
        rs.do_record_consent(town, links["ann"], consent=True)
    with pytest.raises(LinkAlreadyUsed):
        rs.roster_search(town, links["ann"], "cat")
    assert ties(town) == {("ann", "bob", "health_talk", "survey")}
    with pytest.raises(ExpiredLink):
        rs.do_answer(town, "not-a-token", {})
    assert rs.open_link(town, "not-a-token") is None


def test_two_answers_sent_at_once_through_one_link_record_one(town: App) -> None:
    links = survey_with_links(town)
    rs.do_record_consent(town, links["ann"], consent=True)
    ids = qids(town, links["ann"])
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def send(refs: list[str]) -> None:
        start.wait()
        try:
            rs.do_answer(town, links["ann"], {ids["health_talk"]: refs})
            outcomes.append("recorded")
        except LinkAlreadyUsed:
            outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(r,)) for r in (["ref:bob"], ["ref:cat"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["recorded", "refused"]
    assert len(ties(town)) == 1
    with town.reading() as s:
        assert s.scalar(select(func.count()).select_from(SurveyNomination)) == 1


def test_caps_unknown_picks_and_questions_refuse_and_write_nothing(town: App) -> None:
    links = survey_with_links(town)
    rs.do_record_consent(town, links["ann"], consent=True)
    ids = qids(town, links["ann"])
    too_many = ["ref:bob", "ref:cat", "ref:dan", "ref:eve", "Zed One", "Zed Two"]
    with pytest.raises(InvalidInput, match="choose up to 5 people"):
        rs.do_answer(town, links["ann"], {ids["health_talk"]: too_many})
    with pytest.raises(InvalidInput, match="not someone on this survey's list"):
        rs.do_answer(town, links["ann"], {ids["health_talk"]: ["ref:nobody"]})
    with pytest.raises(InvalidInput, match="a name is at most 120 characters"):
        rs.do_answer(town, links["ann"], {ids["energy"]: ["x" * 121]})
    with pytest.raises(InvalidInput, match="not a question"):
        rs.do_answer(town, links["ann"], {999999: ["ref:bob"]})
    assert ties(town) == set()
    view = rs.open_link(town, links["ann"])
    assert view is not None and not view.answered
    # Naming yourself, or the same person twice, counts once and writes no self-tie.
    got = rs.do_answer(
        town, links["ann"], {ids["health_talk"]: ["ref:bob", "Bob Marsh", "ref:ann"]}
    )
    assert got == rs.AnswerReceipt(matched=1, pending=0)


def test_roster_search_is_the_audience_by_name_without_the_respondent(town: App) -> None:
    rs.do_create_survey(
        town, slug="talk", title="T", questions=QUESTIONS, audience_town="Heysham", actor="org"
    )
    links = {x.person_ref: x.token for x in rs.do_issue_links(town, "talk", actor="org")}
    assert set(links) == {"cat", "dan"}
    assert rs.roster_search(town, links["cat"], "i") == []
    assert rs.roster_search(town, links["cat"], "IT") == [
        rs.RosterEntry("dan", "John Smith", "Heysham")
    ]
    assert rs.roster_search(town, links["cat"], "cat") == []  # herself
    assert rs.roster_search(town, links["cat"], "lee") == []  # Ann is in Morecambe
    assert rs.roster_search(town, links["cat"], "%") == []
    with town.reading() as s:
        searches = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "survey_roster_search")
        ).all()
    assert len(searches) == 3 and searches[0].actor.startswith("survey-link:")  # 2+ letters
    rs.do_record_consent(town, links["cat"], consent=True)
    ids = qids(town, links["cat"])
    with pytest.raises(InvalidInput, match="not someone on this survey's list"):
        rs.do_answer(town, links["cat"], {ids["energy"]: ["ref:ann"]})


def test_prefix_matches_come_first(db_app: App) -> None:
    people(db_app, [("me", "Me Myself", None), ("a", "Mo Annabel", None), ("b", "Anna Bell", None)])
    links = survey_with_links(db_app)
    found = rs.roster_search(db_app, links["me"], "ann")
    assert [e.ref for e in found] == ["b", "a"]
    assert rs.roster_search(db_app, links["me"], "_b") == []  # LIKE's wildcards are plain text


def test_reissue_replaces_the_link_and_keeps_the_answer(town: App) -> None:
    links = survey_with_links(town)
    answer(town, links["ann"], {"energy": ["ref:bob"]})
    assert rs.do_issue_links(town, "talk", actor="org") == []
    again = {
        x.person_ref: x.token for x in rs.do_issue_links(town, "talk", actor="org", reissue=True)
    }
    assert set(again) == set(links)
    assert rs.open_link(town, links["ann"]) is None
    view = rs.open_link(town, again["ann"])
    assert view is not None and view.answered


def test_create_refuses_bad_questions_and_a_taken_slug(town: App) -> None:
    def create(slug: str = "s", questions: Sequence[rs.QuestionSpec] = QUESTIONS) -> None:
        rs.do_create_survey(town, slug=slug, title="T", questions=questions, actor="org")

    with pytest.raises(InvalidInput, match="is not a tie kind"):
        create(questions=[rs.QuestionSpec("Who?", "Health Talk")])
    with pytest.raises(InvalidInput, match="written by events"):
        create(questions=[rs.QuestionSpec("Who?", "attended_together")])
    with pytest.raises(InvalidInput, match="its own tie kind"):
        create(questions=[rs.QuestionSpec("A?", "knows"), rs.QuestionSpec("B?", "knows")])
    with pytest.raises(InvalidInput, match="at least one question"):
        create(questions=[])
    with pytest.raises(InvalidInput, match="from 1 to 100"):
        create(questions=[rs.QuestionSpec("A?", "knows", 0)])
    with pytest.raises(InvalidInput, match="slug"):
        create(slug="Not A Slug")
    create()
    with pytest.raises(Conflict, match="already a survey"):
        create()
    [summary] = rs.list_surveys(town)
    assert summary.tie_kinds == ["health_talk", "energy"] and summary.links_issued == 0
    assert summary.answered.suppressed


def test_response_rates_by_town_and_team_hide_small_numbers(db_app: App) -> None:
    from groundswell.store.models import Campaign, CampaignMember, CampaignUnit

    rows = [(f"m{i}", f"M {i}", "Morecambe") for i in range(30)]
    rows += [(f"h{i}", f"H {i}", "Heysham") for i in range(20)]
    rows += [(f"l{i}", f"L {i}", "Lancaster") for i in range(4)]
    people(db_app, rows)
    with db_app.transaction() as s:
        import datetime as dt

        campaign = Campaign(slug="walk", name="Walk", unit=CampaignUnit.MILES,
                            starts_on=dt.date(2026, 1, 1))  # fmt: skip
        s.add(campaign)
        s.flush()
        ids = dict(s.execute(select(Person.ref, Person.id)).all())
        for i in range(30):
            s.add(CampaignMember(campaign_id=campaign.id, person_id=ids[f"m{i}"],
                                 team="Reds" if i < 25 else "Blues"))  # fmt: skip
    links = survey_with_links(db_app)
    # Answers: 15 of 30 in Morecambe (12 Reds, 3 Blues), 12 of 20 in Heysham, 2 of 4 in Lancaster.
    for ref in [f"m{i}" for i in range(12)] + ["m25", "m26", "m27"]:
        answer(db_app, links[ref], {})
    for ref in [f"h{i}" for i in range(12)] + ["l0", "l1"]:
        answer(db_app, links[ref], {})
    o = rs.survey_overview(db_app, "talk")
    assert o.links_issued == 54 and o.answered.value == 29
    assert o.response_rate.value == pytest.approx(29 / 54, abs=0.001)
    town = {r.group: r for r in o.by_town}
    assert town["Morecambe"].rate.value == 0.5 and town["Morecambe"].answered.value == 15
    assert town["Lancaster"].issued.suppressed and town["Lancaster"].answered.suppressed
    assert town["Lancaster"].rate.suppressed
    # Lancaster's 4 links and 2 answers could be found from the total: one more is hidden.
    assert town["Heysham"].issued.suppressed and town["Heysham"].rate.suppressed
    team = {r.group: r for r in o.by_team}
    assert team["Reds"].issued.value == 25 and team["Reds"].answered.value == 12
    assert team["Blues"].issued.suppressed and team["Blues"].rate.suppressed
    assert team["no team"].issued.value == 24 and team["no team"].answered.value == 14
    assert "one way" in o.both_ways_note and not o.both_ways
    assert o.to_dict()["by_town"][0]["group"] == "Morecambe"


def test_a_closed_or_unknown_survey(town: App) -> None:
    with pytest.raises(NotFound, match="no relationship survey 'nope'"):
        rs.survey_overview(town, "nope")
    links = survey_with_links(town)
    overview = rs.survey_overview(town, "talk")
    assert overview.links_issued == 5 and overview.answered.suppressed
    rs.do_record_consent(town, links["bob"], consent=True)
    closed = rs.do_close_survey(town, "talk", actor="org")
    assert closed.status == "closed" and closed.links_issued == 5
    view = rs.open_link(town, links["ann"])
    assert view is not None and view.closed
    refusals: list[Callable[[], object]] = [
        lambda: rs.do_record_consent(town, links["ann"], consent=True),
        lambda: rs.do_answer(town, links["bob"], {}),
        lambda: rs.roster_search(town, links["ann"], "bob"),
        lambda: rs.do_issue_links(town, "talk", actor="org"),
    ]
    for refused in refusals:
        with pytest.raises(Conflict, match="closed"):
            refused()
    # Saying no still works on a closed survey: withdrawal is never refused.
    rs.do_record_consent(town, links["bob"], consent=False)
    assert rs.do_close_survey(town, "talk", actor="org", reopen=True).status == "open"
    rs.do_record_consent(town, links["ann"], consent=True)
    assert rs.do_answer(town, links["ann"], {}) == rs.AnswerReceipt(matched=0, pending=0)
