"""Edge-list readers: CSV/TSV with a header line, and SNAP-style whitespace lists.

Formats
-------
CSV / TSV
    The first line is a header. The columns named ``source`` and ``target``
    (any case) hold the two people of a tie. A header without those names is
    accepted when it is not itself data: its first two columns are read as
    source and target, and the report says so (SNAP's ``musae_git_edges.csv``
    has ``id_1,id_2``). A ``weight`` column (finite, > 0) or else a ``p``
    column (a probability in [0, 1]) becomes the per-tie weight unless
    ``weight_column`` names another. Other columns are named in the report's
    notes. Fields may be quoted (``"a, b"``); spaces around fields are trimmed.
SNAP (``.txt``, ``.edges``)
    Whitespace-separated ``SOURCE TARGET``, one tie per line; lines starting
    with ``#`` are comments. Further columns are ignored (in SNAP files they
    are usually timestamps or signs) unless ``weight_column`` gives the
    1-based number of a weight column, e.g. ``3``.

Labels that are all canonical non-negative integers (``0``, ``17``, never
``007``) are kept as ``int64`` and numbered in ascending order; otherwise every
label is text, numbered in order of first appearance. A file with no ties is
an error: there is nothing to analyse.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import numpy as np

from groundswell.errors import InputFileError, InvalidInput
from groundswell.kernels import edgelist_text as scan
from groundswell.network.build import LoadReport, from_arrays
from groundswell.network.graph import Graph
from groundswell.network.labels import (
    decode_labels,
    map_int_labels,
    map_objects,
    map_text_tokens,
)

_INT_LABEL = re.compile(r"0|[1-9][0-9]{0,17}")
_NO_OFF = np.empty((0, 2), dtype=np.int64)
_NO_INT = np.empty(0, dtype=np.int64)
_NO_W = np.empty(0, dtype=np.float64)
_PROBABILITY_NAMES = ("p", "prob", "probability")


def read_delimited(
    path: str, data: bytes, *, sep: str, directed: bool, weight_column: str | int | None
) -> tuple[Graph, LoadReport]:
    """Read a CSV (``sep=","``) or TSV (``sep="\\t"``) edge list with a header line."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # spreadsheet exports add a UTF-8 BOM
    if not data.strip():
        raise InputFileError(path, "the file is empty", fix=_csv_fix(sep))
    end = data.find(b"\n")
    end = len(data) if end < 0 else end
    try:
        header_text = data[:end].decode("utf-8").strip()
    except UnicodeDecodeError:
        raise InputFileError(path, "the header is not UTF-8 text", line=1) from None
    names = [h.strip() for h in next(csv.reader([header_text], delimiter=sep), [])]
    lower = [h.lower() for h in names]
    notes: list[str] = []
    if "source" in lower and "target" in lower:
        scol, dcol = lower.index("source"), lower.index("target")
    elif len(names) >= 2 and names[0] and names[1] and not _looks_like_data(names[:2]):
        scol, dcol = 0, 1
        notes.append(f"columns '{names[0]}' and '{names[1]}' read as source and target")
    else:
        problem = (
            f"'{_short(header_text)}' is not a header with 'source' and 'target'"
            if len(names) >= 2
            else f"the header '{_short(header_text)}' has one column"
        )
        raise InputFileError(path, problem, line=1, fix=_csv_fix(sep))
    wcol, wmode = _csv_weight_column(path, names, lower, weight_column)
    used = {scol, dcol, wcol}
    extra = [names[i] for i in range(len(names)) if i not in used]
    if extra:
        notes.append("ignored columns: " + ", ".join(extra))
    fields = {i: f"'{names[i]}'" for i in range(len(names))}
    body = end + 1
    if b'"' in data[body:]:
        graph, report = _read_quoted(
            path,
            data[body:].decode("utf-8", "replace"),
            sep,
            scol,
            dcol,
            wcol,
            wmode,
            directed,
            fields,
        )
    else:
        graph, report = _read_fast(
            path,
            data,
            body,
            1,
            scan.SPLIT_CHAR,
            ord(sep),
            -1,
            scol,
            dcol,
            wcol,
            wmode,
            directed,
            fields,
            sep,
        )
    return graph, replace(report, notes=tuple(notes) + report.notes)


