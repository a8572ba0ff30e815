"""The network picture of the movement in the store: communities, layout, roles and seeds.

The use case behind ``/network``. Reading 20,000 people, finding their
communities and laying them out takes seconds, so each process keeps the
result for the data it was computed from, keyed like the roles report
(``actions.roles_report``): this process's versions of the tables read
(``actions.data_version``, bumped by every write) and a cheap fingerprint
read in the same session, for writes by other processes. An opened
community is laid out on first request and kept with the rest.

Roles come from the roles report (the Leadership page's, on the same kinds
of tie), seeds from the 3% page's default
question (independent cascade, p = 0.1, 90% of everyone) on the ties drawn.
What each viewer may see is decided per viewing in ``actions.network_view``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database, data_version
from groundswell.actions.snapshot import reading_snapshot
from groundswell.errors import InvalidInput, NotFound
from groundswell.network.graph import Graph
from groundswell.network.picture import OTHER, Picture, communities, draw, merged
from groundswell.store.graph import check_tie_kinds, read_store_graph, tie_kind_counts
from groundswell.store.models import Person, Tie

READ_TABLES = ("people", "ties")
MAX_CACHED = 8  # (database, kinds of tie) pictures one process keeps
SEED = 0  # the picture's seed: the same data always gives the same picture
TIE_KINDS_LABEL = "Kind of tie"
_PUBLIC = -2  # where ``NetworkPicture.public`` is kept among the opened (no community's id)


@dataclass(frozen=True, eq=False)
class NetworkPicture:
    """Everything about the picture that is the same for every viewer."""

    key: tuple[Any, ...]
    tie_kinds: tuple[str, ...] | None
    graph: Graph
    pids: np.ndarray  # database ids, in graph order (refs and names are read afresh)
    community: np.ndarray  # Leiden communities, largest first
    resolution: float
    overview: Picture
    roles: list[str | None]  # each person's strongest role (None: no role)
    seconds: float
    _opened: dict[int, Picture] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _seeds: list[np.ndarray] = field(default_factory=list, repr=False)
    _seeds_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def known_seeds(self) -> np.ndarray | None:
        """The seeds (``picture_seeds``), if they have been worked out for this picture."""
        return self._seeds[0] if self._seeds else None

    @property
    def groups(self) -> np.ndarray:
        """Communities as drawn: those under 10 people merged as ``OTHER``."""
        return merged(self.community)

    def public(self) -> Picture:
        """The overview for a viewer who may not see people: without the people of
        communities under 10 (``draw``'s ``leave_out_small``), laid out once and kept."""
        if self.overview.kind != "people" or not (self.groups == OTHER).any():
            return self.overview
        with self._lock:
            found = self._opened.get(_PUBLIC)
            if found is None:
                found = draw(self.graph, self.community, seed=SEED, leave_out_small=True)
                self._opened[_PUBLIC] = found
            return found

    def opened(self, community: int) -> Picture:
        """Community ``community`` laid out person by person (kept once computed)."""
        with self._lock:
            found = self._opened.get(community)
            if found is None:
                if community != OTHER and not 0 <= community <= int(self.groups.max(initial=-1)):
                    raise NotFound(f"there is no community {community} in this picture")
                try:
                    found = draw(self.graph, self.community, seed=SEED, expand=community)
                except ValueError:
                    raise NotFound(f"community {community} has nobody in it to show") from None
                self._opened[community] = found
            return found


_CACHE: dict[tuple[str, tuple[str, ...] | None], NetworkPicture] = {}
_LOCK = threading.Lock()


def fingerprint(session: Session) -> tuple[Any, ...]:
    """What the picture is drawn from, cheaply: it changes whenever that data may have."""
    parts: list[Any] = list(data_version.current(READ_TABLES))
    for query in (
        select(func.count(), func.max(Person.id)),
        select(func.count(), func.max(Tie.id), func.sum(Tie.weight)),
    ):
        parts.extend(session.execute(query).one())
    return tuple(parts)


def check_kinds(session: Session, kinds: Sequence[str] | None) -> tuple[str, ...] | None:
    """The kinds of tie asked for, sorted (None: every kind); ``InvalidInput`` naming any
    the store has no ties of."""
    return check_tie_kinds(kinds, tie_kind_counts(session), label=TIE_KINDS_LABEL)


def network_picture(db: Database, tie_kinds: Sequence[str] | None = None) -> NetworkPicture:
    """The picture for the data as it is now, on ties of ``tie_kinds`` (None: every kind)."""
    with _LOCK:  # one computation at a time; the next request finds it cached
        with reading_snapshot(db) as session:
            kinds = check_kinds(session, tie_kinds)
            url = session.get_bind().engine.url.render_as_string(hide_password=False)
            # A new engine (a new App) has not seen the writes made before it was watched.
            key = (url, id(session.get_bind().engine), fingerprint(session))
            hit = _CACHE.get((url, kinds))
            if hit is None or hit.key != key:
                _CACHE.pop((url, kinds), None)
                while len(_CACHE) >= MAX_CACHED:  # oldest first (dicts keep order)
                    _CACHE.pop(next(iter(_CACHE)))
                hit = _CACHE[(url, kinds)] = _compute(db, session, key, kinds)
        return hit


def _compute(
    db: Database, session: Session, key: tuple[Any, ...], kinds: tuple[str, ...] | None
) -> NetworkPicture:
    from groundswell.actions.roles_report import primary_role, roles_report

    started = time.perf_counter()
    graph = read_store_graph(session, kinds=kinds)[0]
    pids = np.array(session.scalars(select(Person.id).order_by(Person.id)).all(), np.int64)
    community, resolution = communities(graph, SEED)
    overview = draw(graph, community, seed=SEED)
    roles: list[str | None] = [None] * graph.n
    if graph.n:
        report = roles_report(db, kinds)
        if report.result is not None:
            where = {int(pid): i for i, pid in enumerate(report.pids.tolist())}
            for i, pid in enumerate(pids.tolist()):
                j = where.get(int(pid))
                roles[i] = None if j is None else primary_role(report.result, j)
    return NetworkPicture(
        key=key, tie_kinds=kinds, graph=graph, pids=pids, community=community,
        resolution=resolution, overview=overview, roles=roles,
        seconds=time.perf_counter() - started,
    )  # fmt: skip


def people_of(db: Database, pids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Ref and display name of each of ``pids``, read now: a renamed person shows at once."""
    found: dict[int, tuple[str, str | None]] = {}
    with db.reading() as session:
        for start in range(0, len(pids), 5_000):  # bound the IN list
            chunk = [int(p) for p in pids[start : start + 5_000]]
            query = select(Person.id, Person.ref, Person.display_name).where(Person.id.in_(chunk))
            found.update({int(pid): (ref, name) for pid, ref, name in session.execute(query)})
    return found


def default_seeds(db: Database, tie_kinds: Sequence[str] | None = None) -> np.ndarray:
    """``picture_seeds`` of the picture of the data as it is now."""
    return picture_seeds(network_picture(db, tie_kinds))


def picture_seeds(pic: NetworkPicture) -> np.ndarray:
    """Who the 3% page's default question chooses on ``pic``'s ties, as a mask in its graph
    order: independent cascade with p = 0.1, the fewest people reaching 90% of everyone.

    Worked out from the graph in hand, never from a second read: a write in between
    would give seeds of another version of the network, in another order. Worked out
    once per picture and kept with it."""
    from groundswell.actions.seeds import _ONE_AT_A_TIME, SeedsQuestion, _choose
    from groundswell.seeds import Constraints
    from groundswell.spread import Model

    if pic.graph.n == 0:
        raise InvalidInput("there are no people in the database yet; import people and ties")
    with pic._seeds_lock:
        if not pic._seeds:
            question = SeedsQuestion(Model("ic", p=0.1), "target", 0.9, None, False, 0)
            with _ONE_AT_A_TIME:
                selection = _choose(pic.graph, question, Constraints())[0]
            mask = np.zeros(pic.graph.n, bool)
            mask[np.asarray(selection.seeds, np.int64)] = True
            pic._seeds.append(mask)
        return pic._seeds[0]
