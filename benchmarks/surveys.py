"""Relationship surveys: the cost of recording an answer and of suggesting names.

1. **One answer with 10 nominations** (``do_answer``), median of ``--answers``
   (default 50) people answering through their own links on a roster of
   ``--people`` (default 20,000): 7 people picked from the list, 2 typed names
   that are exactly one person's (matched in the database) and 1 typed name
   on nobody's list (kept waiting). Each person's consent is recorded first,
   untimed, as on the web. On SQLite (a file) and, with ``--postgres``, on
   PostgreSQL.
2. **Suggestions for 100 names waiting against the roster**: the pure
   matcher (``network.name_match.suggest``, rapidfuzz's ``token_sort_ratio``
   over every pair) and the organiser's ``pending_names`` (reading the
   waiting names and the roster from the database, then the same matcher),
   median of 5 each. The names are roster names with one or two typing slips
   (a letter dropped, doubled, swapped or changed); the share whose first
   suggestion is the person meant is printed too.

Usage::

    .venv/bin/python benchmarks/surveys.py [--people 20000] [--answers 50]
    .venv/bin/python benchmarks/surveys.py --postgres postgresql+psycopg://u:p@127.0.0.1/scratch

With ``--postgres`` the named database is emptied (public schema dropped) and
migrated first, so give it a scratch database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from groundswell.actions import relationship_surveys as rs
from groundswell.app import App
from groundswell.network.name_match import suggest
from groundswell.settings import load_settings
from groundswell.store.models import Person

FIRST = (
    "Ann",
    "Bob",
    "Cath",
    "David",
    "Eileen",
    "Fatima",
    "George",
    "Hannah",
    "Imran",
    "Joan",
    "John",
    "Karen",
    "Liam",
    "Margaret",
    "Nadia",
    "Owen",
    "Priya",
    "Raj",
    "Sarah",
    "Tom",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zoe",
    "Aisha",
    "Brian",
    "Chloe",
    "Dylan",
    "Emma",
)
LAST = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Hughes",
    "Edwards",
    "Lewis",
    "Harris",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
)
TOWNS = ("Morecambe", "Heysham", "Lancaster", "Carnforth", "Bolton-le-Sands")


def roster_names(n: int, rng: random.Random) -> list[str]:
    """``n`` names: a first name, sometimes a middle initial, and a surname."""
    out = []
    for i in range(n):
        middle = f" {chr(65 + i % 26)}." if i % 3 else ""
        out.append(f"{rng.choice(FIRST)}{middle} {rng.choice(LAST)}")
    return out


def slip(name: str, rng: random.Random) -> str:
    """One or two typing slips: a letter dropped, doubled, swapped with the next, or changed."""
    chars = list(name)
    for _ in range(rng.choice((1, 2))):
        i = rng.randrange(1, len(chars) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            del chars[i]
        elif kind == 1:
            chars.insert(i, chars[i])
        elif kind == 2:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = rng.choice("aeiouy")
    return "".join(chars)


def build(url: str, people: int, seed: int) -> tuple[App, list[str]]:
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = App.build(load_settings({}, database_url=url, data_dir=Path(tempfile.mkdtemp())))
    app.upgrade()
    rng = random.Random(seed)
    names = roster_names(people, rng)
    rows = [{"ref": f"p{i}", "display_name": nm, "town": TOWNS[i % len(TOWNS)]}
            for i, nm in enumerate(names)]  # fmt: skip
    with app.transaction() as session:
        session.execute(insert(Person), rows)
    rs.do_create_survey(
        app, slug="talk", title="Who we talk to", actor="bench",
        questions=[rs.QuestionSpec("Who do you talk to about your health?", "health_talk", 10)],
    )  # fmt: skip
    return app, names


def time_answers(app: App, names: list[str], answers: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    links = rs.do_issue_links(app, "talk", actor="bench")
    by_name: dict[str, int] = {}
    for nm in names:
        by_name[nm] = by_name.get(nm, 0) + 1
    unique = [i for i, nm in enumerate(names) if by_name[nm] == 1]
    view = rs.open_link(app, links[0].token)
    assert view is not None
    qid = view.questions[0].id
    seconds = []
    for k, link in enumerate(rng.sample(links, answers)):
        picks = [f"ref:p{i}" for i in rng.sample(range(len(names)), 7)]
        typed = [names[i] for i in rng.sample(unique, 2)] + [f"Nobody Known {k}"]
        rs.do_record_consent(app, link.token, consent=True)
        start = time.perf_counter()
        receipt = rs.do_answer(app, link.token, {qid: picks + typed})
        seconds.append(time.perf_counter() - start)
        assert receipt.pending == 1 and receipt.matched >= 8, receipt
    return seconds


def time_suggestions(app: App, names: list[str], seed: int) -> tuple[float, float, float, float]:
    rng = random.Random(seed)
    meant = rng.sample(range(len(names)), 100)
    typed = [slip(names[i], rng) for i in meant]
    engine = []
    for _ in range(5):
        start = time.perf_counter()
        found = suggest(typed, names)
        engine.append(time.perf_counter() - start)
    # The person meant, or a namesake: a roster of 20,000 holds many of each name.
    right = sum(1 for f, i in zip(found, meant, strict=True) if f and names[f[0].index] == names[i])
    top3 = sum(
        1 for f, i in zip(found, meant, strict=True) if names[i] in {names[c.index] for c in f}
    )
    # The same names waiting in the survey, one nomination each, from people who answered.
    links = rs.do_issue_links(app, "talk", actor="bench", reissue=True)
    qid = rs.survey_overview(app, "talk").questions[0].id
    recent = links[-300:]  # most of these people have not answered yet
    fresh = [x for x in recent if not getattr(rs.open_link(app, x.token), "answered", True)][:100]
    for link, name in zip(fresh, typed, strict=True):
        rs.do_record_consent(app, link.token, consent=True)
        rs.do_answer(app, link.token, {qid: [name]})
    action = []
    for _ in range(5):
        start = time.perf_counter()
        waiting = rs.pending_names(app, "talk", actor="bench")
        action.append(time.perf_counter() - start)
    assert sum(p.nominations for p in waiting) >= 100 - 1, len(waiting)
    return statistics.median(engine), statistics.median(action), right / 100, top3 / 100


def run(label: str, url: str, people: int, answers: int, seed: int) -> None:
    app, names = build(url, people, seed)
    seconds = time_answers(app, names, answers, seed)
    ms = sorted(s * 1000 for s in seconds)
    print(
        f"{label}: one answer with 10 nominations (7 picked, 2 typed and matched, 1 waiting), "
        f"{people:,} people on the roster, {answers} answers: "
        f"median {statistics.median(ms):.1f} ms, min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms"
    )
    engine, action, right, top3 = time_suggestions(app, names, seed)
    print(f"{label}: suggestions for 100 waiting names against {people:,} people: matcher "
          f"{engine * 1000:.0f} ms, pending_names (database read + matcher) {action * 1000:.0f} ms "
          f"(median of 5); the name meant is suggested first for {right:.0%}, in the top 3 "
          f"for {top3:.0%}")  # fmt: skip
    app.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="a scratch PostgreSQL database (emptied first)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/bench.db", args.people, args.answers, args.seed)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.people, args.answers, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
