"""Search over stories and initiatives on SQLite (FTS5) and PostgreSQL (full-text)."""

from __future__ import annotations

import pytest

from groundswell.actions.stories import do_moderate, do_share_story, do_withdraw
from groundswell.actions.story_search import search
from groundswell.errors import InvalidInput
from groundswell.store.models import Hand, Initiative, PowerMode
from groundswell.stories.workflow import Kind


def publish(app, title, body):
    shared = do_share_story(app, title=title, body=body, consent="publish", service="maternity")
    do_moderate(app, shared.story_id, Kind.APPROVE, actor="mod")
    do_moderate(app, shared.story_id, Kind.PUBLISH, actor="mod")
    return shared


def test_search_both_kinds_stems_and_hides_unpublished(db_app):
    a = publish(db_app, "Heard at last", "The midwives listened to every worry we had.")
    publish(db_app, "Discharge", "The discharge letter arrived two weeks late.")
    pending = do_share_story(db_app, title="Pending", body="Nobody listened on the ward.",
                             consent="publish")  # fmt: skip
    with db_app.transaction() as s:
        s.add(Initiative(slug="listen", name="Listening circles", purpose="Neighbours who listen",
                         hand=Hand.GRASSROOTS, power_mode=PowerMode.CEDING))  # fmt: skip
    hits = search(db_app, "listening")
    assert {(h.kind, h.title) for h in hits} == {
        ("story", "Heard at last"), ("initiative", "Listening circles"),
    }  # fmt: skip
    assert all("[" in h.snippet for h in hits)
    assert [h.id for h in search(db_app, "discharge letter")] != []
    assert search(db_app, "letter midwives") == []  # every word must match
    staff = search(db_app, "listened", include_unpublished=True)
    assert pending.story_id in {h.id for h in staff if h.kind == "story"}
    do_withdraw(db_app, a.story_id, key=a.withdraw_key)
    assert "Heard at last" not in {h.title for h in search(db_app, "midwives")}


@pytest.mark.parametrize("query", ["", "  ", "!!!"])
def test_empty_search_is_refused(app, query):
    with pytest.raises(InvalidInput, match="empty"):
        search(app, query)


def test_fts_syntax_in_queries_is_harmless(app):
    publish(app, "Quotes", 'She said "NEAR" and OR AND NOT * to me.')
    assert search(app, 'NEAR( "or" *') is not None
