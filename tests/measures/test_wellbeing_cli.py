"""``groundswell measures links|wording``, and the norms in ``measures report``."""

from __future__ import annotations

import csv
import json
import stat
from datetime import date
from pathlib import Path

from test_wellbeing_links import add_movement

from groundswell.actions.wellbeing_links import open_link
from groundswell.app import App
from groundswell.store.models import Instrument, Person, SurveyResponse

PLACEHOLDER = Path(__file__).parent / "data" / "swemwbs-wording-placeholder.toml"


def test_links_cli_writes_a_private_csv_of_links(db_app: App, tmp_path: Path, cli) -> None:
    add_movement(db_app)
    run = cli(db_app)
    out = tmp_path / "links.csv"
    result = run("measures", "links", "--out", str(out), "--campaign", "walk", "--town", "Ashby",
                 "--base-url", "https://gs.example.org/", "--days", "10")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == (
        f"Wrote 2 links to {out}; the survey asks ONS4 only (no SWEMWBS wording set)."
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["person"] for r in rows] == ["a1", "a2"] and rows[0]["email"] == "a1@example.org"
    assert all(r["link"].startswith("https://gs.example.org/w/") for r in rows)
    token = rows[0]["link"].rsplit("/", 1)[1]
    view = open_link(db_app, token)
    assert view.state == "open" and view.campaign == "Walk a mile"
    assert (view.expires_at.date() - date.today()).days in (9, 10)

    result = run("measures", "links", "--out", str(out), "--json")
    assert result.code == 0 and json.loads(result.out)["links"] == 4
    assert open_link(db_app, token).state == "open"  # another survey: the campaign's stays open


def test_links_cli_refuses_with_one_line(db_app: App, tmp_path: Path, cli) -> None:
    add_movement(db_app)
    run = cli(db_app)
    for args, code, words in (
        (["--out", str(tmp_path / "no" / "links.csv")], 3, "does not exist"),
        (["--out", str(tmp_path / "l.csv"), "--campaign", "nope"], 4, "no campaign 'nope'"),
        (["--out", str(tmp_path / "l.csv"), "--team", "Red"], 3, "name the campaign"),
        (["--out", str(tmp_path / "l.csv"), "--base-url", "gs.example.org"], 3, "--base-url"),
    ):
        result = run("measures", "links", *args)
        assert result.code == code and words in result.err, (args, result.err)
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert not (tmp_path / "l.csv").exists()


def test_wording_cli(db_app: App, cli, monkeypatch, tmp_path: Path) -> None:
    run = cli(db_app)
    unset = run("measures", "wording")
    assert unset.code == 3 and "GROUNDSWELL_SWEMWBS_WORDING is not set" in unset.err
    monkeypatch.setenv("GROUNDSWELL_SWEMWBS_WORDING", str(PLACEHOLDER))
    good = run("measures", "wording", "--json")
    assert good.code == 0 and json.loads(good.out)["items"] == 7
    broken = tmp_path / "wording.json"
    broken.write_text('{"preamble": "p", "items": ["a"]}', encoding="utf-8")
    monkeypatch.setenv("GROUNDSWELL_SWEMWBS_WORDING", str(broken))
    bad = run("measures", "wording")
    assert bad.code == 3 and f"{broken}, field 'items': must be a list of 7 texts" in bad.err


def test_report_json_carries_the_norms(db_app: App, cli) -> None:
    with db_app.transaction() as s:
        people = [Person(ref=f"n{i}", town="Ashby") for i in range(10)]
        s.add_all(people)
        s.flush()
        s.add_all(SurveyResponse(person_id=p.id, instrument=Instrument.ONS4,
                                 answered_on=date(2026, 3, 1), answers=[8, 8, 8, 1])
                  for p in people)  # fmt: skip
    result = cli(db_app)("measures", "report", "--instrument", "ons4", "--boot", "50", "--json")
    assert result.code == 0, result.err
    norms = json.loads(result.out)["norms"]
    assert "not a random sample" in norms["caveat"]
    anxious = next(r for r in norms["rows"] if r["national"]["measure"] == "anxious")
    assert anxious["national"]["value"] == 3.23 and "ons.gov.uk" in anxious["national"]["url"]
    assert anxious["movement"]["mean"] == {"value": 1.0, "n": 10, "reason": None}
    swemwbs = next(r for r in norms["rows"] if r["national"]["instrument"] == "swemwbs")
    assert swemwbs["movement"]["mean"]["reason"] == "suppressed (<10)"
