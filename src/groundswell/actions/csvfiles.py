"""Reading organisers' CSV files strictly, with errors that name file, line and field.

A spreadsheet export is read whole (UTF-8, an Excel byte-order mark is fine),
its header is checked against the columns Groundswell knows, and each value is
parsed by a small parser that raises ``InputFileError`` saying what to write
instead. A cell that Groundswell's own CSV writer neutralised (a formula-like
text behind a single quote, ``groundswell.csvsafe``) is read without that
quote, so an export imports back unchanged. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from groundswell.csvsafe import restore
from groundswell.errors import InputFileError

TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})


@dataclass
class CsvTable:
    """A checked CSV file: its known columns, the unknown ones, and its data rows."""

    path: str
    columns: list[str]
    extra: list[str]
    known: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(repr=False)

    def error(self, line: int, column: str, problem: str, fix: str | None = None) -> InputFileError:
        return InputFileError(self.path, problem, line=line, field=column, fix=fix)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def read_csv(path: str | Path, *, required: Sequence[str], optional: Sequence[str]) -> CsvTable:
    """Read ``path`` and check its header; values are stripped and restored, blank rows skipped.

    Column names are matched without regard to case or surrounding spaces.
    Columns Groundswell does not read are kept in ``extra`` so the caller can
    name them in a warning rather than drop them silently.
    """
    name = str(path)
    text = _read_text(Path(path), name)
    known = [*required, *optional]
    if not text.strip():
        raise InputFileError(
            name, "the file is empty", line=1,
            fix="its first line must name the columns, e.g. " + ",".join(known),
        )  # fmt: skip
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
        columns, extra = _check_header(name, header, required, known)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines and rows of empty cells carry no data
            line = reader.line_num
            if len(values) != len(header):
                raise InputFileError(
                    name,
                    f"this row has {len(values)} values but the header names {len(header)} columns",
                    line=line,
                    fix="put quotes around values that contain commas, and one value per column",
                )
            cells = {h: restore(v.strip()) for h, v in zip(header, values, strict=True)}
            rows.append((line, cells))
    except csv.Error as exc:
        raise InputFileError(
            name, f"this is not valid CSV ({exc})", line=max(reader.line_num, 1),
            fix="check the quotes on this line",
        ) from None  # fmt: skip
    return CsvTable(path=name, columns=columns, extra=extra, known=known, rows=rows)


def _read_text(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(name, "no such file", fix="check the path and try again") from None
    except IsADirectoryError:
        raise InputFileError(name, "this is a folder, not a CSV file", fix="give a file") from None
    except PermissionError:
        raise InputFileError(
            name, "the file cannot be read (permission denied)", fix="check its permissions"
        ) from None
    except OSError as exc:
        raise InputFileError(name, f"the file cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            name, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})", line=line,
            fix="save it as 'CSV UTF-8' and try again",
        ) from None  # fmt: skip


def _check_header(
    name: str, header: list[str], required: Sequence[str], known: Sequence[str]
) -> tuple[list[str], list[str]]:
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise InputFileError(
                name, "this column appears twice", line=1, field=column, fix="keep one of them"
            )
        seen.add(column)
    for column in required:
        if column not in seen:
            raise InputFileError(
                name, "this column is missing", line=1, field=column,
                fix="the header must include " + ", ".join(required),
            )  # fmt: skip
    columns = [c for c in header if c in known]
    extra = [c or f"(unnamed column {i + 1})" for i, c in enumerate(header) if c not in known]
    return columns, extra


# --- value parsers: each returns the parsed value or raises naming line and field ---


def required_text(
    table: CsvTable, line: int, row: dict[str, str], column: str, max_len: int
) -> str:
    value = row[column]
    if not value:
        raise table.error(line, column, "this value is empty", "every row needs one")
    return _check_length(table, line, column, value, max_len)


def optional_text(
    table: CsvTable, line: int, row: dict[str, str], column: str, max_len: int
) -> str | None:
    value = row.get(column, "")
    return _check_length(table, line, column, value, max_len) if value else None


def _check_length(table: CsvTable, line: int, column: str, value: str, max_len: int) -> str:
    if len(value) > max_len:
        raise table.error(
            line, column, f"this value is {len(value)} characters long",
            f"shorten it to at most {max_len}",
        )  # fmt: skip
    return value


def choice(
    table: CsvTable,
    line: int,
    row: dict[str, str],
    column: str,
    options: Sequence[str],
    default: str,
) -> str:
    value = row.get(column, "").lower()
    if not value:
        return default
    if value not in options:
        raise table.error(
            line, column, f"'{row[column]}' is not one of {', '.join(options)}",
            "use one of those",
        )  # fmt: skip
    return value


def boolean(table: CsvTable, line: int, row: dict[str, str], column: str) -> bool:
    """Strict yes/no: true/false, yes/no, 1/0 in any case; an empty cell is no."""
    value = row.get(column, "").lower()
    if not value or value in FALSE_WORDS:
        return False
    if value in TRUE_WORDS:
        return True
    raise table.error(
        line, column, f"'{row[column]}' is not yes or no", "write true/false, yes/no or 1/0"
    )


def positive_number(
    table: CsvTable, line: int, row: dict[str, str], column: str, default: float
) -> float:
    text = row.get(column, "")
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise table.error(
            line, column, f"'{text}' is not a number", "write a positive number such as 1 or 0.5"
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise table.error(
            line, column, f"{text} is not a positive number",
            "weights must be greater than 0, e.g. 1 or 0.5",
        )  # fmt: skip
    return value


def timestamp(table: CsvTable, line: int, row: dict[str, str], column: str) -> datetime | None:
    """An ISO date or date-time; a time without an offset is read as UTC."""
    text = row.get(column, "")
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise table.error(
            line, column, f"'{text}' is not a date",
            "write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00",
        ) from None  # fmt: skip
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
