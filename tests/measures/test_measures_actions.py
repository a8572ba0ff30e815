"""Survey actions and the measures CLI on SQLite and PostgreSQL: all or nothing, suppressed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from groundswell.actions.campaigns import do_create_campaign, do_import_activity
from groundswell.actions.measures import (
    do_import_surveys,
    do_record_survey,
    outcome_csv,
    outcome_report,
)
from groundswell.app import App
from groundswell.errors import Conflict, InputFileError, InvalidInput, NotFound
from groundswell.store.models import CollectionMode, SurveyResponse

HEADER = "person,instrument,date,mode,consent,item1,item2,item3,item4,item5,item6,item7\n"
GOOD = HEADER + (
    "p1,swemwbs,2024-01-10,online,yes,3,3,3,3,3,3,3\n"
    "p1,ons4,2024-01-10,paper,yes,7,8,6,2,,,\n"
    "p2,SWEMWBS,2024-01-11,,true,5,5,5,5,5,5,5\n"
)
FUTURE = (date.today() + timedelta(days=5)).isoformat()

# (file content, line, field, words in the message)
BAD = [
    ("person,instrument,date\np1,ons4,2024-01-01\n", 1, "consent", "column is missing"),
    (HEADER + "p1,swemwbs,2024-01-10,online,no,3,3,3,3,3,3,3\n", 2, "consent", "consent"),
    (HEADER + "p1,swemwbs,2024-01-10,online,yes,3,3,3,3,3,6,3\n", 2, "item6", "from 1 to 5"),
    (HEADER + "p1,swemwbs,2024-01-10,online,yes,3,3,3,3,3,3,\n", 2, "item7", "empty"),
    (HEADER + "p1,ons4,2024-01-10,online,yes,7,8,6,11,,,\n", 2, "item4", "from 0 to 10"),
    (HEADER + "p1,ons4,2024-01-10,online,yes,7,8,6,2,4,,\n", 2, "item5", "4 items"),
    (HEADER + "p1,ons4,2024-01-10,online,yes,7,8.5,6,2,,,\n", 2, "item2", "whole number"),
    (HEADER + "zz,ons4,2024-01-10,online,yes,7,8,6,2,,,\n", 2, "person", "not a person"),
    (HEADER + "p1,wemwbs,2024-01-10,online,yes,7,8,6,2,,,\n", 2, "instrument", "swemwbs, ons4"),
    (HEADER + "p1,ons4,10/01/2024,online,yes,7,8,6,2,,,\n", 2, "date", "YYYY-MM-DD"),
    (HEADER + f"p1,ons4,{FUTURE},online,yes,7,8,6,2,,,\n", 2, "date", "future"),
    (HEADER + "p1,ons4,2024-01-10,email,yes,7,8,6,2,,,\n", 2, "mode", "in_person"),
    (HEADER + "p1,ons4,2024-03-10,paper,yes,7,8,6,2,,,\n" * 2, 3, "date", "lines 2 and 3"),
]


def count(app: App) -> int:
    with app.reading() as session:
        return session.scalar(select(func.count()).select_from(SurveyResponse))


def test_import_surveys(db_app: App, tmp_path: Path, add_people) -> None:
    add_people(db_app, [("p1", "Heysham"), ("p2", "Morecambe")])
    path = tmp_path / "surveys.csv"
    path.write_text(GOOD, encoding="utf-8")
    summary = do_import_surveys(db_app, path)
    assert (summary.rows, summary.created, summary.updated) == (3, 3, 0)
    with db_app.reading() as session:
        rows = session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()
    assert [r.answers for r in rows] == [[3] * 7, [7, 8, 6, 2], [5] * 7]
    assert [r.mode for r in rows] == [CollectionMode.ONLINE, CollectionMode.PAPER,
                                      CollectionMode.ONLINE]  # fmt: skip
    assert all(r.consent_at is not None for r in rows)

    # Every bad file: one error naming file, line and field; nothing written.
    for content, line, column, words in BAD:
        bad = tmp_path / "bad.csv"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(InputFileError) as info:
            do_import_surveys(db_app, bad)
        message = str(info.value)
        assert message.startswith(f"{bad}, line {line}, field '{column}'"), message
        assert words in message, message
        assert count(db_app) == 3

    # Already there: refused, then replaced with --update.
    again = tmp_path / "again.csv"
    again.write_text(HEADER + "p1,ons4,2024-01-10,phone,yes,9,9,9,0,,,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="already in the database"):
        do_import_surveys(db_app, again)
    summary = do_import_surveys(db_app, again, update=True)
    assert (summary.created, summary.updated) == (0, 1)
    with db_app.reading() as session:
        stored = session.scalar(select(SurveyResponse).where(SurveyResponse.answers.is_not(None))
                                .where(SurveyResponse.mode == CollectionMode.PHONE))  # fmt: skip
    assert stored is not None and stored.answers == [9, 9, 9, 0]
    assert count(db_app) == 3


def test_record_survey(db_app: App, add_people) -> None:
    add_people(db_app, [("p1", "Heysham")])
    kwargs = dict(person="p1", instrument="swemwbs", answered_on=date(2024, 2, 1))
    done = do_record_survey(db_app, **kwargs, answers=[4] * 7, consent=True, mode="in_person")
    assert done.created and done.score == {"raw": 28, "metric": 25.03}
    with pytest.raises(Conflict, match="already has swemwbs answers"):
        do_record_survey(db_app, **kwargs, answers=[4] * 7, consent=True)
    assert not do_record_survey(
        db_app, **kwargs, answers=[5] * 7, consent=True, update=True
    ).created
    with pytest.raises(InvalidInput, match="consent"):
        do_record_survey(db_app, **kwargs, answers=[4] * 7, consent=False, update=True)
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        do_record_survey(db_app, **kwargs, answers=[4] * 6 + [6], consent=True, update=True)
    with pytest.raises(NotFound, match="'p9'"):
        do_record_survey(db_app, **{**kwargs, "person": "p9"}, answers=[4] * 7, consent=True)
    assert count(db_app) == 1


def movement(app: App, folder: Path, add_people) -> None:
    """45 walkers and 35 others in two towns with baseline and follow-up, 6 in a third town."""
    rng = np.random.default_rng(3)
    people = [(f"w{i}", "Heysham" if i % 2 else "Morecambe") for i in range(45)]
    people += [(f"o{i}", "Heysham" if i % 2 else "Morecambe") for i in range(35)]
    people += [(f"c{i}", "Carnforth") for i in range(6)]
    add_people(app, people)
    lines = [HEADER]
    for ref, _ in people:
        base = rng.integers(2, 5, size=7)
        after = np.clip(base + (rng.random(7) < (0.5 if ref[0] == "w" else 0.1)), 1, 5)
        for day, items in (("2024-08-28", base), ("2024-11-20", after)):
            lines.append(f"{ref},swemwbs,{day},online,yes," + ",".join(map(str, items)) + "\n")
            ons = [7, 7, 7, 3] if day.startswith("2024-08") else [8, 8, 7, 2]
            lines.append(f"{ref},ons4,{day},online,yes," + ",".join(map(str, ons)) + ",,,\n")
    (folder / "movement.csv").write_text("".join(lines), encoding="utf-8")
    do_import_surveys(app, folder / "movement.csv")
    do_create_campaign(app, slug="mile-a-day", name="A Mile a Day", unit="miles",
                       starts_on=date(2024, 9, 2), ends_on=date(2024, 10, 13))  # fmt: skip
    logs = "person,campaign,date,amount\n" + "".join(
        f"w{i},mile-a-day,2024-09-0{d},1.2\n" for i in range(45) for d in range(2, 6)
    )
    (folder / "logs.csv").write_text(logs, encoding="utf-8")
    do_import_activity(app, folder / "logs.csv")


def test_outcome_report_from_the_database(db_app: App, tmp_path: Path, add_people) -> None:
    movement(db_app, tmp_path, add_people)
    report = outcome_report(db_app, instrument="swemwbs", campaign="mile-a-day", n_boot=300)
    by = {row.group: row for row in report.rows}
    assert by["everyone"].paired.value == 86
    assert by["took part"].paired.value == 45 and by["did not take part"].paired.value == 41
    assert by["took part"].change.value > by["did not take part"].change.value
    assert by["town: Carnforth"].people.reason == "suppressed (<10)"
    # Heysham (39) is the smallest other town: hidden too, or Carnforth = all - the rest.
    assert by["town: Heysham"].people.reason == "suppressed (secondary)"
    assert by["town: Morecambe"].people.value == 41 and by["town: Morecambe"].change.value
    assert report.comparison["difference"].value > 0
    text = outcome_csv(report)
    assert "town: Carnforth,suppressed (<10),suppressed (<10)" in text
    assert "selection bias" in text
    ons = outcome_report(db_app, instrument="ons4", measure="anxious", n_boot=300)
    assert ons.rows[0].change.value == pytest.approx(-1.0)
    with pytest.raises(InvalidInput, match="satisfaction, worthwhile, happy, anxious"):
        outcome_report(db_app, instrument="ons4", measure="total")
    with pytest.raises(NotFound, match="no campaign 'walk'"):
        outcome_report(db_app, instrument="ons4", campaign="walk")


def test_measures_cli(db_app: App, tmp_path: Path, add_people, cli) -> None:
    run = cli(db_app)
    result = run("measures", "score", "swemwbs", "1", "2", "3", "4", "5", "4", "3", "--json")
    assert result.code == 0 and json.loads(result.out) == {"raw": 22, "metric": 19.98}
    result = run("measures", "score", "ons4", "7", "8", "6", "2", "--json")
    assert json.loads(result.out) == {
        "satisfaction": {"score": 7, "band": "high"},
        "worthwhile": {"score": 8, "band": "high"},
        "happy": {"score": 6, "band": "medium"},
        "anxious": {"score": 2, "band": "low"},
    }
    result = run("measures", "score", "ons4", "7", "8", "6", "11")
    assert result.code == 3 and result.out == ""
    assert result.err.strip() == (
        "groundswell: error: ONS4 item 4: '11' is not valid; "
        "each answer is a whole number from 0 to 10"
    )
    movement(db_app, tmp_path, add_people)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD[2][0].replace("p1,", "w1,"), encoding="utf-8")
    result = run("measures", "import", str(bad))
    assert result.code == 3 and "line 2, field 'item6'" in result.err
    assert "Traceback" not in result.err

    out = tmp_path / "report.csv"
    result = run("measures", "report", "--instrument", "swemwbs", "--campaign", "mile-a-day",
                 "--boot", "200", "--json", "--csv", str(out))  # fmt: skip
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    carnforth = next(r for r in payload["rows"] if r["group"] == "town: Carnforth")
    assert all(v == {"value": None, "n": None, "reason": "suppressed (<10)"}
               for k, v in carnforth.items() if k != "group")  # fmt: skip
    assert "selection" in payload["caveat"]
    assert "suppressed (<10)" in out.read_text()
    result = run(
        "measures", "report", "--instrument", "ons4", "--measure", "happy", "--boot", "200"
    )
    assert result.code == 0 and "town: Carnforth,suppressed (<10)" in result.out
