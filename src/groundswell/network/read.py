"""``read_graph``: one entry point for every graph file, dispatched by extension."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from groundswell.errors import InputFileError
from groundswell.network.build import LoadReport
from groundswell.network.edgelist import read_delimited, read_snap
from groundswell.network.graph import Graph
from groundswell.network.xmlformats import read_xml_graph

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "snap",
    ".edges": "snap",
    ".edgelist": "snap",
    ".graphml": "graphml",
    ".gexf": "gexf",
}


def read_graph(
    path: str | Path,
    *,
    directed: bool | None = None,
    weight_column: str | int | None = None,
) -> tuple[Graph, LoadReport]:
    """Read a graph file into a ``Graph`` and say what loading did.

    The format comes from the extension: ``.csv`` / ``.tsv`` (header line with
    ``source`` and ``target``), ``.txt`` / ``.edges`` (SNAP-style whitespace
    edge list with ``#`` comments), each optionally ``.gz``; ``.graphml`` and
    ``.gexf`` (optionally ``.gz``). See ``edgelist.py`` and ``xmlformats.py``
    for each format's rules.

    Parameters
    ----------
    path : the file
    directed : ``True``/``False`` to choose; ``None`` (default) means an
        edge-list line is a tie both ways, and GraphML/GEXF keep the file's own
        declaration
    weight_column : the per-tie weight: a header name (CSV/TSV), a 1-based
        column number (any edge list; SNAP needs one to read weights) or an
        edge attribute (GraphML/GEXF). ``None``: a ``weight`` or else ``p``
        column/attribute when there is one, else unweighted.

    Returns
    -------
    (Graph, LoadReport)

    Raises
    ------
    InputFileError
        Missing, unreadable or malformed file; the message names the file and,
        where there is one, the line and field.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ties.txt")
    >>> _ = open(path, "w").write("# a comment\\n1 2\\n2 1\\n3 3\\n2 3\\n")
    >>> g, report = read_graph(path)
    >>> g.labels.tolist(), g.m, report.duplicates_merged, report.self_loops_dropped
    ([1, 2, 3], 2, 1, 1)
    """
    name = str(path)
    fmt = format_of(name)
    data = read_bytes(name)
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        return read_delimited(
            name, data, sep=sep, directed=bool(directed), weight_column=weight_column
        )
    if fmt == "snap":
        return read_snap(name, data, directed=bool(directed), weight_column=weight_column)
    return read_xml_graph(name, data, kind=fmt, directed=directed, weight_column=weight_column)


def format_of(path: str) -> str:
    """The format named by ``path``'s extension (``.gz`` looked through)."""
    lower = path.lower()
    base = lower.removesuffix(".gz")
    for ext, fmt in FORMATS.items():
        if base.endswith(ext):
            return fmt
    known = ", ".join(FORMATS)
    raise InputFileError(
        path,
        "unknown graph format",
        fix=f"name it with one of {known} (optionally .gz), or use 'db' for the database",
    )


def read_bytes(path: str) -> bytes:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(path, "no such file", fix="check the path")
    if p.is_dir():
        raise InputFileError(path, "is a folder, not a file", fix="give a graph file")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read: {exc.strerror}") from None
    if not path.lower().endswith(".gz"):
        if raw[:2] == b"\x1f\x8b":
            raise InputFileError(
                path, "is gzip-compressed but its name does not end in .gz", fix="add .gz"
            )
        return raw
    try:
        return gzip.decompress(raw)
    except gzip.BadGzipFile:
        raise InputFileError(
            path, "is not a gzip file", fix="decompress it or remove .gz from its name"
        ) from None
    except (EOFError, zlib.error) as exc:
        raise InputFileError(
            path, f"is a damaged gzip file ({exc})", fix="download or compress it again"
        ) from None
