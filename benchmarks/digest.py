"""The weekly digest for the 20,000-person demo through a local SMTP server: time, rate, CPU.

Builds the demo movement (``--seed``, ``--people``) in a fresh database,
starts an SMTP sink (aiosmtpd) in a process of its own that keeps every
Message-ID it receives, queues this week's digest job and runs
``groundswell worker --once`` as it would run from cron: the job writes one
digest per person with an email and consent to contact, and the worker
sends them all. Reports the wall time from the worker's start to its exit,
messages a second, the worker's CPU (user + system, from ``wait4``) and
the load average, then checks that every digest row arrived at the sink
exactly as queued: zero lost (each row's Message-ID seen), and how many
arrived twice (none, without a crash). Target: under 2 minutes on 2 cores.

Usage::

    .venv/bin/python benchmarks/digest.py [--people 20000] [--connections 4] [--batch 500]
    .venv/bin/python benchmarks/digest.py --postgres postgresql+psycopg://u:p@127.0.0.1/scratch

With ``--postgres`` the named database is emptied (public schema dropped)
and migrated first: give it a scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

TARGET_SECONDS = 120.0


def sink_process(port: int, ready: Any, conn: Connection) -> None:
    """An SMTP server that keeps the Message-ID of each message; sends them back when asked."""
    from aiosmtpd.controller import Controller

    seen: list[str] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            head = envelope.content.split(b"\r\n\r\n", 1)[0]
            for line in head.split(b"\r\n"):
                if line[:11].lower() == b"message-id:":
                    seen.append(line[11:].strip().decode())
                    break
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    conn.recv()  # "stop"
    controller.stop()
    conn.send(seen)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--out", type=Path, default=None, help="append the report to this file")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from groundswell.actions.demo import do_build_demo
    from groundswell.actions.outbox import enqueue_job
    from groundswell.app import App
    from groundswell.cli.worker import site_key
    from groundswell.mail.compose import mail_config, message_id
    from groundswell.settings import load_settings
    from groundswell.store.models import OutboxMessage, Person, utcnow

    data = Path(tempfile.mkdtemp(prefix="gs-digest-"))
    url = args.postgres or f"sqlite:///{data / 'gs.db'}"
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.conftest import reset_postgres

        reset_postgres(url)
    base_url = "https://groundswell.example.org"
    app = App.build(load_settings({}, data_dir=data, database_url=url, base_url=base_url))
    app.upgrade()
    started = time.perf_counter()
    do_build_demo(app, args.seed, args.people, today=date.today())
    built = time.perf_counter() - started
    with app.reading() as session:
        expected = int(
            session.scalar(
                select(func.count()).where(Person.email.is_not(None), Person.consent_contact)
            )
            or 0
        )
    with app.transaction() as session:
        enqueue_job(session, kind="digest", payload={}, run_at=utcnow(), dedupe_key="bench")

    port = free_port()
    ready = mp.Event()
    ours, theirs = mp.Pipe()
    sink = mp.Process(target=sink_process, args=(port, ready, theirs), daemon=True)
    sink.start()
    ready.wait(30)

    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GROUNDSWELL_")}
    env.update(
        GROUNDSWELL_DATABASE_URL=app.engine.url.render_as_string(hide_password=False),
        GROUNDSWELL_DATA_DIR=str(data),
        GROUNDSWELL_SMTP_URL=f"smtp://127.0.0.1:{port}?connections={args.connections}",
        # The most allowed: measure the worker, not the throttle.
        GROUNDSWELL_MAIL_PER_SECOND="10000",
        GROUNDSWELL_BASE_URL=base_url,
    )
    load_before = os.getloadavg()[0]
    command = [sys.executable, "-m", "groundswell", "worker", "--once", "--json",
               "--batch", str(args.batch)]  # fmt: skip
    # The worker is the only child that finishes meanwhile (the sink runs on): the change in
    # the children's rusage is its CPU.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    worker = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = worker.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    load_after = os.getloadavg()[0]
    if worker.returncode != 0:
        sys.exit(f"worker failed ({worker.returncode}): {err.decode()[-2000:]}")
    ours.send("stop")
    seen: list[str] = ours.recv()
    sink.join(10)
    done = json.loads(out)

    config = mail_config(app.settings, site_key(app))
    with app.reading() as session:
        ids = session.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "digest")).all()
    wanted = {message_id(config, i) for i in ids}
    counted = Counter(seen)
    lost = len(wanted - set(counted))
    twice = sum(1 for n in counted.values() if n > 1)
    app.close()

    database = "PostgreSQL" if args.postgres else "SQLite"
    verdict = "ok" if wall < TARGET_SECONDS and lost == 0 else "MISSED"
    stamp = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
    lines = [
        f"# benchmarks/digest.py on {os.cpu_count()} cores, {stamp}, {database}, "
        f"load average {load_before:.2f} at the start, {load_after:.2f} at the end",
        f"demo: {args.people:,} people built in {built:.1f} s; "
        f"{expected:,} with an email and consent",
        f"digest: {len(ids):,} queued; the worker sent {done['sent']:,} messages in all "
        f"(with the day's other scheduled mail), the server received {len(seen):,}",
        f"worker: {wall:.1f} s wall ({len(ids) / wall:,.0f} messages/s), CPU {cpu:.1f} s "
        f"({100 * cpu / wall:.0f}% of one core); {args.connections} SMTP connections, "
        f"batch {args.batch}",
        f"lost: {lost}; received twice: {twice}; "
        f"target < {TARGET_SECONDS:.0f} s and zero lost: {verdict}",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(report + "\n\n")
    if lost or len(ids) != expected:
        sys.exit(1)


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
