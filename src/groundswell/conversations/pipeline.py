"""One call from a vote matrix to groups, representative statements and consensus.

``analyse(matrix)`` runs the whole Pol.is-class recompute (reference sections
1.1-1.8): moderation mask, PCA map, who is clustered, base clusters, groups,
per-group statistics and representative statements, majority and group-aware
consensus, divisive statements and routing priorities.

``update(previous, pids, tids, votes)`` applies newer votes and recomputes
warm-started from ``previous``, as Pol.is does on every tick: the PCA starts
from the last basis, base clusters from the last centres, each k's groups
from that k's last centres, the clustered set only grows and the chosen k
moves only after the k-smoother agrees (``clusters.smooth_k``).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from groundswell.conversations import clusters as cl
from groundswell.conversations.consensus import Consensus, divisive, group_aware, majority
from groundswell.conversations.matrix import VoteMatrix, add_votes
from groundswell.conversations.pca import PCAResult, run_pca
from groundswell.conversations.repness import (
    Z90,
    GroupStats,
    RepStatement,
    group_stats,
    select_repness,
)
from groundswell.conversations.routing import pick, priorities
from groundswell.errors import InvalidInput
from groundswell.kernels.conversations_matrix import group_tallies
from groundswell.rng import Seed


@dataclass(frozen=True)
class Options:
    """Tunable constants; the defaults are Pol.is's (``conversation.clj:142-151``)."""

    min_votes: int = 7
    greedy_n: int = 15
    base_k: int = cl.BASE_K
    max_groups: int = cl.MAX_K
    n_init: int = 10
    z: float = Z90
    pick_max: int = 5


@dataclass(frozen=True)
class Analysis:
    """Everything one recompute produces; also the warm-start state for ``update``.

    Row ``i`` of the arrays over participants is ``matrix.pids[i]``; column ``j``
    of the arrays over statements is ``matrix.tids[j]``.
    """

    matrix: VoteMatrix
    moderated_out: frozenset[Hashable]
    meta: frozenset[Hashable]
    options: Options
    seed: int
    mod_out: np.ndarray  # bool over columns: moderated out or meta
    pca: PCAResult
    in_conv: np.ndarray  # bool over participants
    base: cl.BaseClusters
    groups: cl.Groups
    participant_group: np.ndarray  # group per participant, -1 if not clustered
    stats: GroupStats
    repness: list[list[RepStatement]]
    consensus: Consensus
    gac_agree: np.ndarray
    gac_disagree: np.ndarray
    divisive: list[tuple[int, float]]
    priority: np.ndarray
    seconds: float

    @property
    def k(self) -> int:
        return self.groups.k

    def group_sizes(self) -> np.ndarray:
        return np.bincount(self.participant_group[self.in_conv], minlength=self.k)

    def participants(self) -> dict[Hashable, int | None]:
        """Group of every participant (``None`` when not clustered)."""
        g = self.participant_group
        return {p: (int(g[i]) if g[i] >= 0 else None) for i, p in enumerate(self.matrix.pids)}

    def summary(self) -> dict[str, Any]:
        """JSON-ready result (the ``conversations analyse --json`` contract)."""
        tids = self.matrix.tids
        sizes = self.group_sizes()
        return {
            "participants": {str(p): g for p, g in self.participants().items()},
            "groups": [
                {"id": g, "size": int(sizes[g]), "repness": [r.to_dict() for r in self.repness[g]]}
                for g in range(self.k)
            ],
            "consensus": {
                "agree": [s.tid for s in self.consensus.agree],
                "disagree": [s.tid for s in self.consensus.disagree],
            },
            "divisive": [tids[j] for j, _ in self.divisive],
            "silhouette": {str(k): v for k, v in self.groups.silhouettes.items()},
            "n_participants": self.matrix.shape[0],
            "n_in_conversation": int(self.in_conv.sum()),
            "n_statements": self.matrix.shape[1],
            "n_votes": self.matrix.n_votes,
            "seconds": self.seconds,
        }


def _tid_order(tids: Sequence[Hashable]) -> np.ndarray:
    """Columns in statement-id order (Pol.is scans tids in order)."""
    try:
        # Ignored: a Hashable need not order, but ids are ints or strings, which do
        # among themselves; a mix raises the TypeError caught here.
        return np.array(sorted(range(len(tids)), key=lambda j: tids[j]), np.int64)  # type: ignore[arg-type,return-value]
    except TypeError:
        return np.array(sorted(range(len(tids)), key=lambda j: str(tids[j])), np.int64)


