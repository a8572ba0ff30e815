"""Organisers' CSV uploads from the web: held privately, previewed, then imported.

An upload runs exactly the command line's import (``groundswell.actions.imports``:
the same checks, the same errors naming line, field and fix, all or nothing).
The preview runs that import inside a transaction that is always rolled back,
so what it reports (rows new and updated, warnings) is what the import will
do, and nothing is written. Confirming runs it again for real: a file that
became wrong in between (someone else imported those people) is refused then,
still writing nothing.

Between preview and confirm the file is held on the server in a folder only
this process's user may read (0700; the file itself 0600), named by a random
token and the uploader's user id, so one organiser cannot confirm another's
upload, and it is deleted once imported or cancelled (or after ``KEEP_FOR``).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.attendance_sheet import do_import_attendance
from groundswell.actions.audit import do_record_access
from groundswell.actions.import_rows import ImportSummary
from groundswell.actions.imports import (
    do_import_people,
    do_import_recruitment,
    do_import_ties,
)
from groundswell.errors import InputFileError, InvalidInput, NotFound

Importer = Callable[..., ImportSummary]
IMPORTERS: dict[str, Importer] = {
    "people": do_import_people,
    "ties": do_import_ties,
    "recruitment": do_import_recruitment,
}
KINDS = (*IMPORTERS, "attendance")  # attendance: an event's sign-in sheet, for one event
KEEP_FOR = 3600.0  # seconds an upload waits for its confirmation
TOKEN = re.compile(r"^[0-9a-f]{32}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class _RolledBack:
    """A ``Database`` whose transactions are always rolled back: an import's dry run."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._db.reading() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._db.reading() as session:
            yield session


@dataclass(frozen=True)
class HeldUpload:
    token: str
    kind: str
    filename: str  # as the uploader named it, for messages
    event: str = ""  # the event's slug, for an attendance sheet


@dataclass
class UploadSummary:
    """What an upload adds and changes; ``notes`` say more for an attendance sheet."""

    path: str
    kind: str
    rows: int
    created: int
    updated: int
    warnings: list[str]
    notes: list[str]


def _folder(data_dir: Path) -> Path:
    folder = data_dir / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _path(data_dir: Path, user_id: int, token: str, kind: str) -> Path:
    if not TOKEN.match(token) or kind not in KINDS:
        raise NotFound("this upload is not waiting any more; upload the file again")
    return _folder(data_dir) / f"{user_id}-{token}-{kind}.csv"


def _sweep(data_dir: Path) -> None:
    """Delete uploads nobody confirmed within ``KEEP_FOR``."""
    cutoff = time.time() - KEEP_FOR
    for old in _folder(data_dir).glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # another process swept it first


def clean_name(filename: str, kind: str) -> str:
    """The uploaded file's own name, safe to show (no folders, no odd characters)."""
    base = SAFE_NAME.sub("", Path(filename or "").name).strip()[:80]
    return base or f"{kind}.csv"


def hold_upload(data_dir: Path, user_id: int, kind: str, filename: str, data: bytes) -> HeldUpload:
    """Keep an uploaded file privately until it is confirmed; returns its token."""
    if kind not in KINDS:
        raise InvalidInput(f"choose what the file holds: {', '.join(KINDS)}")
    if not data.strip():
        raise InputFileError(clean_name(filename, kind), "the file is empty", line=1,
                             fix="choose the CSV file with a header line and rows")  # fmt: skip
    _sweep(data_dir)
    token = secrets.token_hex(16)
    path = _path(data_dir, user_id, token, kind)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return HeldUpload(token, kind, clean_name(filename, kind))


def _run(db: Database, path: Path, held: HeldUpload, update: bool, actor: str) -> UploadSummary:
    """The import, naming the file as the uploader did, not by its private path."""
    try:
        if held.kind == "attendance":
            if not held.event.strip():
                raise InvalidInput("choose the event the sign-in sheet is for")
            sheet = do_import_attendance(db, held.event.strip(), path, actor=actor)
            added = sheet.rows - sheet.already
            notes = [f"{sheet.new} of them new to the movement (matched by email, or added)",
                     f"{sheet.already} already checked in, left as they are"]  # fmt: skip
            summary = UploadSummary(held.filename, held.kind, sheet.rows, added, 0,
                                    sheet.warnings, notes)  # fmt: skip
        else:
            done = IMPORTERS[held.kind](db, path, update=update)
            summary = UploadSummary(held.filename, held.kind, done.rows, done.created,
                                    done.updated, done.warnings, [])  # fmt: skip
    except InputFileError as exc:
        exc.message = exc.message.replace(str(path), held.filename)
        exc.path = held.filename
        exc.args = (exc.message,)
        raise
    summary.warnings = [w.replace(str(path), held.filename) for w in summary.warnings]
    return summary


def preview_upload(
    db: Database,
    data_dir: Path,
    user_id: int,
    held: HeldUpload,
    *,
    update: bool = False,
    actor: str = "preview",
) -> UploadSummary:
    """What importing the held file would do; nothing is written either way."""
    path = _path(data_dir, user_id, held.token, held.kind)
    if not path.exists():
        raise NotFound("this upload is not waiting any more; upload the file again")
    return _run(_RolledBack(db), path, held, update, actor)


def do_import_upload(
    db: Database, data_dir: Path, user_id: int, held: HeldUpload, *, update: bool, actor: str
) -> UploadSummary:
    """Import the held file for real (all or nothing), audit it, and delete the file."""
    path = _path(data_dir, user_id, held.token, held.kind)
    if not path.exists():
        raise NotFound("this upload is not waiting any more; upload the file again")
    summary = _run(db, path, held, update, actor)
    path.unlink(missing_ok=True)
    do_record_access(db, actor, f"imports.{held.kind}", "file", held.filename,
                     {"rows": summary.rows, "created": summary.created,
                      "updated": summary.updated})  # fmt: skip
    return summary


def discard_upload(data_dir: Path, user_id: int, held: HeldUpload) -> None:
    _path(data_dir, user_id, held.token, held.kind).unlink(missing_ok=True)
