"""Graphs of people and ties: CSR arrays, readers, conversions and generators.

>>> from groundswell.network import read_graph  # doctest: +SKIP
>>> graph, report = read_graph("ties.csv")  # doctest: +SKIP
"""

from groundswell.network.build import LoadReport, from_arrays, from_labelled_edges
from groundswell.network.convert import from_igraph, from_networkx, to_igraph, to_networkx
from groundswell.network.graph import Graph
from groundswell.network.read import read_graph

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