def read_snap(
    path: str, data: bytes, *, directed: bool, weight_column: str | int | None
) -> tuple[Graph, LoadReport]:
    """Read a SNAP-style whitespace edge list (``#`` comments, no header)."""
    wcol = -1
    if weight_column is not None:
        if isinstance(weight_column, str) and not weight_column.isdigit():
            raise InvalidInput(
                f"{path}: a SNAP edge list has no header, so weight_column must be a "
                f"column number such as 3, not '{weight_column}'"
            )
        wcol = int(weight_column) - 1
        if wcol < 2:
            raise InvalidInput(
                f"{path}: weight_column {weight_column} is a label column; "
                "columns 1 and 2 are source and target, give 3 or more"
            )
    wmode = scan.WEIGHT_POSITIVE if wcol >= 0 else scan.WEIGHT_NONE
    fields = {0: "column 1", 1: "column 2"}
    if wcol >= 0:
        fields[wcol] = f"column {wcol + 1}"
    graph, report = _read_fast(
        path,
        data,
        0,
        0,
        scan.SPLIT_WHITESPACE,
        0,
        ord("#"),
        0,
        1,
        wcol,
        wmode,
        directed,
        fields,
        None,
    )
    if wcol < 0 and _first_data_width(data) > 2:
        note = "columns 3 and later ignored; pass weight_column=3 to read column 3 as weights"
        report = replace(report, notes=(note,))
    return graph, report


def _read_fast(
    path: str,
    data: bytes,
    pos: int,
    line0: int,
    split: int,
    sep: int,
    comment: int,
    scol: int,
    dcol: int,
    wcol: int,
    wmode: int,
    directed: bool,
    fields: dict[int, str],
    csep: str | None,
) -> tuple[Graph, LoadReport]:
    buf = np.frombuffer(data, dtype=np.uint8)
    cap = scan.count_lines(buf[pos:])
    w = np.empty(cap, dtype=np.float64) if wcol >= 0 else _NO_W
    a = np.empty(cap, dtype=np.int64)
    b = np.empty(cap, dtype=np.int64)
    args = (buf, pos, line0, split, sep, comment, scol, dcol, wcol, wmode)
    res = scan.parse_edges(*args, True, a, b, _NO_OFF, _NO_OFF, w)
    text_labels = res[2] == scan.NOT_INT
    if text_labels:
        del a, b
        aoff = np.empty((cap, 2), dtype=np.int64)
        boff = np.empty((cap, 2), dtype=np.int64)
        res = scan.parse_edges(*args, False, _NO_INT, _NO_INT, aoff, boff, w)
    rows, lines, status, eline, ecol, es, ee = res
    if status != scan.OK:
        raise _parse_error(path, data, status, eline, fields.get(ecol), es, ee, wmode, csep)
    if rows == 0:
        raise InputFileError(path, "has no ties", fix=_csv_fix(csep) if csep else _SNAP_FIX)
    if text_labels:
        # Interleaved (source, target) per line: ids follow first appearance in the file.
        tokens = np.stack([aoff[:rows], boff[:rows]], axis=1).reshape(-1, 2)
        del aoff, boff
        ids, first = map_text_tokens(buf, tokens)
        labels = _decode_or_raise(path, data, tokens, first)
        src, dst = ids[0::2], ids[1::2]
    else:
        src, dst, labels = map_int_labels(a[:rows], b[:rows])
    graph, report = from_arrays(
        src,
        dst,
        n=labels.size,
        labels=labels,
        directed=directed,
        weights=w[:rows] if wcol >= 0 else None,
    )
    return graph, replace(report, lines=int(lines))


