"""The ``GRAPH`` argument of ``spread`` and ``seeds``: an edge-list file, or ``db``.

``db`` reads the people and ties in the configured database and says on
stderr which tie kinds the graph holds (``tie kinds: attended_together (3),
knows (1)``), so an answer never mixes kinds of tie without saying so; stdout
stays the command's own output (``--json`` included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from groundswell.network.graph import Graph

err_console = Console(stderr=True, highlight=False)


def load_graph(path: str, *, directed: bool, weighted: bool = True) -> Graph:
    """A graph file, or ``db`` for the people and ties in the configured database."""
    if path == "db":
        from groundswell.cli.database import build_app
        from groundswell.store.graph import read_store_graph

        instance = build_app()
        try:
            graph, report = read_store_graph(instance, directed=directed, weighted=weighted)
        finally:
            instance.close()
        for note in report.notes:
            if note.startswith("tie kinds:"):
                err_console.print(note, markup=False)
        return graph
    from groundswell.network import read_graph

    return read_graph(path, directed=directed)[0]
