"""Read the people and ties in the store into a ``Graph`` (the ``db`` GRAPH argument).

Every person is a node, labelled by their ``ref`` and numbered in order of
their database id, so someone with no ties yet is still counted. Ties carry
their ``weight`` (a tie strength, > 0, 1 by default). Two rows for the same
pair (different ``kind``s, or ``a->b`` and ``b->a`` read undirected) are one
tie that keeps the first row's weight, counted in ``duplicates_merged``.

Ties have kinds (``knows`` from imports, ``attended_together`` from events
people came to together, ...). ``kinds`` chooses which are read (default: all)
and the report's notes say which kinds the graph holds and how many rows of
each, e.g. ``tie kinds: attended_together (3), knows (1)``, so an analysis
never mixes kinds of tie without saying so.

``read_chosen_ties`` is what the commands, pages and API call: it checks the
kinds asked for against the kinds present (a kind with no ties is refused,
naming those there are) and returns a ``TieKinds``, the statement every
answer carries of which kinds it used and how ties were read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.network.build import LoadReport, from_arrays
from groundswell.network.graph import Graph
from groundswell.store.models.people import Person, Tie


def read_store_graph(
    source: Any,
    *,
    directed: bool = False,
    weighted: bool = True,
    kinds: Collection[str] | None = None,
) -> tuple[Graph, LoadReport]:
    """The people and ties in the store as a ``Graph``.

    Parameters
    ----------
    source : a SQLAlchemy ``Session``, or an object with a ``reading()``
        context manager that yields one (the ``App``)
    directed : keep each tie's ``source -> target`` direction only
    weighted : keep the ties' ``weight`` column as per-tie weights
    kinds : the tie kinds to read (None: every kind)

    Returns
    -------
    (Graph, LoadReport) with ``lines`` = 0 and ``edges_read`` = tie rows.
    """
    if isinstance(source, Session):
        return _read(source, directed, weighted, kinds)
    with source.reading() as session:
        return _read(session, directed, weighted, kinds)


def _read(
    session: Session, directed: bool, weighted: bool, kinds: Collection[str] | None
) -> tuple[Graph, LoadReport]:
    people = session.execute(select(Person.id, Person.ref).order_by(Person.id)).all()
    pids = np.fromiter((p[0] for p in people), dtype=np.int64, count=len(people))
    labels = np.array([p[1] for p in people], dtype=str)
    chosen = select(Tie.source_id, Tie.target_id, Tie.weight).order_by(Tie.id)
    per_kind = select(Tie.kind, func.count()).group_by(Tie.kind).order_by(Tie.kind)
    if kinds is not None:
        chosen = chosen.where(Tie.kind.in_(sorted(kinds)))
        per_kind = per_kind.where(Tie.kind.in_(sorted(kinds)))
    rows = session.execute(chosen).all()
    held = ", ".join(f"{kind} ({n:,})" for kind, n in session.execute(per_kind))
    count = len(rows)
    ends = np.fromiter((x for r in rows for x in r[:2]), dtype=np.int64, count=2 * count)
    weights = np.fromiter((r[2] for r in rows), dtype=np.float64, count=count) if weighted else None
    # Person ids are sorted, so a binary search maps database ids to 0..n-1.
    ids = np.searchsorted(pids, ends).astype(np.int32)
    graph, report = from_arrays(
        ids[0::2],
        ids[1::2],
        n=len(people),
        labels=labels,
        directed=directed,
        weights=weights,
    )
    return graph, replace(report, notes=(*report.notes, f"tie kinds: {held or 'none'}"))


@dataclass(frozen=True)
class TieKinds:
    """Which tie kinds an answer used (kind, tie rows), and whether ties were read one way."""

    used: tuple[tuple[str, int], ...]
    directed: bool

    def statement(self) -> str:
        """``tie kinds: health_talk (212); each tie read both ways``."""
        held = ", ".join(f"{kind} ({n:,})" for kind, n in self.used) or "none"
        how = "each tie read one way, as named" if self.directed else "each tie read both ways"
        return f"tie kinds: {held}; {how}"

    def as_json(self) -> dict[str, object]:
        """The ``tie_kinds`` field of ``spread``, ``seeds`` and ``roles --json`` and the API."""
        return {
            "used": dict(self.used),
            "directed": self.directed,
            "statement": self.statement(),
        }


def tie_kind_counts(source: Any) -> dict[str, int]:
    """Every tie kind in the store and its tie rows, by kind name."""
    if not isinstance(source, Session):
        with source.reading() as session:
            return tie_kind_counts(session)
    query = select(Tie.kind, func.count()).group_by(Tie.kind).order_by(Tie.kind)
    return {str(kind): int(n) for kind, n in source.execute(query)}


def check_tie_kinds(
    asked: Sequence[str] | None, present: dict[str, int], *, label: str = "--tie-kind"
) -> tuple[str, ...] | None:
    """The distinct kinds asked for, sorted (None: all kinds), each one present in the store.

    ``label`` names the option or field in the message (``--tie-kind``, ``tie_kind``).
    """
    chosen = sorted({kind.strip() for kind in asked or () if kind.strip()})
    if not chosen:
        return None
    missing = [kind for kind in chosen if kind not in present]
    if missing:
        there = ", ".join(f"{kind} ({n})" for kind, n in present.items()) or "none yet"
        raise InvalidInput(
            f"{label} {missing[0]}: no ties of that kind are recorded; "
            f"choose from the kinds there are: {there}"
        )
    return tuple(chosen)


def read_chosen_ties(
    source: Any,
    kinds: Sequence[str] | None,
    *,
    directed: bool = False,
    weighted: bool = True,
    label: str = "--tie-kind",
) -> tuple[Graph, LoadReport, TieKinds]:
    """``read_store_graph`` of the kinds asked for (checked; None: all) and its statement."""
    if not isinstance(source, Session):
        with source.reading() as session:
            return read_chosen_ties(
                session, kinds, directed=directed, weighted=weighted, label=label
            )
    present = tie_kind_counts(source)
    chosen = check_tie_kinds(kinds, present, label=label)
    graph, report = _read(source, directed, weighted, chosen)
    used = tuple((k, n) for k, n in present.items() if chosen is None or k in chosen)
    return graph, report, TieKinds(used, directed)
