"""Voting under load: many concurrent voters against the real server, every vote accounted for.

Starts ``groundswell serve`` on a free loopback port over a fresh database
holding one open conversation with ``--statements`` seed statements. Each of
``--voters`` simulated voters (aiohttp on uvloop: its own cookies and one
keep-alive connection) opens the voting page once for its cookie and CSRF
token. Then, after a 3 s warm-up:

* paced: for ``--seconds`` the voters together offer ``--rate`` votes a second
  (default: the target), each at random (Poisson) times, and every vote's
  latency counts from when it was due (so a queue in the server shows);
* flat out: for ``--flat-out`` seconds every voter votes again as soon as
  the last vote is answered: the most the server takes.

Each line prints votes/s, p50/p99 latency and the server's CPU per vote (all
its processes). At the end the votes stored in the database are counted:
every acknowledged vote (303) must be there.

``--attack``: the paced run is followed by the same run again (the voters'
random schedules restarted, so the same votes are offered at the same
moments) while ``--attackers`` more visitors (default 6) post poisoned
ballots: statement numbers past any column (2**63, 2**31), negative, unknown
and malformed ones, a NUL byte, a bad vote; ``--attack-rate`` of them a
second in all (default 300, 30% of the SQLite target; 0: each attacker back
to back, as fast as the server answers). One voter must not sink everyone's
votes: the honest votes acknowledged under attack must be at least 99% of
those acknowledged without it, with p99 < 100 ms, no poisoned ballot taken
and none lost. (Back to back, six attackers are a flood of requests like
any other, whatever they carry; the rate limits per visitor and per
address, raised here for the honest voters, are what hold a flood back.)

Usage::

    .venv/bin/python benchmarks/load.py [--seconds 60] [--flat-out 20] [--voters 200]
    .venv/bin/python benchmarks/load.py --attack [--attackers 6] [--seconds 20] [--flat-out 0]
    .venv/bin/python benchmarks/load.py --postgres postgresql+psycopg://u:p@127.0.0.1/scratch \\
        [--workers 2]

SQLite runs one worker (one writer at a time); with ``--postgres`` the named
database is emptied (public schema dropped) and migrated first, so give it a
scratch database. Loopback only: the server listens on 127.0.0.1. The server's
vote rate limit is raised so the benchmark measures the vote path, not the
limit. The load generator shares the machine's cores with the server (and
PostgreSQL), so on a small machine it takes part of what it measures.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import aiohttp
import httpx
import psutil
import uvloop
from sqlalchemy import create_engine, func, select, text

from groundswell.actions.conversations import do_open_conversation
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import Conversation, Vote

HOST = "127.0.0.1"
SLUG = "load-test"
TARGETS = {"sqlite": 1_000, "postgresql": 2_000}  # votes per second
P99_TARGET_MS = 100.0
TIMEOUT = aiohttp.ClientTimeout(total=30)
LENGTH = re.compile(rb"(?i)\r\ncontent-length: *(\d+)")
CLOSE = re.compile(rb"(?i)\r\nconnection: *close")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VOTES = ("agree", "disagree", "pass")
# What an attacker posts (finding 1 of the second trust review): numbers no column
# holds, negative, unknown (in range, no such statement) and malformed ballots.
POISON = (
    *(f"{ballot}&vote=agree" for ballot in (
        f"tid={2**63}", f"tid={2**31}", "tid=-1", "tid=999999", "tid=x", "tid=%00", "tid=1e9",
        f"tid={'9' * 400}",
    )),
    "tid=1&vote=maybe",
)  # fmt: skip
ATTACK_SHARE = 0.99  # honest votes acknowledged under attack, of those without it


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
    # The product's own command: `groundswell serve` (uvicorn, uvloop and httptools).
    command = [
        sys.executable, "-m", "groundswell", "serve",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
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


def wait_settled(server: psutil.Process, workers: int, limit: float = 60.0) -> None:
    """Wait until every worker has started: the first one answers /healthz while
    the others may still be importing (seconds of CPU each), which would take
    cores from the run and leave the voters' connections with the first worker."""
    stop = time.monotonic() + limit
    before = cpu_seconds(server)
    while time.monotonic() < stop:
        time.sleep(0.5)
        now = cpu_seconds(server)
        # One worker runs in the server's own process; more are its children.
        started = workers == 1 or len(server.children(recursive=True)) >= workers
        if started and now - before < 0.05:  # all quiet: nothing is still starting
            return
        before = now
    raise SystemExit(f"the server's {workers} worker(s) were still busy after {limit:.0f} s")


