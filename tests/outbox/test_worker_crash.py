"""At-least-once under a crash: kill -9 a worker mid-batch, and several workers on PostgreSQL.

The counts are taken at a real SMTP server: every message arrives; only the
batch in flight when the worker died may arrive twice, with the same Message-ID.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.smtp_sink import SmtpSink

from groundswell.actions.outbox import enqueue_email
from groundswell.app import App
from groundswell.cli.worker import site_key
from groundswell.mail.compose import mail_config, message_id
from groundswell.store.models import OutboxMessage, OutboxStatus


def queue(app: App, n: int) -> list[int]:
    with app.transaction() as session:
        return [
            enqueue_email(session, to=f"person{i}@example.org", kind="digest", subject=f"n{i}",
                          template="pledge_nudge", context={"text": "t", "days": 1, "path": "/"})
            for i in range(n)
        ]  # fmt: skip


def worker_process(app: App, tmp_path: Path, sink: SmtpSink, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GROUNDSWELL_")}
    env.update(
        GROUNDSWELL_DATABASE_URL=app.engine.url.render_as_string(hide_password=False),
        GROUNDSWELL_DATA_DIR=str(tmp_path),
        GROUNDSWELL_SMTP_URL=sink.url + "?connections=1",
        GROUNDSWELL_MAIL_PER_SECOND="10000",
    )
    command = [sys.executable, "-m", "groundswell", "worker", "--once", "--json", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def ids_at(sink: SmtpSink) -> Counter[str]:
    with sink.lock:
        return Counter(str(m["Message-ID"]) for m in sink.messages)


def test_kill_9_mid_batch_loses_nothing_and_resends_only_the_batch_in_flight(
    db_app: App, tmp_path: Path
) -> None:
    ids = queue(db_app, 60)
    with SmtpSink(delay=0.05) as sink:
        first = worker_process(db_app, tmp_path, sink, "--batch", "20", "--lease", "2")
        deadline = time.monotonic() + 60
        while len(sink.messages) < 25 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(sink.messages) >= 25, first.stderr.read() if first.stderr else ""
        first.send_signal(signal.SIGKILL)  # kill -9: no chance to record anything
        first.wait()
        before = ids_at(sink)
        time.sleep(2.5)  # the dead worker's lease runs out
        again = worker_process(db_app, tmp_path, sink, "--batch", "20", "--lease", "2")
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        after = ids_at(sink)
    config = mail_config(db_app.settings, site_key(db_app))
    expected = {message_id(config, i) for i in ids}
    assert set(after) == expected  # nothing lost
    twice = {mid for mid, n in after.items() if n > 1}
    assert all(n <= 2 for n in after.values())
    in_flight = {message_id(config, i) for i in ids[20:40]}  # the second batch of 20
    assert twice <= in_flight and twice <= set(before)  # only what was in flight, same ids
    assert len(twice) <= 20
    with db_app.reading() as session:
        left = session.scalar(select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT))
    assert left == 0


@pytest.mark.postgres
def test_two_workers_on_postgresql_share_the_queue_and_send_each_message_once(
    tmp_path: Path,
) -> None:
    from tests.conftest import postgres_url, reset_postgres

    from groundswell.settings import load_settings

    url = postgres_url()
    if not url:
        pytest.skip("PG_TEST_URL not set: no PostgreSQL server for this run")
    reset_postgres(url)
    app = App.build(load_settings({}, data_dir=tmp_path, database_url=url))
    app.upgrade()
    try:
        ids = queue(app, 100)
        with SmtpSink(delay=0.04) as sink:
            workers = [worker_process(app, tmp_path, sink, "--batch", "5") for _ in range(2)]
            results = [w.communicate(timeout=120) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], results
        sent = [json.loads(out)["sent"] for out, _ in results]
        counted = ids_at(sink)
        config = mail_config(app.settings, site_key(app))
        assert set(counted) == {message_id(config, i) for i in ids}
        assert max(counted.values()) == 1  # SKIP LOCKED: no row was claimed by both
        assert sum(sent) == 100 and min(sent) > 0  # both took part
    finally:
        app.close()


def test_the_looping_worker_sends_what_comes_later_and_stops_on_sigterm(
    app: App, tmp_path: Path
) -> None:
    with SmtpSink() as sink:
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GROUNDSWELL_")}
        env.update(
            GROUNDSWELL_DATABASE_URL=app.engine.url.render_as_string(hide_password=False),
            GROUNDSWELL_DATA_DIR=str(tmp_path),
            GROUNDSWELL_SMTP_URL=sink.url,
        )
        worker = subprocess.Popen([sys.executable, "-m", "groundswell", "worker", "--poll", "0.2"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)  # fmt: skip
        try:
            time.sleep(1.0)
            queue(app, 1)  # added while the worker waits
            deadline = time.monotonic() + 30
            while not sink.messages and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(sink.messages) == 1
        finally:
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert out.startswith("sent 1,")
