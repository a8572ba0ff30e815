"""A bulk import killed with SIGKILL halfway leaves the database exactly as it was before."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from datacli import dump
from sqlalchemy import text

from groundswell.actions.imports import do_import_people
from groundswell.app import App

PEOPLE = 2_000
TIES = 60_000  # writing them takes seconds on a slow machine: room to kill it inside
WAIT = 60.0  # seconds to wait for the write phase to start


def write_files(folder: Path) -> tuple[Path, Path]:
    people = folder / "people.csv"
    people.write_text("id\n" + "".join(f"p{i}\n" for i in range(PEOPLE)), encoding="utf-8")
    rng, pairs = random.Random(5), set()
    while len(pairs) < TIES:
        a, b = rng.randrange(PEOPLE), rng.randrange(PEOPLE)
        if a < b:
            pairs.add((a, b))
    ties = folder / "ties.csv"
    ties.write_text("source,target\n" + "".join(f"p{a},p{b}\n" for a, b in pairs), "utf-8")
    return people, ties


def start_import(app: App, ties: Path, folder: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GROUNDSWELL_")}
    env["GROUNDSWELL_DATABASE_URL"] = app.engine.url.render_as_string(hide_password=False)
    env["GROUNDSWELL_DATA_DIR"] = str(folder)
    argv = [sys.executable, "-m", "groundswell", "import", "ties", str(ties), "--json"]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def sqlite_writing(app: App) -> bool:
    """Uncommitted pages spill into the -wal file once the import writes more than the cache."""
    wal = Path(f"{app.engine.url.database}-wal")
    return wal.exists() and wal.stat().st_size > 1_000_000


def postgres_writing(app: App) -> bool:
    with app.engine.connect() as conn:
        busy = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND query ILIKE 'INSERT INTO ties%'"
            )
        ).scalar()
    return bool(busy)


def test_sigkill_mid_import_changes_nothing(any_db: App, tmp_path: Path) -> None:
    people, ties = write_files(tmp_path)
    do_import_people(any_db, people)
    before = dump(any_db.engine)
    writing = sqlite_writing if any_db.is_sqlite else postgres_writing

    process = start_import(any_db, ties, tmp_path)
    deadline = time.monotonic() + WAIT
    try:
        while not writing(any_db):
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"the import ended before it could be killed: {out!r} {err!r}")
            if time.monotonic() > deadline:
                pytest.fail("the import did not start writing within a minute")
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL

    if not any_db.is_sqlite:
        # The server rolls the transaction back once it notices the client is gone.
        for _ in range(200):
            if not postgres_writing(any_db):
                break
            time.sleep(0.05)
    any_db.engine.dispose()
    assert dump(any_db.engine) == before
    any_db.check()
