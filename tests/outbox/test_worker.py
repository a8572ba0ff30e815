"""The worker against a real SMTP server: headers, retries, dead letters, opt-outs, files, CLI."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.smtp_sink import SmtpSink

from groundswell.actions.outbox import do_retry, enqueue_email, enqueue_job, list_outbox
from groundswell.actions.worker import (
    WorkerConfig,
    claim_job,
    claim_messages,
    deliver_due,
    run_due_jobs,
    run_once,
)
from groundswell.app import App
from groundswell.mail.compose import MailConfig, message_id, read_unsubscribe_token
from groundswell.mail.transport import FileTransport, smtp_transport
from groundswell.store.models import (
    NotificationOptOut,
    OutboxJob,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)

MAIL = MailConfig(
    key=b"test-key", base_url="https://gs.example.org", org_name="Bay Moves",
    mail_from="hello@gs.example.org",
)  # fmt: skip


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink(refuse=("nobody@example.org",)) as server:
        yield server


def config(sink: SmtpSink, **kw: object) -> WorkerConfig:
    return WorkerConfig(
        mail=MAIL, transport=smtp_transport(sink.url, None, None), per_second=1000.0, **kw
    )  # type: ignore[arg-type]


def queue(app: App, to: str = "ann@example.org", kind: str = "statement_moderated") -> int:
    with app.transaction() as session:
        return enqueue_email(
            session, to=to, kind=kind, subject="Your statement was accepted",
            template="statement_moderated",
            context={"topic": "Moving more", "text": "More <benches>", "decision": "accepted",
                     "path": "/conversations/moving-more"},
        )  # fmt: skip


def status_of(app: App, mid: int) -> OutboxMessage:
    with app.reading() as session:
        row = session.get(OutboxMessage, mid)
        assert row is not None
        return row


def test_a_message_arrives_with_both_parts_a_stable_id_and_one_click_unsubscribe(
    db_app: App, sink: SmtpSink
) -> None:
    mid = queue(db_app)
    done = run_once(db_app, config(sink))
    assert done.sent == 1
    [got] = sink.to("ann@example.org")
    assert got["Message-ID"] == message_id(MAIL, mid)
    assert got["From"] == "Bay Moves <hello@gs.example.org>"
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    link = str(got["List-Unsubscribe"]).strip("<>")
    assert link.startswith("https://gs.example.org/unsubscribe/")
    assert read_unsubscribe_token(MAIL.key, link.rsplit("/", 1)[1]) == (
        "ann@example.org",
        "statement_moderated",
    )
    text = got.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = got.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "More <benches>" in text and "https://gs.example.org/conversations/moving-more" in text
    assert "More &lt;benches&gt;" in html  # the HTML part is escaped, the text part is not
    row = status_of(db_app, mid)
    assert row.status is OutboxStatus.SENT and row.sent_at is not None
    assert row.context == "{}"  # what it said is not kept once it is sent
    assert run_once(db_app, config(sink)).sent == 0  # nothing is sent twice


def test_a_refused_address_is_retried_with_backoff_then_dead_then_retried_by_hand(
    db_app: App, sink: SmtpSink
) -> None:
    good, bad = queue(db_app), queue(db_app, to="nobody@example.org")
    first = run_once(db_app, config(sink, attempts=2))
    assert (first.sent, first.retried) == (1, 1)
    row = status_of(db_app, bad)
    assert row.status is OutboxStatus.QUEUED and row.attempts == 1
    assert row.not_before > utcnow() + timedelta(seconds=50)  # a minute's wait after the first
    assert "550" in (row.last_error or "")
    assert run_once(db_app, config(sink, attempts=2)).retried == 0  # not due yet
    later = utcnow() + timedelta(minutes=2)
    assert run_once(db_app, config(sink, attempts=2), now=later).dead == 1
    assert [r.id for r in list_outbox(db_app, status="dead")] == [bad]
    do_retry(db_app, bad)
    assert status_of(db_app, bad).status is OutboxStatus.QUEUED
    assert status_of(db_app, good).status is OutboxStatus.SENT


def test_a_kind_turned_off_is_skipped_and_others_still_arrive(db_app: App, sink: SmtpSink) -> None:
    from groundswell.actions.outbox import address_hash

    with db_app.transaction() as session:
        session.add(NotificationOptOut(address_hash=address_hash("Ann@Example.org"), kind="digest"))
    off = queue(db_app, kind="digest")
    on = queue(db_app)
    done = run_once(db_app, config(sink))
    assert (done.sent, done.skipped) == (1, 1)
    assert status_of(db_app, off).status is OutboxStatus.SKIPPED
    assert status_of(db_app, on).status is OutboxStatus.SENT


def test_a_claimed_batch_is_claimed_again_only_after_its_lease(app: App) -> None:
    ids = [queue(app) for _ in range(3)]
    now = utcnow()
    with app.transaction() as session:
        assert claim_messages(session, now, 10, timedelta(minutes=5)) == ids
    with app.transaction() as session:  # its worker died: nobody takes them within the lease
        assert claim_messages(session, now + timedelta(minutes=4), 10, timedelta(minutes=5)) == []
    with app.transaction() as session:
        assert claim_messages(session, now + timedelta(minutes=6), 10, timedelta(minutes=5)) == ids
        attempts = session.scalars(select(OutboxMessage.attempts)).all()
    assert attempts == [2, 2, 2]


class _OvertakenTransport:
    """Accepts every message, but only after another worker has taken the batch over
    (this worker's lease ran out while it was sending)."""

    def __init__(self, app: App, later: datetime) -> None:
        self.app, self.later = app, later

    def send(self, messages: Sequence[object]) -> list[str | None]:
        with self.app.transaction() as session:
            assert claim_messages(session, self.later, 10, timedelta(minutes=5))
        return [None] * len(messages)


def test_a_worker_that_outlived_its_lease_leaves_the_new_owners_rows_alone(app: App) -> None:
    mid = queue(app)
    now = utcnow()
    slow = WorkerConfig(mail=MAIL, transport=_OvertakenTransport(app, now + timedelta(minutes=6)))
    assert deliver_due(app, slow, now).sent == 1  # it did hand the message over...
    row = status_of(app, mid)
    # ...but the row is the second worker's now: still sending, under its lease, so the
    # second worker's outcome is the one recorded, not overwritten by the first's.
    assert row.status is OutboxStatus.SENDING
    assert row.lease_until == now + timedelta(minutes=11)
    assert row.attempts == 2


def test_a_job_overtaken_after_its_lease_is_finished_only_by_its_new_owner(app: App) -> None:
    now = utcnow()
    with app.transaction() as session:
        enqueue_job(session, kind="digest", payload={}, run_at=now)

    def slow_job(db: object, kind: str, payload: str, at: datetime) -> None:
        with app.transaction() as session:  # meanwhile another worker takes the job over
            assert claim_job(session, now + timedelta(minutes=6), timedelta(minutes=5))

    config = WorkerConfig(mail=MAIL, transport=FileTransport(Path("unused")), run_job=slow_job)
    assert run_due_jobs(app, config, now).jobs_done == 1
    with app.reading() as session:
        job = session.scalars(select(OutboxJob)).one()
    assert job.status is OutboxStatus.SENDING and job.finished_at is None


def test_without_a_mail_server_messages_are_private_eml_files(app: App, tmp_path: Path) -> None:
    mid = queue(app)
    folder = tmp_path / "outbox-files"
    run_once(app, WorkerConfig(mail=MAIL, transport=FileTransport(folder)))
    [path] = list(folder.iterdir())
    assert path.name == message_id(MAIL, mid).strip("<>") + ".eml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in path.read_bytes()


def test_the_commands_send_list_and_retry(
    app: App, cli: Callable[[App], Callable[..., object]], sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    run = cli(app)
    monkeypatch.setenv("GROUNDSWELL_SMTP_URL", sink.url)
    monkeypatch.setenv("GROUNDSWELL_MAIL_ATTEMPTS", "1")
    good, bad = queue(app), queue(app, to="nobody@example.org")
    result = run("worker", "--once", "--json")
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert json.loads(result.out)["sent"] == 1  # type: ignore[attr-defined]
    assert json.loads(result.out)["dead"] == 1  # type: ignore[attr-defined]
    listed = run("outbox", "list", "--status", "dead", "--json")
    assert [r["id"] for r in json.loads(listed.out)] == [bad]  # type: ignore[attr-defined]
    assert run("outbox", "retry", str(bad)).code == 0  # type: ignore[attr-defined]
    again = run("outbox", "retry", str(good))
    assert again.code == 5 and "only a dead or skipped" in again.err  # type: ignore[attr-defined]
    assert run("outbox", "retry", "999").code == 4  # type: ignore[attr-defined]
    assert len(sink.messages) == 1
