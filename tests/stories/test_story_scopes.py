"""Story scopes in the actions, on SQLite and PostgreSQL: lists filter in SQL, items answer 404."""

from __future__ import annotations

import pytest

from groundswell.actions.stories import do_moderate, do_respond
from groundswell.actions.story_packs import build_pack, do_add_to_pack, do_create_pack
from groundswell.actions.story_search import search
from groundswell.actions.story_views import pack_candidates, packs_list, story_list, story_view
from groundswell.auth.permissions import Action, Grant, Principal, Role, scopes_for
from groundswell.errors import NotFound
from groundswell.stories.packs import PackStory
from groundswell.stories.workflow import Kind
from scoped_movement import add_scoped_movement


def scopes(role: str, scope: str, action: Action = Action.MODERATE):
    return scopes_for(Principal(1, "x@example.org", "X", (Grant(Role(role), scope),)), action)


def test_finding_4_an_initiative_moderator_sees_only_its_members_stories(db_app):
    m = add_scoped_movement(db_app)
    walk = scopes("moderator", "initiative:walk-leeds")
    listed = {s["id"] for s in story_list(db_app, ["submitted", "approved"], walk)}
    assert listed == {m.leeds_story}  # not York's, not the private one linked to nobody
    assert story_view(db_app, m.leeds_story, staff=True, scopes=walk).title == "Leeds ward"
    for other in (m.york_story, m.nobodys_story):
        with pytest.raises(NotFound):
            story_view(db_app, other, staff=True, scopes=walk)
        with pytest.raises(NotFound):
            do_moderate(db_app, other, Kind.REQUEST_CHANGES, actor="mo", scopes=walk)
        with pytest.raises(NotFound):
            do_respond(db_app, other, "mo", "thank you", scopes=walk)
    everyone = scopes("moderator", "*")
    assert {s["id"] for s in story_list(db_app, ["submitted", "approved"], everyone)} == {
        m.leeds_story, m.york_story, m.nobodys_story}  # fmt: skip


def test_finding_4_staff_search_finds_unpublished_stories_only_within_scope(db_app):
    m = add_scoped_movement(db_app)
    leeds = scopes("moderator", "town:leeds")
    found = {h.id for h in search(db_app, "midwives", include_unpublished=True, scopes=leeds)}
    assert found == {m.leeds_story}
    everyone = {h.id for h in search(db_app, "midwives", include_unpublished=True)}
    assert everyone == {m.leeds_story, m.york_story, m.nobodys_story}


def test_finding_4_a_town_organiser_cannot_pack_or_export_other_towns_stories(db_app):
    m = add_scoped_movement(db_app)
    leeds = scopes("organiser", "town:Leeds", Action.CURATE)
    pack = do_create_pack(db_app, "Listening", actor="olu")
    assert [c["id"] for c in pack_candidates(db_app, pack, leeds)] == [m.leeds_story]
    with pytest.raises(NotFound):
        do_add_to_pack(db_app, pack, m.york_story, actor="olu", scopes=leeds)
    do_add_to_pack(db_app, pack, m.leeds_story, actor="olu", scopes=leeds)
    do_add_to_pack(db_app, pack, m.york_story, actor="admin")  # the operator may
    shown = [s.title for s in build_pack(db_app, pack, leeds).slots if isinstance(s, PackStory)]
    assert shown == ["Leeds ward"]
    assert len(build_pack(db_app, pack).slots) == 2
    assert [p["stories"] for p in packs_list(db_app, leeds)] == [1]  # counts as the pack shows
    assert [p["stories"] for p in packs_list(db_app)] == [2]
