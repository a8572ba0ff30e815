"""The ``GRAPH`` argument of ``spread``, ``seeds`` and ``roles``: an edge-list file, or ``db``.

``db`` reads the people and ties in the configured database, of the kinds
``--tie-kind`` names (repeatable; default every kind), and says which kinds
the graph holds and how ties were read (``tie kinds: attended_together (3),
knows (1); each tie read both ways``), so an answer never mixes kinds of
tie without saying so. An edge-list file has no kinds: ``--tie-kind`` with
one is refused rather than silently ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from groundswell.errors import InvalidInput

if TYPE_CHECKING:
    from groundswell.network.graph import Graph
    from groundswell.store.graph import TieKinds

err_console = Console(stderr=True, highlight=False)


def refuse_kinds_for_file(path: str, tie_kinds: list[str] | None) -> None:
    """``--tie-kind`` chooses among the kinds of ties in the database, not in a file."""
    if path != "db" and tie_kinds:
        raise InvalidInput(
            f"--tie-kind {tie_kinds[0]}: {path} is an edge list, whose ties have no kinds; "
            "use GRAPH db to choose kinds of tie, or leave --tie-kind out"
        )


def load_graph_kinds(
    path: str, *, directed: bool, weighted: bool = True, tie_kinds: list[str] | None = None
) -> tuple[Graph, TieKinds | None]:
    """A graph file (no kinds: None), or ``db`` with the tie kinds it was read from."""
    refuse_kinds_for_file(path, tie_kinds)
    if path == "db":
        from groundswell.cli.database import build_app
        from groundswell.store.graph import read_chosen_ties

        instance = build_app()
        try:
            graph, _, used = read_chosen_ties(
                instance, tie_kinds, directed=directed, weighted=weighted
            )
        finally:
            instance.close()
        return graph, used
    from groundswell.network import read_graph

    return read_graph(path, directed=directed)[0], None


def load_graph(path: str, *, directed: bool, weighted: bool = True) -> Graph:
    """A graph file, or ``db`` for the people and ties in the configured database
    (the tie kinds it holds said on stderr)."""
    graph, used = load_graph_kinds(path, directed=directed, weighted=weighted)
    if used is not None:
        err_console.print(used.statement(), markup=False)
    return graph