def _read_quoted(
    path: str,
    text: str,
    sep: str,
    scol: int,
    dcol: int,
    wcol: int,
    wmode: int,
    directed: bool,
    fields: dict[int, str],
) -> tuple[Graph, LoadReport]:
    """The ``csv`` module's reader, for the rare file with quoted fields (slower)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    src: list[str] = []
    dst: list[str] = []
    weights: list[float] = []
    need = max(scol, dcol, wcol) + 1
    for row in reader:
        line = 1 + reader.line_num
        if not any(f.strip() for f in row):
            continue
        if len(row) < need:
            raise InputFileError(
                path, f"has {len(row)} field(s), expected {need}", line=line, fix=_csv_fix(sep)
            )
        s, t = row[scol].strip(), row[dcol].strip()
        for col, value in ((scol, s), (dcol, t)):
            if not value:
                raise InputFileError(path, "is empty", line=line, field=fields[col][1:-1])
        src.append(s)
        dst.append(t)
        if wcol >= 0:
            weights.append(_weight_value(path, row[wcol].strip(), line, fields[wcol], wmode))
    if not src:
        raise InputFileError(path, "has no ties", fix=_csv_fix(sep))
    if all(_INT_LABEL.fullmatch(x) for x in src) and all(_INT_LABEL.fullmatch(x) for x in dst):
        a, b, labels = map_int_labels(np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64))
    else:
        both = np.array([x for pair in zip(src, dst, strict=True) for x in pair], dtype=str)
        ids, first = map_objects(both)
        a, b, labels = ids[0::2], ids[1::2], both[first]
    graph, report = from_arrays(
        a,
        b,
        n=labels.size,
        labels=labels,
        directed=directed,
        weights=np.array(weights) if wcol >= 0 else None,
    )
    return graph, replace(report, lines=1 + reader.line_num)


def _weight_value(path: str, text: str, line: int, field: str, wmode: int) -> float:
    buf = np.frombuffer(text.encode(), dtype=np.uint8)
    ok, v = scan.parse_float(buf, 0, buf.size)
    status = scan.BAD_WEIGHT if not ok else scan.OK
    if ok and wmode == scan.WEIGHT_POSITIVE and not (0.0 < v < np.inf):
        status = scan.WEIGHT_RANGE
    if ok and wmode == scan.WEIGHT_PROBABILITY and not (0.0 <= v <= 1.0):
        status = scan.WEIGHT_RANGE
    if status != scan.OK:
        raise _parse_error(path, text.encode(), status, line, field, 0, buf.size, wmode, ",")
    return float(v)


def _csv_weight_column(
    path: str, names: list[str], lower: list[str], weight_column: str | int | None
) -> tuple[int, int]:
    if weight_column is None:
        for name in ("weight", *_PROBABILITY_NAMES):
            if name in lower:
                return lower.index(name), _mode_for(name)
        return -1, scan.WEIGHT_NONE
    if isinstance(weight_column, int) or weight_column.isdigit():
        col = int(weight_column) - 1
        if not 0 <= col < len(names):
            raise InputFileError(
                path, f"there is no column {weight_column}", line=1, fix=f"give 1..{len(names)}"
            )
        return col, _mode_for(lower[col])
    key = weight_column.strip().lower()
    if key not in lower:
        raise InputFileError(
            path,
            f"the header has no column '{weight_column}'",
            line=1,
            fix="columns are " + ", ".join(names),
        )
    return lower.index(key), _mode_for(key)


def _mode_for(name: str) -> int:
    return scan.WEIGHT_PROBABILITY if name in _PROBABILITY_NAMES else scan.WEIGHT_POSITIVE


def _parse_error(
    path: str,
    data: bytes,
    status: int,
    line: int,
    field: str | None,
    start: int,
    end: int,
    wmode: int,
    csep: str | None,
) -> InputFileError:
    text = data[start:end].decode("utf-8", "replace")
    fieldname = field[1:-1] if field and field.startswith("'") else field
    if status == scan.FEW_FIELDS:
        how = (
            "whitespace-separated" if csep is None else _SEP_NAMES.get(csep, f"'{csep}'-separated")
        )
        return InputFileError(
            path,
            f"'{_short(text)}' has fewer fields than needed ({how})",
            line=line,
            fix="each line needs a source and a target" + (" and a weight" if wmode else ""),
        )
    if status == scan.EMPTY_LABEL:
        return InputFileError(path, "is empty", line=line, field=fieldname, fix="give a label")
    if status == scan.BAD_WEIGHT:
        return InputFileError(
            path,
            f"'{_short(text)}' is not a number",
            line=line,
            field=fieldname,
            fix="give a decimal number such as 0.25",
        )
    rule = (
        "a probability must lie between 0 and 1"
        if wmode == scan.WEIGHT_PROBABILITY
        else "a weight must be a finite number greater than 0"
    )
    return InputFileError(
        path, f"'{_short(text)}' is out of range", line=line, field=fieldname, fix=rule
    )


def _decode_or_raise(path: str, data: bytes, tokens: np.ndarray, first: np.ndarray) -> np.ndarray:
    try:
        return decode_labels(data, tokens, first)
    except UnicodeDecodeError:
        for s, e in tokens[first].tolist():
            try:
                data[s:e].decode("utf-8")
            except UnicodeDecodeError:
                line = data.count(b"\n", 0, s) + 1
                raise InputFileError(
                    path,
                    "a label is not UTF-8 text",
                    line=line,
                    fix="save the file as UTF-8 (is it a binary or compressed file?)",
                ) from None
        raise


def _first_data_width(data: bytes) -> int:
    for raw in data[:65536].splitlines():
        s = raw.strip()
        if s and not s.startswith(b"#"):
            return len(s.split())
    return 0


def _looks_like_data(fields: list[str]) -> bool:
    return all(re.fullmatch(r"[-+]?[0-9.eE]+", f) for f in fields)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _csv_fix(sep: str | None) -> str:
    if sep == "\t":
        return "the first line must be a header such as 'source<TAB>target'"
    return "the first line must be a header such as 'source,target' (tab-separated: name it .tsv)"


_SNAP_FIX = "add lines 'SOURCE TARGET', one tie per line"
_SEP_NAMES = {",": "comma-separated", "\t": "tab-separated"}
