"""enqueue_email and enqueue_job write in the caller's transaction, committed or rolled back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from groundswell.actions.outbox import enqueue_email, enqueue_job
from groundswell.app import App
from groundswell.errors import InvalidInput
from groundswell.store.models import OutboxJob, OutboxMessage, OutboxStatus


def _count(app: App, model: type[OutboxMessage] | type[OutboxJob]) -> int:
    with app.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_committed_email_is_queued_with_its_context(db_app: App) -> None:
    when = datetime(2026, 12, 6, 9, tzinfo=UTC)
    with db_app.transaction() as session:
        mid = enqueue_email(
            session,
            to="ann@example.org",
            kind="statement_moderated",
            subject="Your statement\nwas accepted",
            template="statement_moderated",
            context={"topic": "Moving more", "at": when},
        )
    with db_app.reading() as session:
        row = session.get(OutboxMessage, mid)
        assert row is not None
        assert row.status is OutboxStatus.QUEUED
        assert row.subject == "Your statement was accepted"
        assert json.loads(row.context) == {"topic": "Moving more", "at": when.isoformat()}


def test_a_rolled_back_action_leaves_no_email_and_no_job(db_app: App) -> None:
    with pytest.raises(RuntimeError), db_app.transaction() as session:
        enqueue_email(
            session,
            to="ann@example.org",
            kind="statement_moderated",
            subject="s",
            template="statement_moderated",
            context={},
        )
        enqueue_job(session, kind="digest", payload={}, run_at=datetime.now(UTC))
        raise RuntimeError("the action failed after enqueueing")
    assert _count(db_app, OutboxMessage) == 0
    assert _count(db_app, OutboxJob) == 0


def test_the_same_dedupe_key_is_one_job(db_app: App) -> None:
    run_at = datetime.now(UTC) + timedelta(days=1)
    with db_app.transaction() as session:
        first = enqueue_job(session, kind="digest", payload={"w": 1}, run_at=run_at, dedupe_key="k")
    with db_app.transaction() as session:
        again = enqueue_job(session, kind="digest", payload={"w": 2}, run_at=run_at, dedupe_key="k")
        other = enqueue_job(session, kind="digest", payload={}, run_at=run_at, dedupe_key="k2")
    assert first == again != other
    assert _count(db_app, OutboxJob) == 2


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("to", "not-an-address", "not an email address"),
        ("to", "a@b.org, c@d.org", "not an email address"),
        ("template", "../base", "no email template"),
        ("template", "nothing_like_it", "no email template"),
        ("kind", "", "message kind"),
    ],
)
def test_bad_arguments_are_refused_with_what_to_change(
    app: App, field: str, value: str, says: str
) -> None:
    args: dict[str, object] = {
        "to": "ann@example.org",
        "kind": "k",
        "subject": "s",
        "template": "statement_moderated",
        "context": {},
    }
    args[field] = value
    with pytest.raises(InvalidInput, match=says), app.transaction() as session:
        enqueue_email(session, **args)  # type: ignore[arg-type]
