"""Sparse participant x statement vote matrix; the latest vote on a cell wins.

Sign convention: the Pol.is open-data export sign, **agree = +1, disagree =
-1, pass = 0** (``darwin/export.clj:106-111``), which red-dwarf also uses.
Inside its math Pol.is stores the opposite sign (agree = -1, ``utils.clj:40-49``);
that only flips the principal axes, which we sign-normalise anyway, and no
statistic depends on it.

Rows are participants and columns statements, each in order of first
appearance (Pol.is ``named_matrix.clj``), so new participants and statements
append without renumbering. A missing cell means "not seen"; a stored 0 is a
pass (scipy keeps explicit zeros when a CSR is built from its arrays).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from groundswell.errors import InvalidInput
from groundswell.kernels.conversations_matrix import build_csr, merge_csr

AGREE, PASS, DISAGREE = 1, 0, -1


@dataclass(frozen=True)
class VoteMatrix:
    """Latest votes as CSR arrays plus the participant and statement ids.

    Attributes
    ----------
    pids, tids : list
        Participant and statement ids, in row and column order.
    indptr, indices, data : numpy.ndarray
        CSR arrays; ``data`` is int8 in {-1, 0, +1}; indices sorted per row.
    """

    pids: list[Hashable]
    tids: list[Hashable]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    # id -> row and id -> column maps, built on first use and handed on by
    # ``add_votes`` so an update does not re-index every participant.
    _pid_index: dict[Hashable, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _tid_index: dict[Hashable, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def pid_index(self) -> dict[Hashable, int]:
        """Row of each participant id (do not modify the returned dict)."""
        index = self._pid_index
        if index is None:
            index = {p: i for i, p in enumerate(self.pids)}
            object.__setattr__(self, "_pid_index", index)
        return index

    def tid_index(self) -> dict[Hashable, int]:
        """Column of each statement id (do not modify the returned dict)."""
        index = self._tid_index
        if index is None:
            index = {t: j for j, t in enumerate(self.tids)}
            object.__setattr__(self, "_tid_index", index)
        return index

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.pids), len(self.tids)

    @property
    def n_votes(self) -> int:
        return int(self.indices.shape[0])

    def csr(self, dtype: type = np.float64) -> sp.csr_matrix:
        """The matrix as scipy CSR (explicit zeros are passes)."""
        return sp.csr_matrix((self.data.astype(dtype), self.indices, self.indptr), shape=self.shape)

    def row_counts(self) -> np.ndarray:
        """Votes per participant, passes included (Pol.is ``user-vote-counts``)."""
        return np.diff(self.indptr)

    def to_dense(self) -> np.ndarray:
        """Dense float matrix with NaN where a participant has not voted."""
        out = np.full(self.shape, np.nan)
        rows = np.repeat(np.arange(self.shape[0]), self.row_counts())
        out[rows, self.indices] = self.data
        return out

    def triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(row, col, vote)`` arrays of the stored cells."""
        rows = np.repeat(np.arange(self.shape[0]), self.row_counts())
        return rows, self.indices.astype(np.int64), self.data


def _codes(
    labels: Sequence[Hashable], known: list[Hashable], index: dict[Hashable, int]
) -> np.ndarray:
    """Integer codes for ``labels``, appending unseen ones to ``known`` in order."""
    out = np.empty(len(labels), np.int64)
    for k, label in enumerate(labels):
        code = index.get(label)
        if code is None:
            code = index[label] = len(known)
            known.append(label)
        out[k] = code
    return out


def _check_votes(votes: Sequence[int] | np.ndarray) -> np.ndarray:
    values = np.asarray(votes)
    if values.size and not np.isin(values, (-1, 0, 1)).all():
        bad = values[~np.isin(values, (-1, 0, 1))][0]
        raise InvalidInput(f"vote {bad!r} is not -1, 0 or 1; use 1 agree, -1 disagree, 0 pass")
    return values.astype(np.int8)


def _time_order(n: int, timestamps: Sequence[float] | np.ndarray | None) -> np.ndarray | None:
    if timestamps is None:
        return None
    ts = np.asarray(timestamps)
    if ts.shape[0] != n:
        raise InvalidInput(f"{ts.shape[0]} timestamps for {n} votes; give one per vote")
    return np.argsort(ts, kind="stable")  # ties keep input order


