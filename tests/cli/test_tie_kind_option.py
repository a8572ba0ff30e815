"""``--tie-kind`` on ``spread``, ``seeds`` and ``roles``: only the kinds chosen reach the
engines, and every answer says which kinds it read, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from groundswell.app import App
from groundswell.store.models import Person, Recruitment, Tie

# knows: a path a-b-c-d-e; health_talk: a star around f; both: one pair (a, f).
KNOWS = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("a", "f")]
HEALTH_TALK = [("f", "a"), ("f", "g"), ("f", "h")]


@pytest.fixture
def movement(db_app: App) -> App:
    with db_app.transaction() as session:
        people = {ref: Person(ref=ref, town="Morecambe") for ref in "abcdefgh"}
        session.add_all(people.values())
        session.flush()
        for kind, pairs in (("knows", KNOWS), ("health_talk", HEALTH_TALK)):
            session.add_all(
                Tie(source_id=people[x].id, target_id=people[y].id, kind=kind) for x, y in pairs
            )
        session.add(Recruitment(recruiter_id=people["f"].id, recruit_id=people["g"].id))
    return db_app


def _json(run: Callable[..., Any], *argv: str) -> dict[str, Any]:
    result = run(*argv, "--json")
    assert result.code == 0, result.err
    doc: dict[str, Any] = json.loads(result.out)
    return doc


def test_each_command_reads_only_the_kinds_chosen(movement: App, cli: Any) -> None:
    run = cli(movement)
    spread = ["spread", "db", "--model", "direct", "--p", "1", "--seeds", "f"]
    seeds = ["seeds", "db", "--model", "direct", "--p", "1", "--target", "0.5"]
    for argv in (spread, seeds, ["roles", "db"]):
        every = _json(run, *argv)
        talk = _json(run, *argv, "--tie-kind", "health_talk")
        both = _json(run, *argv, "--tie-kind", "health_talk", "--tie-kind", "knows")
        assert every["tie_kinds"]["used"] == {"health_talk": 3, "knows": 5}
        assert talk["tie_kinds"] == {
            "used": {"health_talk": 3},
            "directed": False,
            "statement": "tie kinds: health_talk (3); each tie read both ways",
        }
        assert both["tie_kinds"] == every["tie_kinds"]
        if "m" in every:
            assert (every["m"], talk["m"]) == (7, 3)  # a-f is one tie read both ways
    # Direct contact from f: through knows only a; through health_talk a, g and h.
    assert _json(run, *spread, "--tie-kind", "knows")["reach_mean"] == 2.0
    assert _json(run, *spread, "--tie-kind", "health_talk")["reach_mean"] == 4.0


def test_human_output_states_the_kinds(movement: App, cli: Any) -> None:
    run = cli(movement)
    statement = "tie kinds: knows (5); each tie read both ways"
    for argv in (
        ["spread", "db", "--random-seeds", "2", "--p", "0.5", "--runs", "20"],
        ["seeds", "db", "--model", "direct", "--p", "1", "--k", "2"],
        ["roles", "db"],
    ):
        result = run(*argv, "--tie-kind", "knows")
        assert result.code == 0, result.err
        assert statement in " ".join(result.out.split())  # the table may wrap it


def test_directed_reading_is_stated(movement: App, cli: Any) -> None:
    doc = _json(
        cli(movement), "seeds", "db", "--model", "direct", "--p", "1", "--k", "1",
        "--directed", "--tie-kind", "health_talk",
    )  # fmt: skip
    assert doc["tie_kinds"]["directed"] is True
    assert doc["tie_kinds"]["statement"].endswith("each tie read one way, as named")
    assert doc["seeds"] == ["f"]


def test_an_unknown_kind_is_refused_naming_the_kinds_there_are(movement: App, cli: Any) -> None:
    run = cli(movement)
    for argv in (
        ["spread", "db", "--random-seeds", "1", "--p", "0.1"],
        ["seeds", "db", "--k", "1", "--p", "0.1"],
        ["roles", "db"],
    ):
        result = run(*argv, "--tie-kind", "helth_talk")
        assert result.code == 3
        assert "--tie-kind helth_talk: no ties of that kind" in result.err
        assert "health_talk (3), knows (5)" in result.err


def test_an_edge_list_has_no_kinds_to_choose(movement: App, cli: Any, tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\na,b\nb,c\n", encoding="utf-8")
    run = cli(movement)
    for argv in (
        ["spread", str(edges), "--random-seeds", "1", "--p", "0.1"],
        ["seeds", str(edges), "--k", "1", "--p", "0.1"],
        ["roles", str(edges)],
    ):
        result = run(*argv, "--tie-kind", "knows")
        assert result.code == 3 and "is an edge list, whose ties have no kinds" in result.err
    plain = run("spread", str(edges), "--random-seeds", "1", "--p", "0.1", "--json")
    assert plain.code == 0 and "tie_kinds" not in json.loads(plain.out)


def test_roles_keep_recruitment_whatever_the_kinds(movement: App, cli: Any) -> None:
    run = cli(movement)
    for kinds in ([], ["--tie-kind", "knows"], ["--tie-kind", "health_talk"]):
        doc = _json(run, "roles", "db", *kinds)
        assert doc["indicators"]["recruitment_depth"]["value"] == 1
