"""The erasure ledger: who was erased, kept outside the database so a restore cannot lose it.

A backup taken before an erasure still holds the person. Restoring it would
bring them back and, since the audit trail is restored too, remove the
record that they were ever erased. The ledger is a file beside the pseudonym
key (``erasures.log`` in the data folder) that a restore does not replace:
one line per erasure, ``<pseudonym>\\t<UTC time>``, where the pseudonym is
HMAC-SHA256 of the person's ref under the pseudonym key
(``groundswell.privacy.pseudonyms``). It names nobody to whoever lacks the
key, and with the key a restore can find the erased among the backup's refs
and erase them again (GDPR Article 17(1): erased data must not come back;
the ICO's guidance on backups asks that an erasure be re-applied when a
backup is restored).

Lines are appended with ``O_APPEND`` and fsynced before the erasure commits;
the file is created readable by its owner only (0600).

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> ledger = ErasureLedger(folder / "erasures.log", bytes(32))
>>> ledger.record("p1", datetime(2026, 1, 2, tzinfo=UTC))
'ps-9241cf755cdfa1e282b744ce2c79c7d1'
>>> ledger.erased(["p1", "p2"])
['p1']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from groundswell.errors import ConfigError
from groundswell.privacy.pseudonyms import pseudonym

LEDGER_FILE_NAME = "erasures.log"


@dataclass(frozen=True)
class ErasureLedger:
    """The ledger file at ``path``; ``key`` is the pseudonym key its ids are made with."""

    path: Path
    key: bytes

    def record(self, ref: str, at: datetime | None = None) -> str:
        """Append the erasure of ``ref`` and sync it to disk; return its pseudonym."""
        subject = pseudonym(self.key, ref)
        when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        line = f"{subject}\t{when}\n".encode("ascii")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise ConfigError(
                f"cannot write the erasure ledger {self.path} ({exc.strerror}); "
                "make its folder writable, then erase again"
            ) from None
        return subject

    def subjects(self) -> dict[str, str]:
        """Every pseudonym in the ledger, with the time of its latest erasure."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the erasure ledger {self.path} ({exc})") from None
        found: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            subject, _, when = line.partition("\t")
            if not subject.startswith("ps-") or not when:
                raise ConfigError(
                    f"{self.path}, line {number}: not '<pseudonym>\\t<time>'; "
                    "restore the file from its own backup"
                )
            found[subject] = when
        return found

    def erased(self, refs: Iterable[str]) -> list[str]:
        """The refs among ``refs`` that the ledger says were erased, in their order."""
        subjects = self.subjects()
        if not subjects:
            return []
        return [ref for ref in refs if pseudonym(self.key, ref) in subjects]
