"""GraphML and GEXF readers: networkx's parsers, with errors that name file and line.

networkx silently adds a node that an edge mentions but the file never
declares; a typo in an id would then invent a person. A quick SAX pass first
checks the XML is well formed (the parser gives the line) and that every edge
joins declared nodes. Node ids are text labels in file order. The file's own
directedness is kept unless the caller overrides it. The weight is the edge
attribute ``weight_column``, by default ``weight`` (finite, > 0) or else ``p``
(a probability in [0, 1]) when edges carry one.
"""

from __future__ import annotations

import io
import xml.sax
from dataclasses import replace
from typing import Any

import numpy as np

from groundswell.errors import InputFileError, InvalidInput
from groundswell.network.build import LoadReport
from groundswell.network.convert import from_networkx
from groundswell.network.graph import Graph

_PROBABILITY_NAMES = ("p", "prob", "probability")


class _Scan(xml.sax.handler.ContentHandler):
    """Collect declared node ids and each edge's endpoints with its line."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: set[str] = set()
        self.edges: list[tuple[str | None, str | None, int]] = []
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def startElement(self, name: str, attrs: Any) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "node" and "id" in attrs:
            self.nodes.add(attrs["id"])
        elif local == "edge":
            line = self.locator.getLineNumber() if self.locator else 0
            self.edges.append((attrs.get("source"), attrs.get("target"), line))


def read_xml_graph(
    path: str,
    data: bytes,
    *,
    kind: str,
    directed: bool | None,
    weight_column: str | int | None,
) -> tuple[Graph, LoadReport]:
    """Read GraphML (``kind="graphml"``) or GEXF (``kind="gexf"``) bytes."""
    import networkx as nx

    if not data.strip():
        raise InputFileError(path, "the file is empty", fix=f"give a {kind.upper()} document")
    scan = _check_structure(path, data)
    reader = nx.read_graphml if kind == "graphml" else nx.read_gexf
    try:
        G = reader(io.BytesIO(data))
    except (nx.NetworkXError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InputFileError(
            path, f"not a readable {kind.upper()} graph: {exc}", fix="check the file's structure"
        ) from None
    except Exception as exc:  # ElementTree raises its own ParseError; SAX usually catches it first
        position = getattr(exc, "position", None)
        raise InputFileError(
            path, f"not valid XML: {exc}", line=position[0] if position else None
        ) from None
    if G.number_of_nodes() == 0:
        raise InputFileError(path, "has no nodes", fix=f"add <node> elements to the {kind}")
    if isinstance(weight_column, int) or (
        isinstance(weight_column, str) and weight_column.isdigit()
    ):
        raise InvalidInput(
            f"{path}: in {kind.upper()} the weight is an edge attribute; give its name, "
            f"not the number {weight_column}"
        )
    name = _weight_name(G, weight_column)
    if name is not None:
        _check_weights(path, G, name, scan)
    try:
        graph, report = from_networkx(G, weight=name, directed=directed)
    except InvalidInput as exc:
        raise InputFileError(path, exc.message) from None
    return graph, replace(report, lines=data.count(b"\n") + (not data.endswith(b"\n")))


def _check_structure(path: str, data: bytes) -> _Scan:
    scan = _Scan()
    parser = xml.sax.make_parser()
    parser.setContentHandler(scan)
    # No external entities or DTDs are fetched: the file alone defines the graph.
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    try:
        parser.parse(io.BytesIO(data))
    except xml.sax.SAXParseException as exc:
        raise InputFileError(
            path,
            f"not valid XML: {exc.getMessage()}",
            line=exc.getLineNumber(),
            fix="is it truncated, or not XML at all?",
        ) from None
    for source, target, line in scan.edges:
        for end, value in (("source", source), ("target", target)):
            if value is None:
                raise InputFileError(path, f"an edge has no '{end}'", line=line)
            if value not in scan.nodes:
                raise InputFileError(
                    path,
                    f"edge {source} -> {target} names node '{value}', which is not declared",
                    line=line,
                    fix=f'add <node id="{value}"/> or correct the id',
                )
    return scan


def _weight_name(G: Any, weight_column: str | None) -> str | None:
    keys: set[str] = set()
    for _, _, d in G.edges(data=True):
        keys.update(d)
    if weight_column is not None:
        if weight_column not in keys:
            shown = ", ".join(sorted(keys)) or "none"
            raise InvalidInput(
                f"no edge has the attribute '{weight_column}'; edge attributes: {shown}"
            )
        return weight_column
    for candidate in ("weight", *_PROBABILITY_NAMES):
        if candidate in keys:
            return candidate
    return None


def _check_weights(path: str, G: Any, name: str, scan: _Scan) -> None:
    probability = name.lower() in _PROBABILITY_NAMES
    for u, v, value in G.edges(data=name):
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = float("nan")
        bad = not np.isfinite(x) or (not 0.0 <= x <= 1.0 if probability else x <= 0.0)
        if bad:
            # Edge order in networkx follows the file for simple graphs; the line is a hint.
            line = _edge_line(scan, u, v)
            rule = "a probability between 0 and 1" if probability else "a finite number > 0"
            shown = "missing" if value is None else f"{value!r}"
            raise InputFileError(
                path,
                f"edge {u} -> {v}: '{name}' is {shown}",
                line=line,
                field=name,
                fix=f"give every edge {rule}",
            )


def _edge_line(scan: _Scan, u: Any, v: Any) -> int | None:
    for source, target, line in scan.edges:
        if {source, target} == {str(u), str(v)}:
            return line
    return None
