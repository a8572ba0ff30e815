"""The network as GraphML or GEXF for Gephi and Kumu: refs, communities, roles, seeds.

Nodes are labelled by person ref and carry ``community`` (as numbered on the
Network page: 1 is the largest), ``role`` (the strongest, or empty) and
``seed`` (chosen by the 3% page's default question); edges carry the tie
``kind``s, their ``origin``s and the ``weight``, one edge per pair of people
(two kinds of tie between the same two people are one edge naming both, as
the analyses read them). Nothing else about a person is written: no names,
towns or contact details. Every export is audited with who asked and how
many people it held.

Written by networkx's writers, which escape XML; characters XML 1.0 cannot
hold at all (control characters) are dropped from values first.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.network_picture import network_picture, people_of, picture_seeds
from groundswell.actions.scopes import visible_people
from groundswell.auth.permissions import Principal, scopes_for
from groundswell.errors import InvalidInput
from groundswell.store.models import Person, Tie

FORMATS = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _edges(db: Database, kinds: tuple[str, ...] | None) -> dict[tuple[int, int], dict[str, Any]]:
    """One entry per pair of people (by database id): kinds, origins, the first row's weight."""
    query = select(Tie.source_id, Tie.target_id, Tie.kind, Tie.origin, Tie.weight).order_by(Tie.id)
    if kinds is not None:
        query = query.where(Tie.kind.in_(kinds))
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    with db.reading() as session:
        for a, b, kind, origin, weight in session.execute(query):
            fresh = {"kind": set(), "origin": set(), "weight": float(weight)}
            found = pairs.setdefault((min(a, b), max(a, b)), fresh)
            found["kind"].add(kind)
            found["origin"].add(origin)
    return pairs


def network_graph(
    db: Database, *, principal: Principal | None = None, tie_kinds: Sequence[str] | None = None
) -> Any:
    """The network as a ``networkx.Graph`` with its attributes; only people ``principal``
    may see (None: the operator at the command line, who holds the database)."""
    import networkx as nx

    kinds = tuple(sorted(set(tie_kinds))) if tie_kinds else None
    pic = network_picture(db, kinds)
    if pic.graph.n == 0:
        raise InvalidInput("there are no people in the database yet; import people and ties")
    seeds = picture_seeds(pic)  # of this very picture: a write since would shift them
    keep = np.ones(pic.graph.n, bool)
    if principal is not None and not scopes_for(principal).everything:
        with db.reading() as session:
            ids = session.scalars(visible_people(select(Person.id), principal)).all()
        keep = np.isin(pic.pids, np.array(ids, np.int64))
    graph = nx.Graph()
    where: dict[int, str] = {}
    chosen = np.flatnonzero(keep).tolist()
    refs = people_of(db, [int(pic.pids[i]) for i in chosen])
    for i in chosen:
        ref = _text(refs[int(pic.pids[i])][0])
        where[int(pic.pids[i])] = ref
        graph.add_node(ref, label=ref, community=int(pic.community[i]) + 1,
                       role=pic.roles[i] or "", seed=bool(seeds[i]))  # fmt: skip
    for (a, b), tie in _edges(db, kinds).items():
        if a in where and b in where:
            graph.add_edge(where[a], where[b], kind=_text(";".join(sorted(tie["kind"]))),
                           origin=_text(";".join(sorted(tie["origin"]))),
                           weight=tie["weight"])  # fmt: skip
    return graph


def export_network(
    db: Database,
    fmt: str,
    *,
    actor: str,
    principal: Principal | None = None,
    tie_kinds: Sequence[str] | None = None,
) -> bytes:
    """The network as GraphML or GEXF bytes (``fmt``), audited under ``actor``."""
    import networkx as nx

    if fmt not in FORMATS:
        raise InvalidInput(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    graph = network_graph(db, principal=principal, tie_kinds=tie_kinds)
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, out, encoding="utf-8")
    else:
        nx.write_gexf(graph, out, encoding="utf-8")
    with db.transaction() as session:
        detail = {"format": fmt, "people": graph.number_of_nodes(),
                  "tie_kinds": list(tie_kinds or [])}  # fmt: skip
        record_access(session, actor, "network.export", None, None, detail)
    return out.getvalue()
