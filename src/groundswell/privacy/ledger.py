"""The erasure ledger: who was erased, kept outside the database so a restore cannot lose it.

A backup taken before an erasure still holds the person. Restoring it would
bring them back and, since the audit trail is restored too, remove the
record that they were ever erased. The ledger is a file in the data folder
(``erasures.log``) that a restore does not replace: one line per erasure,
``<pseudonym>\\t<UTC time>\\t<key id>``, where the pseudonym is
HMAC-SHA256 of the person's ref under the pseudonym key
(``groundswell.privacy.pseudonyms``) and the key id names that key, so a
ledger read under another key is an error rather than a silent miss. It
names nobody to whoever lacks the key; with the key, a restore finds the
erased among the backup's refs (people created before the erasure; a ref
given to someone new later is theirs, not the erased person's) and erases
them again. (The ICO's guidance on the right to erasure: data left in
backups must be put "beyond use", so it must not return to the live system.)

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
>>> ledger.erased(["p1"], {"p1": datetime(2026, 3, 1, tzinfo=UTC)})  # a later p1: someone else
[]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
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
        line = f"{subject}\t{when}\t{self.key_id}\n".encode("ascii")
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
            fields = line.split("\t")
            if len(fields) != 3 or not fields[0].startswith("ps-"):
                raise ConfigError(
                    f"{self.path}, line {number}: not '<pseudonym>\\t<time>\\t<key id>'; "
                    "restore the file from its own backup"
                )
            subject, when, key_id = fields
            if key_id != self.key_id:
                # Pseudonyms under another key match nobody: the erased would come back.
                raise ConfigError(
                    f"{self.path}, line {number}: written under another pseudonym key "
                    f"({key_id}, not {self.key_id}); put back the key it was written with"
                )
            found[subject] = when
        return found

    @property
    def key_id(self) -> str:
        """A short name for the key (not the key): HMAC of a fixed label under it."""
        return pseudonym(self.key, "erasure-ledger")[3:15]

    def erased(
        self, refs: Iterable[str], created: Mapping[str, datetime | None] | None = None
    ) -> list[str]:
        """The refs among ``refs`` that the ledger says were erased, in their order.

        ``created`` gives when each person was created (``Person.created_at``): a
        ref counts only when that person existed at the erasure, so a ref used
        again for someone new afterwards (an import) is not theirs to erase. The
        ledger keeps whole seconds, so the time is compared to the second: a
        person created in the very second of an erasure counts as erased (the
        safe side). A ref with no time given counts by its pseudonym alone.
        """
        subjects = self.subjects()
        if not subjects:
            return []
        found = []
        for ref in refs:
            when = subjects.get(pseudonym(self.key, ref))
            if when is None:
                continue
            made = (created or {}).get(ref)
            if made is None or _whole_seconds(made) <= self._time(when):
                found.append(ref)
        return found

    def _time(self, when: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(when)
        except ValueError:
            raise ConfigError(
                f"{self.path}: '{when}' is not a time; restore the file from its own backup"
            ) from None
        return _whole_seconds(parsed)


def _whole_seconds(at: datetime) -> datetime:
    """``at`` in UTC to the whole second (naive times are taken as UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0)