def analyse(
    matrix: VoteMatrix,
    *,
    moderated_out: Iterable[Hashable] = (),
    meta: Iterable[Hashable] = (),
    seed: int = 0,
    options: Options | None = None,
    previous: Analysis | None = None,
) -> Analysis:
    """Full recompute of a conversation's math.

    Parameters
    ----------
    matrix : VoteMatrix
        Latest votes (``matrix.build_matrix``).
    moderated_out, meta : iterable of statement ids
        Excluded from the math (zeroed columns, never representative or
        consensus); meta statements get the fixed routing priority 49.
    seed : int
        Seeds the k-means starts and the cold PCA start: same seed, same result.
    previous : Analysis, optional
        Warm-start state from the last recompute of the same conversation.
    """
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidInput(f"seed must be a non-negative integer, got {seed!r}")
    opts = options or (previous.options if previous is not None else Options())
    if opts.max_groups < 2:
        raise InvalidInput(f"max_groups must be at least 2, got {opts.max_groups}")
    moderated_out, meta = frozenset(moderated_out), frozenset(meta)
    started = time.perf_counter()
    n_rows, n_cols = matrix.shape
    mod_out = np.array([t in moderated_out or t in meta for t in matrix.tids], dtype=bool)
    is_meta = np.array([t in meta for t in matrix.tids], dtype=bool)

    pca = run_pca(matrix, mod_out, seed=seed, warm=previous.pca.basis if previous else None)
    in_conv = cl.in_conversation(
        matrix.row_counts(),
        n_cols,
        previous.in_conv if previous else None,
        opts.min_votes,
        opts.greedy_n,
    )
    rows = np.flatnonzero(in_conv)
    points = pca.participants[rows]
    group = np.full(n_rows, -1, np.int64)
    if rows.size:
        distinct = cl.distinct_points(points)  # both stages need it: sort once
        base = cl.base_clusters(
            points,
            k=opts.base_k,
            seed=seed,
            warm=previous.base.centres if previous else None,
            distinct=distinct,
        )
        groups = cl.group_clusters(
            base,
            points,
            max_k=opts.max_groups,
            seed=seed,
            n_init=opts.n_init,
            previous=previous.groups if previous else None,
            distinct=distinct,
        )
        group[rows] = groups.of_base[base.labels]
    else:
        base = cl.BaseClusters(np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros(0, np.int64))
        groups = cl.Groups(np.zeros(0, np.int64), np.zeros((0, 2)), 0, {})

    # One pass over the votes: unclustered rows tally into an extra last group,
    # so the per-group and everyone's counts come from the same table.
    n_tally = max(groups.k, 1)
    tally_group = np.where(group >= 0, group, n_tally)
    agree, disagree, seen = group_tallies(
        matrix.indptr, matrix.indices, matrix.data, tally_group, n_tally + 1, n_cols
    )
    all_a, all_d, all_s = agree.sum(0), disagree.sum(0), seen.sum(0)
    agree, disagree, seen = agree[:n_tally], disagree[:n_tally], seen[:n_tally]
    stats = group_stats(agree[: groups.k], disagree[: groups.k], seen[: groups.k])
    order = _tid_order(matrix.tids)
    eligible = order[~mod_out[order]]
    rep = select_repness(stats, matrix.tids, eligible, z=opts.z, pick_max=opts.pick_max)
    cons = majority(all_a, all_d, all_s, matrix.tids, eligible, z=opts.z, pick_max=opts.pick_max)
    gac_a, gac_d = group_aware(stats)
    prio = priorities(agree.sum(0), disagree.sum(0), seen.sum(0), pca.extremity, is_meta)
    matrix.pid_index()  # the id maps are warm-start state: ``update`` reuses them
    matrix.tid_index()
    seconds = time.perf_counter() - started
    return Analysis(
        matrix=matrix,
        moderated_out=moderated_out,
        meta=meta,
        options=opts,
        seed=int(seed),
        mod_out=mod_out,
        pca=pca,
        in_conv=in_conv,
        base=base,
        groups=groups,
        participant_group=group,
        stats=stats,
        repness=rep,
        consensus=cons,
        gac_agree=gac_a,
        gac_disagree=gac_d,
        divisive=divisive(stats, eligible, z=opts.z, pick_max=opts.pick_max),
        priority=prio,
        seconds=seconds,
    )


def update(
    previous: Analysis,
    pids: Sequence[Hashable],
    tids: Sequence[Hashable],
    votes: Sequence[int] | np.ndarray,
    timestamps: Sequence[float] | np.ndarray | None = None,
    *,
    moderated_out: Iterable[Hashable] | None = None,
    meta: Iterable[Hashable] | None = None,
) -> Analysis:
    """Apply newer votes and recompute warm-started from ``previous``.

    ``seconds`` of the result covers applying the votes and the recompute.
    """
    started = time.perf_counter()
    matrix = add_votes(previous.matrix, pids, tids, votes, timestamps)
    result = analyse(
        matrix,
        moderated_out=previous.moderated_out if moderated_out is None else moderated_out,
        meta=previous.meta if meta is None else meta,
        seed=previous.seed,
        previous=previous,
    )
    object.__setattr__(result, "seconds", time.perf_counter() - started)
    return result


def next_statement(
    analysis: Analysis,
    pid: Hashable,
    *,
    statements: Sequence[Hashable] | None = None,
    exclude: Iterable[Hashable] = (),
    seed: Seed = None,
) -> Hashable | None:
    """The statement ``pid`` should see next, drawn by Pol.is priority.

    ``statements`` lists every routable statement id (default: the matrix
    columns); ones not yet voted on by anyone get the priority of an unseen
    statement. Never returns a statement ``pid`` voted on, a moderated-out or
    meta-excluded one, or one in ``exclude``; ``None`` when none is left.
    """
    tids = list(analysis.matrix.tids)
    col = {t: j for j, t in enumerate(tids)}
    pool = tids if statements is None else list(statements)
    voted: set[Hashable] = set(exclude)
    try:
        row = analysis.matrix.pids.index(pid)
    except ValueError:
        row = None
    if row is not None:
        lo, hi = analysis.matrix.indptr[row], analysis.matrix.indptr[row + 1]
        voted.update(tids[j] for j in analysis.matrix.indices[lo:hi])
    unseen = float(priorities(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))[0])
    weights = np.empty(len(pool))
    allowed = np.empty(len(pool), dtype=bool)
    for k, t in enumerate(pool):
        j = col.get(t)
        weights[k] = unseen if j is None else analysis.priority[j]
        # meta statements are routed (priority 49) though kept out of the math
        allowed[k] = t not in voted and t not in analysis.moderated_out
    chosen = pick(weights, allowed, seed)
    return None if chosen is None else pool[chosen]


def warm_up() -> None:
    """Load every compiled kernel once, so a timed ``analyse`` measures math only."""
    from groundswell.conversations.synthetic import synthetic_votes

    analyse(synthetic_votes(40, 12, 300, seed=0).matrix(), seed=0)
