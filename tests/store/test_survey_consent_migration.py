"""Migration 0014 widens the consent registry's purposes and keeps its rows and its guard."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from groundswell.app import App
from groundswell.store import migrate

ROW = (
    "INSERT INTO consent_events (person_id, purpose, granted, at, source, actor) "
    "VALUES (1, :purpose, true, '2026-01-01 00:00:00', 'paper', 'org')"
)


def test_consent_events_keep_their_rows_and_take_network_survey(db_app: App) -> None:
    migrate.downgrade(db_app.engine, "0013")
    with db_app.engine.begin() as conn:
        conn.execute(text("INSERT INTO people (ref, kind, consent_contact, consent_analytics, "
                          "created_at) VALUES ('p1', 'citizen', false, false, "
                          "'2026-01-01 00:00:00')"))  # fmt: skip
        conn.execute(text(ROW), {"purpose": "research"})
        with pytest.raises(DBAPIError), conn.begin_nested():  # not a purpose before 0014
            conn.execute(text(ROW), {"purpose": "network_survey"})
    migrate.upgrade(db_app.engine)
    migrate.check(db_app.engine)
    with db_app.engine.begin() as conn:
        conn.execute(text(ROW), {"purpose": "network_survey"})
        purposes = conn.execute(text("SELECT purpose FROM consent_events ORDER BY id")).scalars()
        assert list(purposes) == ["research", "network_survey"]
    for sql in (
        "UPDATE consent_events SET granted = false",  # the append-only trigger survived
        ROW.replace(":purpose", "'bogus'"),  # and the CHECK still lists the purposes
    ):
        with pytest.raises(DBAPIError), db_app.engine.begin() as conn:
            conn.execute(text(sql))
    # Going back down drops the new purpose's events with the purpose.
    migrate.downgrade(db_app.engine, "0013")
    with db_app.engine.begin() as conn:
        left = conn.execute(text("SELECT purpose FROM consent_events")).scalars()
        assert list(left) == ["research"]
