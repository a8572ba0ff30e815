"""Export files: the target paths in an ``--out`` folder, and CSV cells written one way.

Every export (``groundswell export``, subject access, pseudonymised analytics)
refuses to overwrite a file unless told to, and writes CSV that the importers
and a spreadsheet read back the same: empty for none, ``true``/``false``,
ISO 8601 dates and times, JSON for lists and mappings, and text that a
spreadsheet would run as a formula behind a single quote that the importers
take off again (``groundswell.csvsafe``). Files are written as
``csvsafe.private_file`` writes them: mode 0600, whole or not at all, never
through a symbolic link.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from groundswell.csvsafe import private_file, writer
from groundswell.errors import Conflict, InvalidInput


def out_targets(folder: Path, names: Sequence[str], overwrite: bool) -> list[Path]:
    """``folder``/name for each name, the folder created if missing.

    Raises Conflict when a target exists and ``overwrite`` is false (nothing is
    written), InvalidInput when the folder is a file or cannot be created.
    """
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file, not a folder; give a folder with --out")
    targets = [folder / name for name in names]
    for target in targets:  # --force replaces files, never writes through a planted link
        if target.is_symlink():
            raise InvalidInput(
                f"{target} is a symbolic link; remove it or choose another --out folder"
            )
    if not overwrite:
        for target in targets:
            if target.exists():
                raise Conflict(
                    f"{target} already exists; choose another --out folder or add --force"
                )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            f"cannot create {folder} ({exc.strerror}); choose another --out"
        ) from None
    return targets


@contextmanager
def writing_into(folder: Path) -> Iterator[None]:
    """Turn a failed write (disk full, no permission) into InvalidInput naming the folder."""
    try:
        yield
    except OSError as exc:
        raise InvalidInput(
            f"cannot write to {folder} ({exc.strerror}); choose another --out"
        ) from None


def write_csv(target: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and ``rows`` to ``target``; the number of rows."""
    count = 0
    with private_file(target) as handle:
        out = writer(handle)
        out.writerow(columns)
        for row in rows:
            out.writerow([csv_cell(value) for value in row])
            count += 1
    return count


def csv_cell(value: Any) -> str:
    """One value as CSV text (the module docstring's rules)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    return str(value)
