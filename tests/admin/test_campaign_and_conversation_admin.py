"""Creating and editing campaigns, closing and linking conversations, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from groundswell.actions import initiatives as ia
from groundswell.actions.campaign_admin import do_add_campaign, do_edit_campaign
from groundswell.actions.campaigns import do_log_activity
from groundswell.actions.conversation_admin import (
    do_close_conversation,
    do_link_conversation,
    initiative_choices,
)
from groundswell.actions.conversations import do_open_conversation, initiatives_of
from groundswell.app import App
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import AuditEvent, Campaign


def _actions(app: App) -> list[tuple[str, str]]:
    with app.reading() as s:
        return [(e.action, e.actor) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_add_and_edit_a_campaign(db_app: App, add_people: Callable[..., None]) -> None:
    add_people(db_app, [("p1", "Leeds")])
    do_add_campaign(db_app, slug="mile", name="Mile", unit="miles", starts_on=date(2026, 1, 1),
                    actor="olu@example.org")  # fmt: skip
    with pytest.raises(Conflict):
        do_add_campaign(db_app, slug="mile", name="Again", unit="miles", starts_on=date(2026, 1, 1))
    edited = do_edit_campaign(db_app, "mile", name=" A mile a day ", starts_on=date(2026, 1, 1),
                              ends_on=date(2026, 12, 31), daily_target=2, group_goal=1000,
                              actor="olu@example.org")  # fmt: skip
    assert (edited.name, edited.daily_target, edited.group_goal) == ("A mile a day", 2, 1000)
    assert _actions(db_app) == [("campaigns.create", "olu@example.org"),
                                ("campaigns.edit", "olu@example.org")]  # fmt: skip
    do_log_activity(db_app, campaign="mile", person="p1", day=date(2026, 2, 10), amount=1)
    # Logged days stay inside the campaign.
    with pytest.raises(InvalidInput, match="days are logged from 2026-02-10"):
        do_edit_campaign(db_app, "mile", name="Mile", starts_on=date(2026, 3, 1), ends_on=None,
                         daily_target=1, group_goal=None)  # fmt: skip
    with pytest.raises(InvalidInput, match="up to 2026-02-10"):
        do_edit_campaign(db_app, "mile", name="Mile", starts_on=date(2026, 1, 1),
                         ends_on=date(2026, 2, 1), daily_target=1, group_goal=None)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": " "}, "name of 1 to 160"),
        ({"daily_target": 0}, "out of range"),
        ({"daily_target": 101}, "out of range"),
        ({"group_goal": -1}, "more than 0"),
        ({"ends_on": date(2025, 1, 1)}, "before it starts"),
    ],
)
def test_refused_edits_change_nothing(db_app: App, changes: dict[str, object], words: str) -> None:
    do_add_campaign(db_app, slug="mile", name="Mile", unit="miles", starts_on=date(2026, 1, 1))
    values: dict[str, object] = {"name": "New", "starts_on": date(2026, 1, 1), "ends_on": None,
                                 "daily_target": 1.0, "group_goal": None, **changes}  # fmt: skip
    with pytest.raises(InvalidInput, match=words):
        do_edit_campaign(db_app, "mile", **values)  # type: ignore[arg-type]
    with db_app.reading() as s:
        assert s.scalars(select(Campaign.name)).one() == "Mile"
    with pytest.raises(NotFound):
        do_edit_campaign(db_app, "nope", name="x", starts_on=date(2026, 1, 1), ends_on=None,
                         daily_target=1, group_goal=None)  # fmt: skip


def test_close_and_link_a_conversation(db_app: App) -> None:
    ia.do_create_initiative(db_app, slug="walk", name="Walk", hand="system", power_mode="keeping")
    opened = do_open_conversation(db_app, topic="Walking", question="What would help?",
                                  moderation="post", seeds=[])  # fmt: skip
    assert initiative_choices(db_app) == {"walk": "Walk"}
    linked = do_link_conversation(db_app, opened.slug, "walk", actor="mo@example.org")
    assert linked.open and initiatives_of(db_app, opened.slug) == frozenset({"walk"})
    with pytest.raises(NotFound):
        do_link_conversation(db_app, opened.slug, "nope")
    assert initiatives_of(db_app, opened.slug) == frozenset({"walk"})
    do_link_conversation(db_app, opened.slug, None)
    assert initiatives_of(db_app, opened.slug) == frozenset()
    assert not do_close_conversation(db_app, opened.slug, actor="mo@example.org").open
    with pytest.raises(Conflict, match="already closed"):
        do_close_conversation(db_app, opened.slug)
    with pytest.raises(NotFound):
        do_close_conversation(db_app, "nope")
    assert ("conversations.close", "mo@example.org") in _actions(db_app)
