"""Voting under load: many concurrent voters against the real server, every vote accounted for.

Starts uvicorn on ``groundswell.web:create_app`` (the factory ``groundswell
serve`` runs) on a free loopback port, over a fresh database holding one open
conversation with ``--statements`` seed statements. ``--voters`` simulated
voters (asyncio + httpx, one client each, sharing a connection limit) each GET
the voting page for cookies and a CSRF token, then POST votes in a loop until
``--seconds`` have passed. Afterwards the votes stored in the database are
counted: every acknowledged vote (303) must be stored.

Usage::

    .venv/bin/python benchmarks/load.py [--seconds 60] [--voters 200]
    .venv/bin/python benchmarks/load.py --postgres postgresql+psycopg://u:p@127.0.0.1/scratch \\
        --workers 4

SQLite runs one worker (one writer at a time); with ``--postgres`` the named
database is emptied (public schema dropped) and migrated first, so give it a
scratch database. Loopback only: the server listens on 127.0.0.1. The server's
vote rate limit is raised so the benchmark measures the vote path, not the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

from groundswell.actions.conversations import do_open_conversation
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import Conversation, Vote

HOST = "127.0.0.1"
SLUG = "load-test"
TARGETS = {"sqlite": 1_000, "postgresql": 2_000}  # votes per second
P99_TARGET_MS = 100.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VOTES = ("agree", "disagree", "pass")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema: the scratch database starts empty."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(data_dir: Path, url: str, statements: int) -> None:
    """Migrate the database and open one conversation with ``statements`` seeds."""
    gs = App.build(load_settings({}, data_dir=data_dir, database_url=url))
    try:
        gs.upgrade()
        seeds = [
            f"Statement {i}: something that would help people get out more"
            for i in range(statements)
        ]
        do_open_conversation(
            gs, topic="Load test", question="What would help?", seeds=seeds, slug=SLUG
        )
    finally:
        gs.close()


def stored_votes(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = (
                select(func.count(Vote.id))
                .join(Conversation, Vote.conversation_id == Conversation.id)
                .where(Conversation.slug == SLUG)
            )
            return conn.scalar(query)
    finally:
        engine.dispose()


def start_server(data_dir: Path, url: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "GROUNDSWELL_DATA_DIR": str(data_dir),
        "GROUNDSWELL_DATABASE_URL": url,
        "GROUNDSWELL_VOTES_PER_MINUTE": "10000000",
        "GROUNDSWELL_COOKIE_SECURE": "false",  # plain HTTP on loopback
        "GROUNDSWELL_LOG_LEVEL": "warning",
    }
    command = [
        sys.executable, "-m", "uvicorn", "groundswell.web:create_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


def wait_ready(base: str, server: subprocess.Popen, limit: float = 60.0) -> None:
    stop = time.monotonic() + limit
    while time.monotonic() < stop:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer {base}/healthz within {limit:.0f} s")


class Tally:
    def __init__(self) -> None:
        self.acknowledged = 0
        self.latencies: list[float] = []  # seconds, vote POSTs only
        self.statuses: Counter[str] = Counter()


async def voter(
    base: str, limits: httpx.Limits, stop: float, statements: int, seed: int, tally: Tally
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        try:
            page = await client.get(f"/conversations/{SLUG}")
        except httpx.HTTPError as exc:
            tally.statuses[type(exc).__name__] += 1
            return
        found = CSRF.search(page.text)
        if page.status_code != 200 or not found:
            tally.statuses[f"page {page.status_code}"] += 1
            return
        form = {"csrf_token": found.group(1)}
        while time.monotonic() < stop:
            data = {**form, "tid": str(rng.randrange(statements)), "vote": rng.choice(VOTES)}
            started = time.perf_counter()
            try:
                response = await client.post(
                    f"/conversations/{SLUG}/vote", data=data, follow_redirects=False
                )
            except httpx.HTTPError as exc:
                tally.statuses[type(exc).__name__] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            if response.status_code in (200, 303):
                tally.acknowledged += 1
            else:
                tally.statuses[str(response.status_code)] += 1


async def drive(base: str, voters: int, seconds: float, statements: int, connections: int) -> Tally:
    tally = Tally()
    # Each voter has its own client (its own cookies); the shared cap is per client.
    per_voter = httpx.Limits(
        max_connections=max(1, connections // voters), max_keepalive_connections=1
    )
    stop = time.monotonic() + seconds
    await asyncio.gather(
        *(voter(base, per_voter, stop, statements, seed, tally) for seed in range(voters))
    )
    return tally


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def report(
    kind: str, workers: int, args: argparse.Namespace, tally: Tally, elapsed: float, stored: int
) -> None:
    rate = tally.acknowledged / elapsed
    p50, p99 = (1000 * percentile(tally.latencies, q) for q in (0.50, 0.99))
    lost = tally.acknowledged - stored
    target = TARGETS[kind]
    cores = os.cpu_count()
    print(f"{kind}, {workers} worker(s), {args.voters} voters, {args.seconds:.0f} s, {cores} cores")
    print(f"votes/s      {rate:10,.0f}   target >= {target:,}   {verdict(rate >= target)}")
    print(f"p50 latency  {p50:10.1f} ms")
    p99_ok = verdict(p99 < P99_TARGET_MS)
    print(f"p99 latency  {p99:10.1f} ms   target < {P99_TARGET_MS:.0f} ms   {p99_ok}")
    print(
        f"acknowledged {tally.acknowledged:10,}   stored {stored:,}   lost {lost:,}   "
        f"target 0   {verdict(lost == 0)}"
    )
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())) or "none"
    print(f"errors       {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long voters vote")
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--connections", type=int, default=200, help="total connection cap")
    parser.add_argument("--postgres", metavar="URL", help="a scratch PostgreSQL database (emptied)")
    parser.add_argument("--workers", type=int, default=None, help="uvicorn workers (PostgreSQL: 4)")
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600:
        parser.error("--seconds must be between 0 and 3600")
    kind = "postgresql" if args.postgres else "sqlite"
    workers = args.workers or (4 if args.postgres else 1)
    if kind == "sqlite" and workers != 1:
        parser.error("SQLite runs one worker: it has one writer at a time")

    with tempfile.TemporaryDirectory(prefix="gs-load-") as folder:
        data_dir = Path(folder)
        if args.postgres:
            url = args.postgres
            reset_postgres(url)
        else:
            url = f"sqlite:///{data_dir / 'load.db'}"
        prepare(data_dir, url, args.statements)
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = start_server(data_dir, url, port, workers)
        try:
            wait_ready(base, server)
            started = time.monotonic()
            tally = asyncio.run(
                drive(base, args.voters, args.seconds, args.statements, args.connections)
            )
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        report(kind, workers, args, tally, elapsed, stored_votes(url))


if __name__ == "__main__":
    main()