class Tally:
    def __init__(self) -> None:
        self.acknowledged = 0
        self.attack: Counter[str] = Counter()  # attackers' answers, by status
        self.latencies: list[float] = []  # seconds, vote POSTs only
        self.statuses: Counter[str] = Counter()
        self.elapsed = 0.0
        self.server_cpu = 0.0  # CPU seconds of the server's processes during the phase
        self.database_cpu = 0.0  # and of PostgreSQL's processes (0 on SQLite: in the server)
        self.client_cpu = 0.0  # and of this process (the voters)


@dataclass
class Voter:
    """One person: their own cookie and CSRF token, and one keep-alive connection.

    The voting page is fetched with aiohttp (cookies, redirects, the works).
    Votes then go over a plain HTTP/1.1 keep-alive connection written by hand:
    the request is a few preformatted bytes and the answer a status line and
    headers, which costs the voters a fraction of a general client's CPU, and
    on a small machine every cycle the voters spend is taken from the server.
    """

    session: aiohttp.ClientSession
    rng: random.Random
    port: int
    head: bytes = b""  # the vote request's headers, up to the Content-Length value
    form: str = ""
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def join(self, tally: Tally) -> None:
        """Open the voting page for the visitor cookie and the form's CSRF token."""
        started = time.perf_counter()
        try:
            async with self.session.get(f"/conversations/{SLUG}") as page:
                body = await page.text()
                status = page.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            tally.statuses[type(exc).__name__] += 1
            return
        tally.latencies.append(time.perf_counter() - started)
        found = CSRF.search(body)
        if status != 200 or not found:
            tally.statuses[f"page {status}"] += 1
            return
        tally.acknowledged += 1
        cookies = self.session.cookie_jar.filter_cookies(page.url)
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
        self.form = f"csrf_token={quote(found.group(1))}"
        self.head = (
            f"POST /conversations/{SLUG}/vote HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: "
        ).encode()

    async def post_vote(self, form: str) -> int:
        """POST one vote on the kept connection; the status code."""
        if self.connection is None:
            self.connection = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.connection
        body = form.encode()
        writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await reader.readuntil(b"\r\n\r\n")
        length = LENGTH.search(head)
        if length is None:
            raise ConnectionError("an answer without Content-Length")
        await reader.readexactly(int(length.group(1)))
        if CLOSE.search(head):
            writer.close()
            self.connection = None
        return int(head[9:12])

    async def vote(
        self, stop: float, statements: int, tally: Tally, interval: float | None, start: float
    ) -> None:
        """Vote until ``stop``: back to back, or at random (Poisson) times ``interval`` s apart.

        Paced votes are timed from when they were due, not from when they were
        sent, so a slow server cannot hide its queue (coordinated omission:
        Tene, "How NOT to measure latency", 2015; wrk2 does the same).
        """
        if not self.head:
            return
        due = start  # the phase's start: a restarted schedule offers the same votes again
        while True:
            if interval is not None:
                due += self.rng.expovariate(1.0 / interval)
                if due >= stop:
                    return
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            elif time.perf_counter() >= stop:
                return
            started = due if interval is not None else time.perf_counter()
            tid = self.rng.randrange(statements)
            try:
                status = await asyncio.wait_for(
                    self.post_vote(f"{self.form}&tid={tid}&vote={self.rng.choice(VOTES)}"), 30
                )
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                tally.statuses[type(exc).__name__] += 1
                self.connection = None
                continue
            tally.latencies.append(time.perf_counter() - started)
            if status in (200, 303):
                tally.acknowledged += 1
            else:
                tally.statuses[str(status)] += 1

    async def attack(self, stop: float, tally: Tally, interval: float | None) -> None:
        """Post poisoned ballots until ``stop``, at random (Poisson) times ``interval`` s
        apart or back to back (None); count the answers."""
        if not self.head:
            return
        k, due = 0, time.perf_counter()
        while time.perf_counter() < stop:
            if interval is not None:
                due += self.rng.expovariate(1.0 / interval)
                if due >= stop:
                    return
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            poison = POISON[k % len(POISON)]
            k += 1
            try:
                status = await asyncio.wait_for(self.post_vote(f"{self.form}&{poison}"), 30)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                tally.attack[type(exc).__name__] += 1
                self.connection = None
                continue
            tally.attack[str(status)] += 1

    async def close(self) -> None:
        await self.session.close()
        if self.connection is not None:
            self.connection[1].close()