def build_matrix(
    pids: Sequence[Hashable],
    tids: Sequence[Hashable],
    votes: Sequence[int] | np.ndarray,
    timestamps: Sequence[float] | np.ndarray | None = None,
) -> VoteMatrix:
    """Build the vote matrix from a vote log; the latest vote per cell wins.

    Parameters
    ----------
    pids, tids : sequence
        Participant and statement id of each vote.
    votes : sequence of int
        +1 agree, -1 disagree, 0 pass (export sign).
    timestamps : sequence, optional
        Time of each vote; without it the log order is the time order.

    Examples
    --------
    >>> m = build_matrix(["a", "a", "b"], [1, 1, 2], [1, -1, 0])
    >>> m.shape, m.data.tolist()
    ((2, 2), [-1, 0])
    """
    n = len(votes)
    if len(pids) != n or len(tids) != n:
        raise InvalidInput("pids, tids and votes must have the same length")
    values = _check_votes(votes)
    order = _time_order(n, timestamps)
    if order is not None:
        pids = [pids[k] for k in order]
        tids = [tids[k] for k in order]
        values = values[order]
    known_p: list[Hashable] = []
    known_t: list[Hashable] = []
    rows = _codes(pids, known_p, {})
    cols = _codes(tids, known_t, {})
    return from_codes(rows, cols, values, known_p, known_t)


def from_codes(
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    pids: list[Hashable],
    tids: list[Hashable],
) -> VoteMatrix:
    """Build from integer row/column codes (votes in time order): the fast path."""
    rows = np.ascontiguousarray(rows, np.int64)
    cols = np.ascontiguousarray(cols, np.int64)
    values = np.ascontiguousarray(_check_votes(values))
    if rows.size and (rows.min() < 0 or rows.max() >= len(pids)):
        raise InvalidInput("a row code is outside the participant list")
    if cols.size and (cols.min() < 0 or cols.max() >= len(tids)):
        raise InvalidInput("a column code is outside the statement list")
    indptr, indices, data = build_csr(rows, cols, values, len(pids), len(tids))
    return VoteMatrix(list(pids), list(tids), indptr, indices, data)


def add_votes(
    matrix: VoteMatrix,
    pids: Sequence[Hashable],
    tids: Sequence[Hashable],
    votes: Sequence[int] | np.ndarray,
    timestamps: Sequence[float] | np.ndarray | None = None,
) -> VoteMatrix:
    """A new matrix with ``votes`` applied on top of ``matrix`` (they are newer).

    New participants and statements are appended as rows and columns, so
    existing row and column numbers stay valid.
    """
    n = len(votes)
    if len(pids) != n or len(tids) != n:
        raise InvalidInput("pids, tids and votes must have the same length")
    values = _check_votes(votes)
    order = _time_order(n, timestamps)
    if order is not None:
        pids = [pids[k] for k in order]
        tids = [tids[k] for k in order]
        values = values[order]
    known_p = list(matrix.pids)
    known_t = list(matrix.tids)
    p_index, t_index = matrix.pid_index(), matrix.tid_index()
    # Copy a map only when new ids must be appended: ``matrix`` stays unchanged.
    if any(p not in p_index for p in pids):
        p_index = dict(p_index)
    if any(t not in t_index for t in tids):
        t_index = dict(t_index)
    rows = _codes(pids, known_p, p_index)
    cols = _codes(tids, known_t, t_index)
    n_rows, n_cols = len(known_p), len(known_t)
    b_ptr, b_idx, b_val = build_csr(rows, cols, values, n_rows, n_cols)
    grow = n_rows - matrix.shape[0]
    a_ptr = np.concatenate([matrix.indptr, np.full(grow, matrix.indptr[-1], np.int64)])
    indptr, indices, data = merge_csr(a_ptr, matrix.indices, matrix.data, b_ptr, b_idx, b_val)
    out = VoteMatrix(known_p, known_t, indptr, indices, data)
    object.__setattr__(out, "_pid_index", p_index)
    object.__setattr__(out, "_tid_index", t_index)
    return out
