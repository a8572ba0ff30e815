"""Map node labels to contiguous ids, vectorised.

Integer labels keep their values and are numbered in ascending order, so a
SNAP file with ids ``0..n-1`` gets ``id == label``. Text labels are numbered in
order of first appearance, like ``from_labelled_edges``.
"""

from __future__ import annotations

import numpy as np

from groundswell.kernels import edgelist_text as scan

# A presence table costs one byte per possible value; use it while the largest
# label is at most this many times the number of label occurrences.
_DENSE_FACTOR = 8


def map_int_labels(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids for integer labels ``a`` and ``b``; returns ``(ids_a, ids_b, labels)``.

    ``labels`` is the sorted ``int64`` array of distinct labels and ids index
    into it. Dense non-negative labels (the usual SNAP case) use a presence
    table, O(n); anything else falls back to ``np.unique`` (a sort).
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size == 0:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty.copy(), np.empty(0, dtype=np.int64)
    lo = int(min(a.min(), b.min()))
    hi = int(max(a.max(), b.max()))
    if lo >= 0 and hi < 2**31 - 1 and hi <= _DENSE_FACTOR * 2 * a.size + 1024:
        present = np.zeros(hi + 1, dtype=bool)
        present[a] = True
        present[b] = True
        labels = np.flatnonzero(present).astype(np.int64)
        ids = np.full(hi + 1, -1, dtype=np.int32)
        ids[labels] = np.arange(labels.size, dtype=np.int32)
        return ids[a], ids[b], labels
    labels, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    inverse = inverse.astype(np.int32)
    return inverse[: a.size], inverse[a.size :], labels


def map_text_tokens(buf: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ids for the text tokens ``buf[off[i,0]:off[i,1]]``, numbered by first appearance.

    Returns ``(ids, first)``: ``first[k]`` is the token index where label ``k``
    first appears (decode it for the label text). Tokens are grouped by a
    64-bit hash and then checked byte by byte, so a hash collision can never
    merge two people; on one (about 1 in 10**5 for ten million labels) the
    slow exact path runs instead.
    """
    if off.shape[0] == 0:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int64)
    hashes = scan.hash_tokens(buf, off)
    _, first, group = np.unique(hashes, return_index=True, return_inverse=True)
    if not scan.tokens_match(buf, off, first, group.astype(np.int64)):
        return _map_tokens_exact(buf.tobytes(), off)
    return _by_first_appearance(first, group)


def map_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ids for an array of hashable labels, numbered by first appearance.

    Returns ``(ids, first)`` with ``first[k]`` the index where label ``k``
    first appears.
    """
    _, first, group = np.unique(values, return_index=True, return_inverse=True)
    return _by_first_appearance(first, group)


def _by_first_appearance(first: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.size, dtype=np.int32)
    rank[order] = np.arange(order.size, dtype=np.int32)
    return rank[group], first[order].astype(np.int64)


def _map_tokens_exact(raw: bytes, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    seen: dict[bytes, int] = {}
    ids = np.empty(off.shape[0], dtype=np.int32)
    first: list[int] = []
    for i, (s, e) in enumerate(off.tolist()):
        key = raw[s:e]
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(first)
            first.append(i)
        ids[i] = k
    return ids, np.asarray(first, dtype=np.int64)


def decode_labels(raw: bytes, off: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Label text for tokens ``first`` as a numpy str array; raises UnicodeDecodeError."""
    spans = off[first].tolist()
    return np.array([raw[s:e].decode("utf-8") for s, e in spans], dtype=str)
