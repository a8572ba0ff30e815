"""gather_texts reads every source through its own gate: the personal-data hold, moderation,
story consent and open flags; the public page's stricter rule on top."""

from __future__ import annotations

import pytest
from themes_world import build

from groundswell.actions.themes_gather import (
    check_sources,
    gather_texts,
    publishable,
    quotable,
    readable,
)
from groundswell.app import App
from groundswell.errors import InvalidInput
from groundswell.store.models import Comment, HarvestNote, NoteStatus, Story, StoryStatus


def test_each_source_passes_its_gate_only(db_app: App) -> None:
    world = build(db_app)
    texts = gather_texts(db_app, {"notes", "comments", "statements", "stories"})
    ids = {s: [t.source_id for t in texts if t.source == s] for s in check_sources(None)}
    assert ids["notes"] == world.notes  # the held note with a phone number is not read
    assert ids["comments"] == world.comments  # nor the rejected comment
    assert ids["statements"] == world.statements  # nor one waiting in a pre-moderated conversation
    # Published and approved stories with training or publish consent; not private, not flagged.
    assert ids["stories"] == world.stories
    assert all("07700" not in t.text for t in texts)
    assert {t.town for t in texts if t.source == "statements"} == {"Lancaster"}  # the author's


def test_sources_filter_and_unknown_source(db_app: App) -> None:
    world = build(db_app)
    texts = gather_texts(db_app, {"comments"})
    assert [t.source_id for t in texts] == world.comments
    assert {t.source for t in gather_texts(db_app, set())} == set(check_sources(None))
    with pytest.raises(InvalidInput, match="unknown source 'tweets'"):
        gather_texts(db_app, {"tweets"})


def test_a_release_or_a_withdrawal_changes_what_is_read(db_app: App) -> None:
    world = build(db_app)
    with db_app.transaction() as s:
        s.get(HarvestNote, world.held_note).status = NoteStatus.VISIBLE  # an organiser releases it
        s.get(Comment, world.comments[0]).status = NoteStatus.REJECTED
        s.get(Story, world.stories[0]).status = StoryStatus.WITHDRAWN
    keys = [("notes", world.held_note), ("comments", world.comments[0]),
            ("stories", world.stories[0]), ("stories", world.stories[2])]  # fmt: skip
    with db_app.reading() as s:
        found = readable(s, keys)
    assert set(found) == {("notes", world.held_note), ("stories", world.stories[2])}


def test_public_rule_needs_published_stories_and_no_personal_data(db_app: App) -> None:
    world = build(db_app)
    with db_app.transaction() as s:
        s.get(HarvestNote, world.held_note).status = NoteStatus.VISIBLE
    keys = [("notes", world.held_note), ("notes", world.notes[0]),
            ("stories", world.stories[0]), ("stories", world.stories[2])]  # fmt: skip
    with db_app.reading() as s:
        public = publishable(s, keys)
    # An approved story with training consent is read by organisers but never counted in public.
    assert set(public) == {("notes", world.held_note), ("notes", world.notes[0]),
                           ("stories", world.stories[0])}  # fmt: skip
    # Released by an organiser, a note with a phone number still counts but is never quoted.
    assert not quotable(public[("notes", world.held_note)])
    assert quotable(public[("notes", world.notes[0])])
