"""Check-in at the door under load: 200 check-ins from 4 phones within a minute, none lost.

Starts ``groundswell serve`` on a free loopback port over a fresh database
holding one event with ``--people`` RSVPs (default 200) and one host, whose
account is linked to the host's person record. Four "phones" (aiohttp
sessions, each signed in as the host) share the list: each phone, for each of
its people, types the first letters of the name (the htmx search,
``GET /events/<slug>/check-in?q=...``) and ticks the person in (the htmx
``POST /events/<slug>/check-in/<rsvp>``), paced so that all ticks are offered
within ``--seconds`` (default 50). ``--overlap`` of the people (default 10%)
are ticked a second time by another phone at about the same moment, as
happens when two hosts see the same face: the tick is idempotent, so they
must make no second attendance and no error.

Afterwards the attendances stored are counted: every acknowledged tick (200
with "Checked in") must be there, and nothing else. Prints ticks/s, p50/p99
latency of ticks and of searches, and the count.

Usage::

    .venv/bin/python benchmarks/checkin.py [--people 200] [--phones 4] [--seconds 50]
    .venv/bin/python benchmarks/checkin.py --postgres postgresql+psycopg://u:p@127.0.0.1/scratch

With ``--postgres`` the named database is emptied (public schema dropped) and
migrated first, so give it a scratch database. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import HOST, free_port, percentile, reset_postgres, start_server, wait_ready

from groundswell.actions.accounts import do_create_user, do_link_person
from groundswell.actions.events import EventDetails, do_create_event
from groundswell.actions.imports import do_import_people
from groundswell.actions.rsvps import Contact, do_rsvp
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.store.models import Attendance, Event

SLUG = "door-test"
EMAIL, PASSWORD = "host@example.org", "three random words at the door"
TIMEOUT = aiohttp.ClientTimeout(total=30)
FIRST = ("Ann", "Bob", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo", "Kit", "Lou")


def prepare(data_dir: Path, url: str, people: int) -> list[tuple[int, str]]:
    """The event, its host and ``people`` RSVPs; returns (rsvp id, name) for each."""
    gs = App.build(load_settings({}, data_dir=data_dir, database_url=url))
    try:
        gs.upgrade()
        sheet = data_dir / "host.csv"
        sheet.write_text("id,display_name,town\nhost,Hana,Morecambe\n")
        do_import_people(gs, sheet)
        do_create_user(gs, email=EMAIL, display_name="Hana", password=PASSWORD,
                       role="participant", scope="*")  # fmt: skip
        do_link_person(gs, email=EMAIL, person="host")
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
        do_create_event(gs, SLUG, EventDetails(title="Door test", starts_at=starts,
                        town="Morecambe", hosts=["host"]), actor="benchmark")  # fmt: skip
        out = []
        for i in range(people):
            name = f"{FIRST[i % len(FIRST)]} Walker{i:03d}"
            made = do_rsvp(gs, SLUG, Contact(name), actor="benchmark")
            out.append((made.id, name))
        return out
    finally:
        gs.close()


def stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = select(func.count(Attendance.id)).join(Event).where(Event.slug == SLUG)
            return int(conn.scalar(query) or 0)
    finally:
        engine.dispose()


@dataclass
class Tally:
    ticks: list[float] = field(default_factory=list)  # seconds, acknowledged ticks
    searches: list[float] = field(default_factory=list)
    acknowledged: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


async def phone(base: str, work: list[tuple[float, int, str]], start: float, tally: Tally) -> None:
    """One host's phone: sign in, then search and tick each person at their moment."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base, cookie_jar=jar, timeout=TIMEOUT) as http:
        page = await (await http.get("/sign-in")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        async with http.post("/sign-in", data={"email": EMAIL, "password": PASSWORD,
                             "csrf_token": token[1]}, allow_redirects=False) as signed:  # fmt: skip
            assert signed.status == 303, await signed.text()
        door = await (await http.get(f"/events/{SLUG}/check-in")).text()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', door)
        assert csrf, "no CSRF token on the check-in page"
        hx = {"HX-Request": "true", "X-CSRF-Token": csrf[1]}
        for due, rsvp, name in work:
            await asyncio.sleep(max(0.0, start + due - time.monotonic()))
            t0 = time.monotonic()
            async with http.get(f"/events/{SLUG}/check-in", params={"q": name[:6]},
                                headers={**hx, "HX-Target": "door-list"}) as found:  # fmt: skip
                body = await found.text()
                if found.status != 200 or f'id="rsvp-{rsvp}"' not in body:
                    tally.errors.append(f"search {name[:6]!r}: {found.status}")
            t1 = time.monotonic()
            tally.searches.append(t1 - t0)
            async with http.post(f"/events/{SLUG}/check-in/{rsvp}", data={"q": ""},
                                 headers=hx) as ticked:  # fmt: skip
                body = await ticked.text()
                if ticked.status == 200 and "Checked in" in body:
                    tally.acknowledged.add(rsvp)
                    tally.ticks.append(time.monotonic() - t1)
                else:
                    tally.errors.append(f"tick {rsvp}: {ticked.status}")


def plan(people: list[tuple[int, str]], phones: int, seconds: float, overlap: float,
         seed: int) -> list[list[tuple[float, int, str]]]:  # fmt: skip
    """Each phone's (moment, rsvp, name) list: people shared out, some ticked twice."""
    rng = random.Random(seed)
    work: list[list[tuple[float, int, str]]] = [[] for _ in range(phones)]
    for k, (rsvp, name) in enumerate(people):
        due = rng.uniform(0, seconds)
        work[k % phones].append((due, rsvp, name))
        if rng.random() < overlap:  # another host ticks the same person a moment later
            work[(k + 1) % phones].append((due + rng.uniform(0, 0.5), rsvp, name))
    return [sorted(w) for w in work]


async def drive(base: str, work: list[list[tuple[float, int, str]]]) -> tuple[Tally, float]:
    tally = Tally()
    start = time.monotonic() + 1.0
    await asyncio.gather(*(phone(base, w, start, tally) for w in work))
    return tally, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--phones", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=50.0)
    parser.add_argument("--overlap", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="scratch PostgreSQL URL (emptied first)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        url = args.postgres or f"sqlite:///{data_dir / 'checkin.db'}"
        if args.postgres:
            reset_postgres(url)
        people = prepare(data_dir, url, args.people)
        port = free_port()
        os.environ["GROUNDSWELL_SIGN_IN_PER_MINUTE"] = "1000"
        server = start_server(data_dir, url, port, 1 if not args.postgres else 2)
        try:
            base = f"http://{HOST}:{port}"
            wait_ready(base, server)
            work = plan(people, args.phones, args.seconds, args.overlap, args.seed)
            tally, took = asyncio.run(drive(base, work))
        finally:
            server.terminate()
            server.wait(timeout=30)
        count = stored(url)
    offered = sum(len(w) for w in work)
    kind = "PostgreSQL" if args.postgres else "SQLite"
    ms = [t * 1000 for t in tally.ticks]
    sm = [t * 1000 for t in tally.searches]
    lost = len(tally.acknowledged) - count
    print(f"check-in under load, {kind}: {args.people} people, {args.phones} phones, "
          f"{offered} ticks offered ({offered - args.people} repeated by a second phone) "
          f"in {took:.1f} s")  # fmt: skip
    p50, p99 = percentile(ms, 0.5), percentile(ms, 0.99)
    print(f"ticks: {len(ms)} acknowledged, {len(ms) / took:.1f}/s, p50 {p50:.0f} ms, "
          f"p99 {p99:.0f} ms, max {max(ms, default=0):.0f} ms")  # fmt: skip
    s50, s99 = percentile(sm, 0.5), percentile(sm, 0.99)
    print(f"searches: {len(sm)}, p50 {s50:.0f} ms, p99 {s99:.0f} ms")
    print(f"people acknowledged as in: {len(tally.acknowledged)}; attendances stored: {count}; "
          f"lost: {max(lost, 0)}; errors: {len(tally.errors)}")  # fmt: skip
    for error in tally.errors[:5]:
        print(f"  {error}")
    ok = count == len(tally.acknowledged) == args.people and not tally.errors and took <= 60
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
