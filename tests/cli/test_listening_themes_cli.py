"""``groundswell listening themes``: run, list, rename, merge and link, with clear refusals."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from sqlalchemy import select

from groundswell.app import App
from groundswell.store.models import AuditEvent

_SPEC = importlib.util.spec_from_file_location(
    "themes_world", Path(__file__).resolve().parents[1] / "actions" / "themes_world.py"
)
assert _SPEC and _SPEC.loader
world = sys.modules.setdefault("themes_world", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(world)


def test_run_list_rename_merge_link(db_app: App, cli) -> None:
    world.build(db_app)
    run = cli(db_app)
    made = run("listening", "themes", "run", "--themes", "3", "--seed", "2", "--json")
    assert made.code == 0, made.err
    found = json.loads(made.out)
    assert found["run"]["texts"] == 45 and found["run"]["seed"] == 2
    ids = {next(w for w in ("park", "wait", "kind") if w in t["label"]): t["id"]
           for t in found["themes"]}  # fmt: skip
    assert len(ids) == 3

    notes = run("listening", "themes", "list", "--source", "notes", "--json")
    assert [t["size"] for t in json.loads(notes.out)["themes"]] == [15]

    renamed = run("listening", "themes", "rename", str(ids["park"]), "Parking")
    assert renamed.code == 0 and "is now 'Parking'" in renamed.out
    merged = run("listening", "themes", "merge", str(ids["park"]), str(ids["wait"]))
    assert merged.code == 0 and "texts moved" in merged.out
    linked = run("listening", "themes", "link", str(ids["park"]), "fair-parking",
                 "--what-changed", "Free parking for carers")  # fmt: skip
    assert linked.code == 0 and "linked to Fair parking" in linked.out

    shown = run("listening", "themes", "list")
    assert "Parking  [acting on: Fair parking]" in shown.out
    with db_app.reading() as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert {"themes.list", "themes.rename", "themes.merge", "themes.link"} <= actions


def test_refusals_are_one_line(db_app: App, cli) -> None:
    run = cli(db_app)
    bad = run("listening", "themes", "run", "--source", "tweets")
    assert bad.code != 0 and "unknown source 'tweets'" in bad.err and "Traceback" not in bad.err
    empty = run("listening", "themes", "list")
    assert empty.code == 0 and "No themes yet" in empty.out
    missing = run("listening", "themes", "rename", "7", "x")
    assert missing.code != 0 and "no theme 7 in the current run" in missing.err
