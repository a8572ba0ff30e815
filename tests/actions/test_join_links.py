"""Joining through a personal join link, and everyone's links exported, on both databases."""

from __future__ import annotations

import csv
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.actions.join_links import (
    Joining,
    do_export_join_links,
    do_join,
    do_join_link_for,
)
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import (
    AuditEvent,
    ConsentEvent,
    ConsentPurpose,
    JoinLink,
    Person,
    Recruitment,
    Tie,
)


@pytest.fixture
def people(db_app: App, add_people: Callable[[App, list[tuple[str, str]]], None]) -> App:
    add_people(db_app, [("ola", "Morecambe"), ("pat", "Lancaster"), ("quin", "Heysham")])
    return db_app


def pid(app: App, ref: str) -> int:
    with app.reading() as s:
        found = s.scalar(select(Person.id).where(Person.ref == ref))
    assert found is not None
    return found


def test_a_link_is_made_once_and_unguessable(people: App) -> None:
    code, joins = do_join_link_for(people, pid(people, "ola"))
    assert do_join_link_for(people, pid(people, "ola")) == (code, 0) and joins == 0
    other, _ = do_join_link_for(people, pid(people, "pat"))
    assert len(code) == 22 and other != code
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_joining_records_the_person_consent_and_recruitment(people: App) -> None:
    code, _ = do_join_link_for(people, pid(people, "ola"))
    assert do_join(people, code, Joining("  Rae  Lee ", "Carnforth", "", False, True))
    with people.reading() as s:
        rae = s.execute(select(Person).where(Person.display_name == "Rae Lee")).scalar_one()
        consent = {
            c.purpose: c.granted
            for c in s.scalars(select(ConsentEvent).where(ConsentEvent.person_id == rae.id))
        }
        recruitment = s.execute(select(Recruitment.recruiter_id, Recruitment.recruit_id)).one()
        assert rae.ref.startswith("join-") and rae.email is None and rae.joined_at is not None
        assert consent == {ConsentPurpose.CONTACT: False, ConsentPurpose.ANALYTICS: True}
        assert tuple(recruitment) == (pid(people, "ola"), rae.id)
        assert s.scalar(select(JoinLink.joins)) == 1
        assert s.scalars(select(Tie)).all() == []  # recruitment is its own tree, not a tie


def test_a_known_email_adds_nobody(people: App) -> None:
    code, _ = do_join_link_for(people, pid(people, "ola"))
    assert do_join(people, code, Joining("Sam", "Morecambe", "sam@example.org"))
    assert not do_join(people, code, Joining("Sammy", "Lancaster", " SAM@example.org "))
    with people.reading() as s:
        known = s.scalars(select(Person.display_name).where(Person.email.is_not(None))).all()
        assert known == ["Sam"]
        assert s.scalar(select(JoinLink.joins)) == 1


@pytest.mark.parametrize(
    ("joining", "message"),
    [
        (Joining("", "Morecambe"), "name: enter your name"),
        (Joining("x" * 121, "Morecambe"), "name: use 120 characters or fewer"),
        (Joining("Tam", ""), "town: enter the town"),
        (Joining("Tam", "Morecambe", "tam@"), "email: enter an email address"),
    ],
)
def test_bad_answers_name_the_field_and_write_nothing(
    people: App, joining: Joining, message: str
) -> None:
    code, _ = do_join_link_for(people, pid(people, "ola"))
    with pytest.raises(InvalidInput, match=message):
        do_join(people, code, joining)
    with pytest.raises(NotFound):
        do_join(people, "nope", Joining("Tam", "Morecambe"))
    with people.reading() as s:
        assert len(s.scalars(select(Person)).all()) == 3


def test_a_join_through_a_link_is_recruitment_in_roles(people: App, cli: Any) -> None:
    run = cli(people)
    before = json.loads(run("roles", "db", "--json").out)
    code, _ = do_join_link_for(people, pid(people, "ola"))
    for name in ("Uma", "Vic"):
        assert do_join(people, code, Joining(name, "Morecambe"))
    result = run("roles", "db", "--json")
    assert result.code == 0, result.err
    after = json.loads(result.out)
    assert before["indicators"]["recruitment_depth"]["value"] in (0, None)
    assert after["indicators"]["recruitment_depth"]["value"] == 1
    assert (after["n"], after["m"]) == (5, 0)  # two new people; no ties added


def test_export_writes_everyones_link_privately_and_audited(
    people: App, cli: Any, tmp_path: Path
) -> None:
    code, _ = do_join_link_for(people, pid(people, "ola"))
    do_join(people, code, Joining("=HYPERLINK(1)", "Morecambe"))
    out = tmp_path / "links.csv"
    result = cli(people)("people", "join-links", "--out", str(out), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"out": str(out), "people": 4}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["person"] for r in rows][:3] == ["ola", "pat", "quin"]
    assert rows[0]["link"] == f"http://127.0.0.1:8000/join/{code}" and rows[0]["joins"] == "1"
    assert rows[3]["display_name"] == "'=HYPERLINK(1)"  # csvsafe: never run as a formula
    with people.reading() as s:
        audit = s.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    assert [tuple(a) for a in audit] == [("people.join_links", {"people": 4})]
    again = cli(people)("people", "join-links", "--out", str(out))
    assert again.code == 5 and "already exists" in again.err
    with pytest.raises(Conflict):
        do_export_join_links(people, out, base_url="https://x.example", actor="t")