def database_cpu_seconds() -> float:
    """User + system CPU of the local PostgreSQL server processes so far (0 when none)."""
    total = 0.0
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in ("postgres", "postmaster"):
            try:
                times = process.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total += times.user + times.system
    return total


def cpu_seconds(server: psutil.Process) -> float:
    """User + system CPU of the server and its worker processes so far."""
    total = 0.0
    for process in [server, *server.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def phase(
    voters: list[Voter],
    seconds: float,
    statements: int,
    rate: float | None,
    server: psutil.Process,
    attackers: Sequence[Voter] = (),
    attack_rate: float = 0.0,
) -> Tally:
    """Every voter votes for ``seconds``: ``rate`` votes/s in all, or flat out when None;
    the ``attackers`` post poisoned ballots meanwhile."""
    tally = Tally()
    interval = None if rate is None else len(voters) / rate
    cpu, own, db = cpu_seconds(server), time.process_time(), database_cpu_seconds()
    started = time.perf_counter()
    stop = started + seconds
    await asyncio.gather(
        *(v.vote(stop, statements, tally, interval, started) for v in voters),
        *(
            a.attack(stop, tally, len(attackers) / attack_rate if attack_rate else None)
            for a in attackers
        ),
    )
    tally.elapsed = time.perf_counter() - started
    tally.server_cpu = cpu_seconds(server) - cpu
    tally.database_cpu = database_cpu_seconds() - db
    tally.client_cpu = time.process_time() - own
    return tally


async def drive(
    base: str, args: argparse.Namespace, rate: float, server: psutil.Process
) -> list[tuple[str, Tally, float | None]]:
    """Join every voter, warm up, then the paced run (again under attack) and the flat-out run."""
    people = [
        Voter(
            aiohttp.ClientSession(
                base,
                connector=aiohttp.TCPConnector(limit=1),
                cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: cookies from an IP address
                timeout=TIMEOUT,
            ),
            random.Random(args.seed * 100_003 + i),
            int(base.rsplit(":", 1)[1]),
        )
        for i in range(args.voters + (args.attackers if args.attack else 0))
    ]
    voters, attackers = people[: args.voters], people[args.voters :]

    def restart_schedules() -> None:  # the same votes at the same moments, run after run
        for i, voter in enumerate(voters):
            voter.rng.seed(args.seed * 100_003 + i + 7)

    try:
        joined = Tally()
        started = time.monotonic()
        await asyncio.gather(*(v.join(joined) for v in people))
        joined.elapsed = time.monotonic() - started
        phases = [("warm-up", await phase(voters, 3.0, args.statements, rate, server), rate)]
        restart_schedules()
        phases.append(
            ("paced", await phase(voters, args.seconds, args.statements, rate, server), rate)
        )
        if attackers:
            restart_schedules()
            attacked = await phase(
                voters, args.seconds, args.statements, rate, server, attackers, args.attack_rate
            )
            phases.append(("attacked", attacked, rate))
        if args.flat_out:
            flat = await phase(voters, args.flat_out, args.statements, None, server)
            phases.append(("flat out", flat, None))
        print(
            f"joined   {joined.acknowledged:,} of {len(people)} voters in {joined.elapsed:.1f} s"
            f" (voting page p50 {1000 * percentile(joined.latencies, 0.5):.0f} ms)"
        )
        return phases
    finally:
        await asyncio.gather(*(v.close() for v in people))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def report_phase(name: str, tally: Tally, target: float, offered: float | None) -> None:
    """One line per phase. Judged: the paced run on rate and p99 (latency at the target
    rate), the flat-out run on rate only (back-to-back voters queue by design: with
    200 of them, latency is 200 / rate); the warm-up is shown, not judged."""
    rate = tally.acknowledged / tally.elapsed
    p50, p99 = (1000 * percentile(tally.latencies, q) for q in (0.50, 0.99))
    if name == "warm-up":
        rate_ok = p99_ok = ""
    elif offered is None:
        rate_ok, p99_ok = verdict(rate >= target), ""
    else:
        rate_ok, p99_ok = verdict(rate >= 0.99 * offered), verdict(p99 < P99_TARGET_MS)
    offer = "flat out" if offered is None else f"offered {offered:,.0f}/s"
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())) or "none"
    print(
        f"{name:<8} {offer:<17} {rate:8,.0f} votes/s {rate_ok:<6}"
        f"  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms {p99_ok:<6}"
        f"  CPU ms/vote: server {1000 * tally.server_cpu / max(1, tally.acknowledged):.2f}"
        f" voters {1000 * tally.client_cpu / max(1, tally.acknowledged):.2f}"
        f" database {1000 * tally.database_cpu / max(1, tally.acknowledged):.2f}"
        f"  errors: {errors}"
    )


