"""``groundswell surveys ...`` on both databases: create, links, import, show, match, list."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from groundswell.actions import relationship_surveys as rs
from groundswell.app import App
from groundswell.store.models import ConsentEvent, Person, SurveyNomination, Tie

Runner = Callable[..., Any]


def people(app: App) -> None:
    rows = [("a1", "Ann Lee", "Morecambe"), ("b1", "Bob Marsh", "Morecambe"),
            ("c1", "Cat Price", "Heysham"), ("d1", "John Smith", "Heysham")]  # fmt: skip
    with app.transaction() as s:
        s.add_all(Person(ref=r, display_name=n, town=t) for r, n, t in rows)


def create(run: Runner, *extra: str) -> Any:
    return run(
        "surveys", "create", "talk", "--title", "Who we talk to",
        "--question", "Who do you talk to about your health?", "--tie-kind", "health_talk",
        "--question", "Who gives you energy to act?", "--tie-kind", "energy", *extra,
    )  # fmt: skip


def count(app: App, model: type[Any]) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_survey_from_the_command_line(
    db_app: App, cli: Callable[[App], Runner], tmp_path: Path
) -> None:
    people(db_app)
    run = cli(db_app)
    made = create(run, "--max-answers", "3", "--both-ways", "--json")
    assert made.code == 0, made.err
    assert json.loads(made.out)["tie_kinds"] == ["health_talk", "energy"]
    out = tmp_path / "links.csv"
    links = run("surveys", "links", "talk", "--out", str(out), "--base-url", "https://gs.example/")
    assert links.code == 0, links.err and "4 new links" in links.out
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["person"] for r in rows] == ["a1", "b1", "c1", "d1"]
    assert rows[0]["name"] == "Ann Lee" and rows[0]["link"].startswith("https://gs.example/s/")
    assert out.stat().st_mode & 0o077 == 0
    token = rows[2]["link"].rsplit("/", 1)[1]
    view = rs.open_link(db_app, token)
    assert view is not None and view.respondent == "Cat Price"
    again = run("surveys", "links", "talk", "--out", str(tmp_path / "again.csv"))
    assert "0 new links" in again.out and "--reissue" in again.out

    answers = tmp_path / "answers.csv"
    answers.write_text(
        "respondent,tie_kind,nominee\n"
        "a1,health_talk,b1\n"
        "a1,health_talk,cat price\n"
        "a1,energy,Jon Smyth\n"
        "b1,health_talk,Someone Unknown\n",
        encoding="utf-8",
    )
    imported = run("surveys", "import", "talk", str(answers), "--json")
    assert imported.code == 0, imported.err
    assert json.loads(imported.out) == {
        "respondents": 2, "matched": 2, "suggested": 1, "unmatched": 1,
    }  # fmt: skip
    assert count(db_app, Tie) == 2 and count(db_app, ConsentEvent) == 2

    shown = run("surveys", "show", "talk")
    assert shown.code == 0, shown.err
    assert "nominations may be read both ways" in shown.out
    assert "'Jon Smyth'" in shown.out and "John Smith (d1, Heysham)" in shown.out
    assert "response rate suppressed (<10)" in shown.out
    as_json = json.loads(run("surveys", "show", "talk", "--json").out)
    assert as_json["both_ways"] is True and as_json["links_issued"] == 4
    assert as_json["pending"][0]["suggestions"][0]["ref"] == "d1"

    matched = run("surveys", "match", "talk", "Jon Smyth", "d1")
    assert matched.code == 0 and "1 tie written" in matched.out
    added = run("surveys", "add-person", "talk", "someone unknown", "--town", "Heysham", "--json")
    assert added.code == 0, added.err
    assert json.loads(added.out)["person"].startswith("survey-")
    assert count(db_app, Tie) == 4
    listed = json.loads(run("surveys", "list", "--json").out)
    assert [s["slug"] for s in listed] == ["talk"] and listed[0]["links_issued"] == 4
    assert run("surveys", "list").out.split()[2:6] == ["talk", "open", "health_talk,", "energy"]


def test_refusals_name_the_row_and_field_and_write_nothing(
    db_app: App, cli: Callable[[App], Runner], tmp_path: Path
) -> None:
    people(db_app)
    run = cli(db_app)
    assert create(run, "--max-answers", "1").code == 0
    bad = tmp_path / "bad.csv"
    cases = {
        "a1,health_talk,b1\nzz,health_talk,b1\n": "line 3, field 'respondent': there is no person",
        "a1,knows,b1\n": "line 2, field 'tie_kind': 'knows' is not asked in this survey",
        "a1,health_talk,b1\na1,health_talk,c1\n": "line 3, field 'nominee': 'a1' names more",
        "a1,energy,a1\n": "line 2, field 'nominee': this is the respondent themselves",
        "a1,energy,\n": "line 2, field 'nominee': this value is empty",
    }
    for body, message in cases.items():
        bad.write_text("respondent,tie_kind,nominee\n" + body, encoding="utf-8")
        refused = run("surveys", "import", "talk", str(bad))
        assert refused.code == 3 and message in refused.err, (body, refused.err)
    assert count(db_app, Tie) == count(db_app, SurveyNomination) == count(db_app, ConsentEvent) == 0
    bad.write_text("respondent,nominee\na1,b1\n", encoding="utf-8")
    assert run("surveys", "import", "talk", str(bad)).code == 3

    mismatched = run("surveys", "create", "two", "--title", "T", "--question", "Q?",
                     "--tie-kind", "a_b", "--tie-kind", "c_d")  # fmt: skip
    assert mismatched.code == 3 and "one for each --question" in mismatched.err
    assert run("surveys", "show", "nope").code == 4
    assert run("surveys", "match", "talk", "Nobody", "a1").code == 4
    assert run("surveys", "dismiss", "talk", "Nobody").code == 4
    taken = create(run)
    assert taken.code == 5 and "already a survey" in taken.err
    assert json.loads(run("surveys", "close", "talk", "--json").out)["status"] == "closed"
    refused = run("surveys", "links", "talk", "--out", str(tmp_path / "l.csv"))
    assert refused.code == 5 and "closed" in refused.err and not (tmp_path / "l.csv").exists()
    assert "talk is open" in run("surveys", "close", "talk", "--reopen").out


def test_import_checks_the_audience_and_one_answer_each(
    db_app: App, cli: Callable[[App], Runner], tmp_path: Path
) -> None:
    people(db_app)
    run = cli(db_app)
    assert create(run, "--town", "Heysham", "--max-answers", "2", "--max-answers", "3").code == 0
    out = tmp_path / "links.csv"
    issued = json.loads(run("surveys", "links", "talk", "--out", str(out), "--json").out)
    assert issued == {"survey": "talk", "links": 2, "out": str(out)}
    cat = next(r["link"] for r in csv.DictReader(out.open()) if r["person"] == "c1")
    token = cat.rsplit("/", 1)[1]
    rs.do_record_consent(db_app, token, consent=True)
    view = rs.open_link(db_app, token)
    assert view is not None and [q.max_answers for q in view.questions] == [2, 3]
    rs.do_answer(db_app, token, {view.questions[0].id: ["ref:d1"]})
    answers = tmp_path / "answers.csv"
    for body, message in {
        "a1,energy,b1\n": "line 2, field 'respondent': 'a1' is not in this survey's audience",
        "c1,energy,d1\n": "line 2, field 'respondent': 'c1' has already answered",
    }.items():
        answers.write_text("respondent,tie_kind,nominee\n" + body, encoding="utf-8")
        refused = run("surveys", "import", "talk", str(answers))
        assert refused.code == 3 and message in refused.err, refused.err
    answers.write_text(
        "respondent,tie_kind,nominee\nd1,energy,Cat Price\nd1,health_talk,Nobody Known\n",
        encoding="utf-8",
    )
    done = run("surveys", "import", "talk", str(answers))
    assert "answers from 1 person; 1 matched, 0 with suggestions, 1 unmatched" in done.out
    dismissed = run("surveys", "dismiss", "talk", "nobody known")
    assert dismissed.code == 0 and "dismissed (1 nomination)" in dismissed.out
    # d1's link was handed out: it is now spent, as if they had answered online.
    d1 = next(r["link"] for r in csv.DictReader(out.open()) if r["person"] == "d1")
    seen = rs.open_link(db_app, d1.rsplit("/", 1)[1])
    assert seen is not None and seen.answered and seen.consented
    shown = run("surveys", "show", "talk")
    assert "Names waiting: 0" in shown.out and "By team" not in shown.out
    assert run("surveys", "close", "talk").code == 0
    closed = run("surveys", "import", "talk", str(answers))
    assert closed.code == 5 and "closed" in closed.err


def test_command_line_refusals_before_the_database(
    db_app: App, cli: Callable[[App], Runner], tmp_path: Path
) -> None:
    run = cli(db_app)
    caps = create(run, "--max-answers", "1", "--max-answers", "2", "--max-answers", "3")
    assert caps.code == 3 and "--max-answers" in caps.err
    assert create(run).code == 0
    nowhere = run("surveys", "links", "talk", "--out", str(tmp_path / "no" / "l.csv"))
    assert nowhere.code == 3 and "cannot write in" in nowhere.err
    ftp = run("surveys", "links", "talk", "--out", str(tmp_path / "l.csv"), "--base-url", "ftp://x")
    assert ftp.code == 3 and "not a web address" in ftp.err
    assert not (tmp_path / "l.csv").exists()
