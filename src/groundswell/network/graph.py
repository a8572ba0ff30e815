"""A compact graph of people and ties: CSR arrays with labels.

Nodes are contiguous ``int32`` ids ``0..n-1``; ``labels[i]`` is the person's
label (the id in the source file or the store). Out-neighbours of ``u`` are
``indices[indptr[u]:indptr[u+1]]``, sorted. An undirected graph stores each tie
in both directions, so every kernel can treat graphs as directed.

Memory: ``indptr`` is ``int64`` (n+1), ``indices`` ``int32`` (m), optional
``weights`` ``float32`` (m): 4-8 bytes per stored edge plus 8 per node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Graph:
    """Directed CSR adjacency with labels; undirected graphs store both directions.

    Parameters
    ----------
    indptr : int64 array, shape (n + 1,)
    indices : int32 array, shape (m,), sorted within each row
    labels : array, shape (n,), node labels (str or int)
    directed : whether the input ties were directed
    weights : optional float32 array, shape (m,): per-edge weight or probability
    """

    indptr: np.ndarray
    indices: np.ndarray
    labels: np.ndarray
    directed: bool = False
    weights: np.ndarray | None = None
    _reverse: list[Graph] = field(default_factory=list, repr=False, compare=False)
    _index: dict[Any, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return int(self.indptr.shape[0] - 1)

    @property
    def m(self) -> int:
        """Number of ties: stored edges, halved for an undirected graph."""
        stored = int(self.indices.shape[0])
        return stored if self.directed else stored // 2

    @property
    def stored_edges(self) -> int:
        return int(self.indices.shape[0])

    def out_degree(self) -> np.ndarray:
        return np.diff(self.indptr).astype(np.int64)

    def in_degree(self) -> np.ndarray:
        return np.bincount(self.indices, minlength=self.n).astype(np.int64)

    def neighbours(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def reverse(self) -> Graph:
        """The transposed graph (in-neighbours as rows), built once on first use."""
        if not self.directed:
            return self
        if not self._reverse:
            from groundswell.network.build import from_arrays

            src = np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.indptr))
            self._reverse.append(
                from_arrays(
                    self.indices,
                    src,
                    n=self.n,
                    labels=self.labels,
                    directed=True,
                    weights=self.weights,
                    deduplicate=False,
                )[0]
            )
        return self._reverse[0]

    def ids_of(self, labels: list[Any]) -> np.ndarray:
        """Contiguous ids of ``labels``; raises ``InvalidInput`` naming unknown ones."""
        if not self._index:
            self._index.update({_key(lab): i for i, lab in enumerate(self.labels.tolist())})
        missing = [lab for lab in labels if _key(lab) not in self._index]
        if missing:
            from groundswell.errors import InvalidInput

            shown = ", ".join(map(str, missing[:5]))
            raise InvalidInput(f"unknown node label(s): {shown}; check the seeds against the graph")
        return np.array([self._index[_key(lab)] for lab in labels], dtype=np.int32)

    def nbytes(self) -> int:
        total = self.indptr.nbytes + self.indices.nbytes
        if self.weights is not None:
            total += self.weights.nbytes
        return total


def _key(label: Any) -> str:
    # Labels from files are strings, from the CLI strings, from code maybe ints:
    # compare them as text so "17" and 17 name the same person.
    return str(label)