def report_attack(calm: Tally, attacked: Tally, args: argparse.Namespace) -> None:
    """Honest votes acknowledged under attack against the same run without it."""
    share = attacked.acknowledged / max(1, calm.acknowledged)
    p99 = 1000 * percentile(attacked.latencies, 0.99)
    sent = sum(attacked.attack.values())
    taken = attacked.attack.get("303", 0)
    server_errors = sum(n for status, n in attacked.attack.items() if status.startswith("5"))
    answers = ", ".join(f"{k}: {v:,}" for k, v in sorted(attacked.attack.items())) or "none"
    pace = f"at {args.attack_rate:,.0f}/s" if args.attack_rate else "back to back"
    ok = share >= ATTACK_SHARE and p99 < P99_TARGET_MS and taken == 0 and server_errors == 0
    print(
        f"attack   {args.attackers} attackers {pace}, {sent:,} poisoned ballots ({answers});"
        f" honest acknowledged {attacked.acknowledged:,} of {calm.acknowledged:,} without attack"
        f" ({100 * share:.2f}%, target >= {100 * ATTACK_SHARE:.0f}%),"
        f" p99 {p99:.1f} ms   {verdict(ok)}"
    )


def report(kind: str, workers: int, args: argparse.Namespace, phases, stored: int) -> None:
    target = TARGETS[kind]
    print(
        f"{kind}, {workers} worker(s), {args.voters} voters, {os.cpu_count()} cores; "
        f"targets: >= {target:,} votes/s, p99 < {P99_TARGET_MS:.0f} ms, 0 lost"
    )
    for name, tally, offered in phases:
        report_phase(name, tally, target, offered)
    by_name = {name: tally for name, tally, _ in phases}
    if "attacked" in by_name:
        report_attack(by_name["paced"], by_name["attacked"], args)
    acknowledged = sum(tally.acknowledged for _, tally, _ in phases)
    lost = acknowledged - stored
    print(
        f"acknowledged {acknowledged:,}   stored {stored:,}   lost {lost:,}   {verdict(lost == 0)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="the paced run's length")
    parser.add_argument("--flat-out", type=float, default=20.0, metavar="SECONDS",
                        help="then voters vote back to back this long (0: skip)")  # fmt: skip
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--rate", type=float, default=None,
                        help="votes/s offered in the paced run (default: the target)")  # fmt: skip
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--attack",
        action="store_true",
        help="run the paced run again while attackers post poisoned ballots",
    )
    parser.add_argument("--attackers", type=int, default=6, help="with --attack (default 6)")
    parser.add_argument("--attack-rate", type=float, default=300.0,
                        help="poisoned ballots/s in all (0: back to back)")  # fmt: skip
    parser.add_argument("--postgres", metavar="URL", help="a scratch PostgreSQL database (emptied)")
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (PostgreSQL: 2)"
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 0 <= args.flat_out <= 3600:
        parser.error("--seconds and --flat-out must be between 0 and 3600")
    kind = "postgresql" if args.postgres else "sqlite"
    workers = args.workers or (2 if args.postgres else 1)
    if kind == "sqlite" and workers != 1:
        parser.error("SQLite runs one worker: it has one writer at a time")
    rate = args.rate or TARGETS[kind]

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
        phases = []
        try:
            wait_ready(base, server)
            wait_settled(psutil.Process(server.pid), workers)
            phases = uvloop.run(drive(base, args, rate, psutil.Process(server.pid)))
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        report(kind, workers, args, phases, stored_votes(url))


if __name__ == "__main__":
    main()
