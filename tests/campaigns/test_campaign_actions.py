"""Campaign actions and commands on SQLite and PostgreSQL: logs, CSV and GPX, suppressed reports."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from groundswell.actions.campaigns import (
    campaign_report,
    do_create_campaign,
    do_import_activity,
    do_import_gpx,
    do_join_campaign,
    do_log_activity,
    progress_csv,
)
from groundswell.app import App
from groundswell.errors import Conflict, InputFileError, InvalidInput, NotFound
from groundswell.store.models import ActivityLog, CampaignMember

WALK = Path(__file__).parent / "data" / "prom-walk.gpx"
TODAY = date(2024, 11, 30)


def logs(app: App) -> list[tuple[int, date, float, str]]:
    with app.reading() as session:
        return [tuple(r) for r in session.execute(
            select(ActivityLog.person_id, ActivityLog.day, ActivityLog.amount, ActivityLog.origin)
            .order_by(ActivityLog.person_id, ActivityLog.day))]  # fmt: skip


def setup(app: App, add_people, people: int = 3) -> None:
    add_people(app, [(f"p{i}", "Heysham" if i % 2 else "Morecambe") for i in range(people)])
    do_create_campaign(app, slug="mile-a-day", name="A Mile a Day Without Transport",
                       unit="miles", starts_on=date(2024, 10, 1), ends_on=date(2024, 11, 10),
                       group_goal=500.0)  # fmt: skip
    do_create_campaign(app, slug="cook-together", name="Cook and Eat Together",
                       unit="yes_no", starts_on=date(2024, 10, 1))  # fmt: skip


def test_create_campaign_checks(db_app: App) -> None:
    base = dict(slug="walk", name="Walk", unit="miles", starts_on=date(2024, 1, 1))
    info = do_create_campaign(db_app, **base, timezone="Europe/London")
    assert info.to_dict()["starts_on"] == "2024-01-01" and info.unit == "miles"
    for change, words in [
        ({}, "already a campaign 'walk'"),
        ({"slug": "Walk Daily"}, "lower-case letters"),
        ({"slug": "w2", "unit": "steps"}, "miles, minutes, yes_no"),
        ({"slug": "w2", "unit": "yes_no", "daily_target": 2}, "daily target is 1"),
        ({"slug": "w2", "daily_target": 0}, "more than 0"),
        ({"slug": "w2", "ends_on": date(2023, 12, 1)}, "before it starts"),
        ({"slug": "w2", "timezone": "London"}, "IANA"),
        ({"slug": "w2", "group_goal": -5}, "more than 0"),
    ]:
        with pytest.raises((InvalidInput, Conflict), match=words):
            do_create_campaign(db_app, **{**base, **change})


def test_log_days(db_app: App, add_people) -> None:
    setup(db_app, add_people)
    args = dict(campaign="mile-a-day", person="p1", today=TODAY)
    do_log_activity(db_app, **args, day=date(2024, 10, 26), amount=1.2, team="Prom Walkers")
    # 00:30 BST on the morning the clocks go back is 23:30 UTC the day before: the 27th.
    result = do_log_activity(db_app, **args, day=datetime(2024, 10, 26, 23, 30, tzinfo=UTC),
                             amount=1.0)  # fmt: skip
    assert result["day"] == "2024-10-27"
    with pytest.raises(Conflict, match="already logged 1 miles on 2024-10-27"):
        do_log_activity(db_app, **args, day=date(2024, 10, 27), amount=2.0)
    do_log_activity(db_app, **args, day=date(2024, 10, 27), amount=2.0, update=True)
    assert [(d, a) for _, d, a, _ in logs(db_app)] == [(date(2024, 10, 26), 1.2),
                                                       (date(2024, 10, 27), 2.0)]  # fmt: skip
    for change, error, words in [
        ({"day": date(2024, 9, 30)}, InvalidInput, "outside the campaign"),
        ({"day": date(2024, 11, 11)}, InvalidInput, "outside the campaign"),
        ({"today": date(2024, 10, 20)}, InvalidInput, "in the future"),
        ({"amount": -1}, InvalidInput, "give 0 to 100 miles"),
        ({"amount": 250}, InvalidInput, "give 0 to 100 miles"),
        ({"person": "nobody"}, NotFound, "'nobody'"),
        ({"campaign": "swim"}, NotFound, "no campaign 'swim'"),
        ({"day": datetime(2024, 10, 28, 9, 0)}, InvalidInput, "no time zone"),
    ]:
        with pytest.raises(error, match=words):
            do_log_activity(db_app, **{**args, "day": date(2024, 10, 28), "amount": 1.0, **change})
    with pytest.raises(InvalidInput, match="yes or no"):
        do_log_activity(db_app, campaign="cook-together", person="p1", day=date(2024, 10, 2),
                        amount=0.5, today=TODAY)  # fmt: skip
    do_join_campaign(db_app, campaign="cook-together", person="p2", team="Bare")
    with db_app.reading() as session:
        teams = sorted(session.scalars(select(CampaignMember.team)).all(), key=str)
    assert teams == ["Bare", "Prom Walkers"]


LOG_HEADER = "person,campaign,date,amount,team\n"
BAD = [
    ("person,date,amount\np1,2024-10-02,1\n", 1, "campaign", "column is missing"),
    (LOG_HEADER + "p9,mile-a-day,2024-10-02,1,\n", 2, "person", "not a person"),
    (LOG_HEADER + "p1,swim,2024-10-02,1,\n", 2, "campaign", "cook-together, mile-a-day"),
    (LOG_HEADER + "p1,mile-a-day,02/10/2024,1,\n", 2, "date", "YYYY-MM-DD"),
    (LOG_HEADER + "p1,mile-a-day,2024-10-02T08:00:00,1,\n", 2, "date", "no time zone"),
    (LOG_HEADER + "p1,mile-a-day,2024-12-02,1,\n", 2, "date", "outside the campaign"),
    (LOG_HEADER + "p1,mile-a-day,2024-10-02,a mile,\n", 2, "amount", "not a number of miles"),
    (LOG_HEADER + "p1,mile-a-day,2024-10-02,1000,\n", 2, "amount", "give 0 to 100"),
    (LOG_HEADER + "p1,cook-together,2024-10-02,2,\n", 2, "amount", "yes or no"),
    (LOG_HEADER + "p1,mile-a-day,2024-10-02,1,\np1,mile-a-day,2024-10-02,2,\n", 3, "date",
     "lines 2 and 3"),
    (LOG_HEADER + "p0,mile-a-day,2024-10-01,1,\n", 2, "date", "already in the database"),
]  # fmt: skip


def test_import_activity_all_or_nothing(db_app: App, tmp_path: Path, add_people) -> None:
    setup(db_app, add_people)
    good = tmp_path / "logs.csv"
    good.write_text(
        LOG_HEADER
        + "p0,mile-a-day,2024-10-01,1.5,Heysham Striders\n"
        + "p0,mile-a-day,2024-10-27T00:30:00+01:00,1,\n"  # BST morning of the change
        + "p1,cook-together,2024-10-01,yes,\n"
        + "p1,cook-together,2024-10-02,no,\n",
        encoding="utf-8",
    )
    summary = do_import_activity(db_app, good, today=TODAY)
    assert (summary.rows, summary.created) == (4, 4)
    stored = logs(db_app)
    assert [(d, a) for _, d, a, _ in stored] == [
        (date(2024, 10, 1), 1.5), (date(2024, 10, 27), 1.0),
        (date(2024, 10, 1), 1.0), (date(2024, 10, 2), 0.0),
    ]  # fmt: skip
    for content, line, column, words in BAD:
        bad = tmp_path / "bad.csv"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(InputFileError) as info:
            do_import_activity(db_app, bad, today=TODAY)
        message = str(info.value)
        assert message.startswith(f"{bad}, line {line}, field '{column}'"), message
        assert words in message, message
        assert logs(db_app) == stored
    with db_app.reading() as session:
        members = session.scalar(select(func.count()).select_from(CampaignMember))
    assert members == 2


def test_import_gpx(db_app: App, tmp_path: Path, add_people) -> None:
    setup(db_app, add_people)
    track = tmp_path / "walk.gpx"
    shutil.copy(WALK, track)
    result = do_import_gpx(db_app, track, campaign="mile-a-day", person="p2", today=TODAY)
    assert list(result["days"]) == ["2024-10-26", "2024-10-27"]
    assert result["skipped_steps"] == 2
    assert [(d.isoformat(), a, o) for _, d, a, o in logs(db_app)] == [
        ("2024-10-26", result["days"]["2024-10-26"], "gpx"),
        ("2024-10-27", result["days"]["2024-10-27"], "gpx"),
    ]
    # Importing the same track again never counts it twice.
    with pytest.raises(InputFileError, match="already logged"):
        do_import_gpx(db_app, track, campaign="mile-a-day", person="p2", today=TODAY)
    do_import_gpx(db_app, track, campaign="mile-a-day", person="p2", update=True, today=TODAY)
    assert len(logs(db_app)) == 2
    with pytest.raises(InvalidInput, match="counts yes_no"):
        do_import_gpx(db_app, track, campaign="cook-together", person="p2", today=TODAY)
    with pytest.raises(InputFileError, match="in the future"):
        do_import_gpx(db_app, track, campaign="mile-a-day", person="p1", today=date(2024, 10, 26))
    assert len(logs(db_app)) == 2


def test_report_is_collective_and_suppressed(db_app: App, tmp_path: Path, add_people) -> None:
    setup(db_app, add_people, people=25)
    rows = [LOG_HEADER]
    for i in range(25):
        team = "Heysham Striders" if i < 14 else ("Prom Walkers" if i < 22 else "Bare")
        for d in range(1, 4 if i < 12 else 2):
            rows.append(f"p{i},mile-a-day,2024-10-0{d},{1.0 + (i % 3) / 2},{team}\n")
    (tmp_path / "logs.csv").write_text("".join(rows), encoding="utf-8")
    do_import_activity(db_app, tmp_path / "logs.csv", today=TODAY)
    report = campaign_report(db_app, "mile-a-day", person="p0", today=date(2024, 10, 4))
    p = report.progress
    assert p.people.value == 25 and p.days_met.value == 25 + 12 * 2
    assert p.total.value == pytest.approx(
        sum(1.0 + (i % 3) / 2 for i in range(25)) + 2 * sum(1.0 + (i % 3) / 2 for i in range(12))
    )
    assert [d.people.value for d in p.days] == [25, 12, 12, None]
    by = {g.group: g for g in p.groups}
    assert by["Bare"].people.reason == "suppressed (<10)"
    assert by["Prom Walkers"].people.reason == "suppressed (<10)"  # 8 people
    assert by["Heysham Striders"].people.value == 14
    assert report.mine == {"person": "p0", "total": 3.0, "days_logged": 3, "days_met": 3,
                           "current_streak": 3, "longest_streak": 3}  # fmt: skip
    payload = report.to_dict()
    assert "leaderboard" not in json.dumps(payload) and "ranking" not in json.dumps(payload)
    text = progress_csv(report)
    assert "team,Bare,suppressed (<10),suppressed (<10)" in text
    assert "day,2024-10-04,suppressed (<10)" in text
    by_town = campaign_report(db_app, "mile-a-day", by="town", today=date(2024, 10, 4))
    assert {g.group for g in by_town.progress.groups} == {"Heysham", "Morecambe"}
    with pytest.raises(InvalidInput, match="team or town"):
        campaign_report(db_app, "mile-a-day", by="age")


def test_campaigns_cli(db_app: App, tmp_path: Path, add_people, cli) -> None:
    run = cli(db_app)
    add_people(db_app, [(f"p{i}", "Heysham") for i in range(12)])
    result = run("campaigns", "create", "cook-together", "--name", "Cook and Eat Together",
                 "--unit", "yes_no", "--starts", "2024-10-01", "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["unit"] == "yes_no"
    result = run("campaigns", "create", "mile-a-day", "--name", "A Mile a Day",
                 "--starts", "2024-10-01", "--goal", "100")  # fmt: skip
    assert result.code == 0 and "Created campaign mile-a-day" in result.out
    result = run("campaigns", "log", "mile-a-day", "p0", "1.4", "--date",
                 "2024-10-27T00:30:00+01:00", "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["day"] == "2024-10-27"
    result = run("campaigns", "log", "cook-together", "p0", "yes", "--date", "2024-10-02")
    assert result.code == 0, result.err
    result = run("campaigns", "log", "mile-a-day", "p0", "2", "--date", "2024-10-27")
    assert result.code == 5 and "--update" in result.err
    result = run("campaigns", "log", "mile-a-day", "p0", "far", "--date", "2024-10-27")
    assert result.code == 3 and "not a number" in result.err

    csv_file = tmp_path / "logs.csv"
    csv_file.write_text(LOG_HEADER + "".join(f"p{i},mile-a-day,2024-10-02,1.5,\n"
                                             for i in range(12)), encoding="utf-8")  # fmt: skip
    result = run("campaigns", "import", str(csv_file), "--json")
    assert result.code == 0 and json.loads(result.out)["created"] == 12
    track = tmp_path / "walk.gpx"
    shutil.copy(WALK, track)
    result = run("campaigns", "import", str(track))
    assert result.code == 3 and "--campaign SLUG and --person ID" in result.err
    result = run("campaigns", "import", str(track), "--campaign", "mile-a-day", "--person", "p1")
    assert result.code == 0, result.err
    assert "2024-10-26" in result.out and "Left out 2 steps" in result.out

    out = tmp_path / "progress.csv"
    result = run("campaigns", "report", "mile-a-day", "--json", "--csv", str(out))
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    days = {d["day"]: d for d in payload["days"]}
    # 12 logged on 2 October, then only p0 and p1: the total minus that day's running
    # total would be their two amounts, so that day is hidden as well.
    assert days["2024-10-02"]["people"]["reason"] == "suppressed (<10)"
    assert payload["people"]["value"] == 12 and payload["total"]["value"] is not None
    assert days["2024-10-26"]["cumulative"] == {"value": None, "n": None,
                                                "reason": "suppressed (<10)"}  # fmt: skip
    assert "day,2024-10-27,suppressed (<10)" in out.read_text()
    result = run("campaigns", "report", "mile-a-day", "--person", "p0")
    assert result.code == 0 and "streak" in result.out and "suppressed (<10)" in result.out
    result = run("campaigns", "list", "--json")
    assert [c["slug"] for c in json.loads(result.out)] == ["cook-together", "mile-a-day"]
