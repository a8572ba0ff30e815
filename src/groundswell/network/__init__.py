"""Graphs of people and ties: CSR arrays, readers, conversions and generators.

>>> import tempfile, pathlib
>>> from groundswell.network import read_graph
>>> ties = pathlib.Path(tempfile.mkdtemp()) / "ties.csv"
>>> _ = ties.write_text("source,target\\nana,ben\\nben,cy\\n")
>>> graph, report = read_graph(ties)
>>> graph.n, report.ties, graph.labels.tolist()
(3, 2, ['ana', 'ben', 'cy'])
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from groundswell.network.build import LoadReport, from_arrays, from_labelled_edges
    from groundswell.network.convert import from_igraph, from_networkx, to_igraph, to_networkx
    from groundswell.network.graph import Graph
    from groundswell.network.read import read_graph

# Loaded on first use: the readers compile numba kernels, which a command that
# only needs the Graph type (or --help) should not pay for.
_WHERE = {
    "Graph": "graph",
    "LoadReport": "build",
    "from_arrays": "build",
    "from_labelled_edges": "build",
    "from_igraph": "convert",
    "from_networkx": "convert",
    "to_igraph": "convert",
    "to_networkx": "convert",
    "read_graph": "read",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"groundswell.network.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'groundswell.network' has no attribute {name!r}")


__all__ = [
    "Graph",
    "LoadReport",
    "from_arrays",
    "from_igraph",
    "from_labelled_edges",
    "from_networkx",
    "read_graph",
    "to_igraph",
    "to_networkx",
]
