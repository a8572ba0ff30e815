"""The admin actions from the command line: campaigns edit, conversations close and link."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from groundswell.actions import initiatives as ia
from groundswell.actions.campaigns import do_create_campaign
from groundswell.actions.conversations import do_open_conversation, initiatives_of
from groundswell.app import App


def test_campaigns_edit_changes_only_what_is_given(
    db_app: App, cli: Callable[..., Callable[..., object]]
) -> None:
    do_create_campaign(db_app, slug="mile", name="Mile", unit="miles", starts_on=date(2026, 1, 1),
                       ends_on=date(2026, 6, 30), group_goal=500)  # fmt: skip
    run = cli(db_app)
    edited = run("campaigns", "edit", "mile", "--name", "A mile a day", "--ends", "-", "--json")
    assert edited.code == 0, edited.err
    info = json.loads(edited.out)
    assert (info["name"], info["ends_on"], info["group_goal"]) == ("A mile a day", None, 500)
    assert info["starts_on"] == "2026-01-01" and info["daily_target"] == 1
    bad = run("campaigns", "edit", "mile", "--ends", "2025-01-01")
    assert bad.code == 3 and "before it starts" in bad.err
    assert run("campaigns", "edit", "nope", "--name", "x").code == 4
    assert json.loads(run("campaigns", "edit", "mile", "--goal", "0", "--json").out)[
        "group_goal"] is None  # fmt: skip


def test_conversations_close_and_link(
    db_app: App, cli: Callable[..., Callable[..., object]]
) -> None:
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="system", power_mode="keeping")
    slug = do_open_conversation(db_app, topic="Walking", question="What would help?").slug
    run = cli(db_app)
    linked = run("conversations", "link", slug, "walk")
    assert linked.code == 0 and "part of walk" in linked.out
    assert initiatives_of(db_app, slug) == frozenset({"walk"})
    assert run("conversations", "link", slug, "nope").code == 4
    assert run("conversations", "link", slug, "-").code == 0
    assert initiatives_of(db_app, slug) == frozenset()
    closed = run("conversations", "close", slug, "--json")
    assert json.loads(closed.out) == {"slug": slug, "open": False}
    again = run("conversations", "close", slug)
    assert again.code == 5 and "already closed" in again.err
