"""The erasure ledger file, and what an erasure leaves on disk (SQLite)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from movement import NAME, PLEDGE, STORY, SUBJECT, build_movement

from groundswell.actions.erasure import do_erase
from groundswell.app import App
from groundswell.errors import ConfigError, NotFound
from groundswell.privacy import pseudonym
from groundswell.privacy.ledger import ErasureLedger

KEY = bytes(range(32))


def test_ledger_appends_private_lines_that_name_nobody(tmp_path: Path) -> None:
    ledger = ErasureLedger(tmp_path / "data" / "erasures.log", KEY)
    assert ledger.subjects() == {} and ledger.erased(["a"]) == []
    ledger.record("a", datetime(2026, 1, 1, tzinfo=UTC))
    ledger.record("b")
    assert stat.S_IMODE(ledger.path.stat().st_mode) == 0o600
    text = ledger.path.read_text(encoding="ascii")
    first = f"{pseudonym(KEY, 'a')}\t2026-01-01T00:00:00+00:00\t{ledger.key_id}"
    assert text.splitlines()[0] == first
    assert ledger.erased(["c", "b", "a"]) == ["b", "a"]


def test_a_damaged_ledger_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "erasures.log"
    ledger = ErasureLedger(path, KEY)
    path.write_text(f"ps-1\t2026-01-01\t{ledger.key_id}\nnonsense\n", encoding="ascii")
    with pytest.raises(ConfigError, match="line 2"):
        ledger.subjects()


def test_failed_erasure_writes_no_ledger_line(app: App, tmp_path: Path) -> None:
    ledger = ErasureLedger(tmp_path / "erasures.log", KEY)
    with pytest.raises(NotFound):
        do_erase(app, "nobody", actor="dpo", key=KEY, ledger=ledger)
    assert not ledger.path.exists()


def test_low_erased_text_is_in_neither_the_database_file_nor_its_wal(
    app: App, tmp_path: Path
) -> None:
    build_movement(app)
    database = Path(str(app.engine.url.database))
    wal = database.with_name(database.name + "-wal")
    held = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    secrets = [s.encode() for s in (STORY, PLEDGE, NAME)]
    assert all(s in held for s in secrets)  # before: there to be found
    do_erase(app, SUBJECT, actor="dpo", key=KEY)
    after = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert [s for s in secrets if s in after] == []
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and emptied


def test_a_ledger_read_under_another_key_is_an_error_not_a_silent_miss(tmp_path: Path) -> None:
    path = tmp_path / "erasures.log"
    ErasureLedger(path, KEY).record("a")
    with pytest.raises(ConfigError, match="another pseudonym key"):
        ErasureLedger(path, bytes(32)).erased(["a"])


def test_review_the_ledger_counts_a_ref_only_for_a_person_made_before_the_erasure(
    tmp_path: Path,
) -> None:
    ledger = ErasureLedger(tmp_path / "erasures.log", KEY)
    ledger.record("p17", datetime(2026, 1, 2, 10, 0, 0, tzinfo=UTC))
    before = datetime(2026, 1, 1, tzinfo=UTC)
    same_second = datetime(2026, 1, 2, 10, 0, 0, 700_000, tzinfo=UTC)  # the ledger keeps seconds
    after = datetime(2026, 1, 2, 10, 0, 1, tzinfo=UTC)
    assert ledger.erased(["p17"], {"p17": before}) == ["p17"]
    assert ledger.erased(["p17"], {"p17": same_second}) == ["p17"]  # the safe side
    assert ledger.erased(["p17"], {"p17": after}) == []
    assert ledger.erased(["p17"]) == ["p17"]  # no time given: by pseudonym alone
