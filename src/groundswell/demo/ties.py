"""The demo's friendship network: heavy-tailed, clustered, mostly local.

Four ingredients, all vectorised:

1. Household cliques, workplace teams, school classes and club circles
   (triangles, hence clustering well above a random graph).
2. Friend ties from a Chung-Lu model (Chung & Lu 2002, "Connected components
   in random graphs with given expected degree sequences", Ann. Comb. 6:125):
   endpoints drawn with probability proportional to a Pareto expected degree
   ``w_i``, so degrees are heavy-tailed. The second endpoint is drawn in the
   first's neighbourhood, town or (rarely) a nearby town, which plants the
   community structure of a degree-corrected block model (Karrer & Newman
   2011, Phys. Rev. E 83:016107).
3. Triadic closure: a share of random wedges ``a - u - b`` is closed, the
   mechanism behind friends-of-friends becoming friends (Granovetter 1973).
4. Duplicates merged, keeping the closest kind (household before colleague ...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.demo import places
from groundswell.demo.population import Population

TIE_KINDS: tuple[str, ...] = ("household", "colleague", "school", "club", "friend")
TIE_WEIGHTS = np.array([3.0, 1.5, 1.0, 1.0, 1.0], dtype=np.float32)
HOUSEHOLD, COLLEAGUE, SCHOOL, CLUB, FRIEND = range(5)

# Pareto tail exponent of expected friend degrees (degree exponent gamma = 1 + PARETO_A),
# the minimum and the cap: mean friend degree ~5-6, a few dozen hubs near the cap.
PARETO_A = 1.6
W_MIN = 2.0
W_CAP = 150.0
# Where a friend tie's second end lives: same neighbourhood, same town, nearby town.
SCOPE_SHARES = np.array([0.55, 0.37, 0.08])
CLOSURE_SHARE = 0.25


@dataclass(frozen=True, eq=False)
class Ties:
    """Undirected ties stored once with ``src < dst``, sorted by ``(src, dst)``."""

    src: np.ndarray  # int32
    dst: np.ndarray  # int32
    kind: np.ndarray  # int8 index into TIE_KINDS
    weight: np.ndarray  # float32

    def __len__(self) -> int:
        return int(self.src.shape[0])


def csr(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric CSR ``(indptr, indices)`` of undirected ties."""
    a = np.concatenate([src, dst]).astype(np.int64)
    b = np.concatenate([dst, src]).astype(np.int32)
    order = np.argsort(a, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return indptr, b[order]


def _sorted_groups(
    group: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members of each group in random order: (people, group id, first index of group)."""
    people = np.flatnonzero(group >= 0)
    order = np.lexsort((rng.random(people.size), group[people]))
    people = people[order]
    g = group[people]
    start = np.searchsorted(g, g, side="left")
    end = np.searchsorted(g, g, side="right")
    return people, start, end


def cliques(
    group: np.ndarray, size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Split each group at random into teams of ``size`` and join everyone in a team."""
    people, start, _ = _sorted_groups(group, rng)
    team = (
        group[people].astype(np.int64) * (people.size + 1)
        + (np.arange(people.size) - start) // size
    )
    src, dst = [], []
    for off in range(1, size):
        same = team[:-off] == team[off:]
        src.append(people[:-off][same])
        dst.append(people[off:][same])
    return np.concatenate(src), np.concatenate(dst)


def random_mates(
    group: np.ndarray, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each member of a group also knows ``k`` random others in it."""
    people, start, end = _sorted_groups(group, rng)
    src, dst = [], []
    for _ in range(k):
        pick = start + (rng.random(people.size) * (end - start)).astype(np.int64)
        src.append(people)
        dst.append(people[pick])
    return np.concatenate(src), np.concatenate(dst)


def expected_degrees(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pareto expected friend degrees, capped so the largest hub stays in the low hundreds."""
    return np.minimum(W_MIN * (1.0 + rng.pareto(PARETO_A, size=n)), W_CAP)


def _within(
    cum: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draw one index in each range ``[lo, hi)`` with probability proportional to weight."""
    u = cum[lo] + rng.random(lo.shape[0]) * (cum[hi] - cum[lo])
    index: np.ndarray = np.clip(np.searchsorted(cum, u, side="right") - 1, lo, hi - 1)
    return index


def friend_ties(
    pop: Population, w: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Chung-Lu friend ties whose second end is local (neighbourhood, town, nearby town)."""
    n = w.shape[0]
    cum = np.concatenate([[0.0], np.cumsum(w)])
    m = int(np.rint(w.sum() / 2))
    src = np.clip(np.searchsorted(cum, rng.random(m) * cum[-1], side="right") - 1, 0, n - 1)
    scope = rng.choice(3, size=m, p=SCOPE_SHARES)
    # People are ordered by town and by neighbourhood within town: groups are ranges.
    nb_lo = np.searchsorted(pop.neighbourhood, pop.neighbourhood, side="left")
    nb_hi = np.searchsorted(pop.neighbourhood, pop.neighbourhood, side="right")
    town_lo = np.searchsorted(pop.town, np.arange(len(places.TOWN_NAMES)), side="left")
    town_hi = np.searchsorted(pop.town, np.arange(len(places.TOWN_NAMES)), side="right")
    target_town = pop.town[src].astype(np.int64)
    near = places.proximity()
    away = scope == 2
    for t in range(len(places.TOWN_NAMES)):
        pick = away & (target_town == t)
        target_town[pick] = rng.choice(
            near.shape[0], size=int(pick.sum()), p=near[t] / near[t].sum()
        )
    lo = np.where(scope == 0, nb_lo[src], town_lo[target_town])
    hi = np.where(scope == 0, nb_hi[src], town_hi[target_town])
    ok = hi > lo
    dst = _within(cum, lo[ok], hi[ok], rng)
    return src[ok], dst


def close_triangles(
    n: int, src: np.ndarray, dst: np.ndarray, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Close ``count`` random wedges ``a - u - b`` (``u`` uniform among people with two ties)."""
    indptr, indices = csr(n, src, dst)
    degree = np.diff(indptr)
    centre = np.flatnonzero(degree >= 2)
    if centre.size == 0 or count <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    u = centre[rng.integers(0, centre.size, size=count)]
    a = indices[indptr[u] + (rng.random(count) * degree[u]).astype(np.int64)]
    b = indices[indptr[u] + (rng.random(count) * degree[u]).astype(np.int64)]
    return a, b


def merge(n: int, parts: list[tuple[np.ndarray, np.ndarray, int]]) -> Ties:
    """Drop self-ties, store each pair once (``src < dst``), keep the closest kind."""
    src = np.concatenate([p[0] for p in parts]).astype(np.int64)
    dst = np.concatenate([p[1] for p in parts]).astype(np.int64)
    kind = np.concatenate([np.full(p[0].shape[0], p[2], dtype=np.int8) for p in parts])
    keep = src != dst
    src, dst, kind = src[keep], dst[keep], kind[keep]
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key = lo * n + hi
    order = np.lexsort((kind, key))
    key, kind = key[order], kind[order]
    first = np.ones(key.shape[0], dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, kind = key[first], kind[first]
    return Ties(
        src=(key // n).astype(np.int32),
        dst=(key % n).astype(np.int32),
        kind=kind,
        weight=TIE_WEIGHTS[kind],
    )


def generate_ties(pop: Population, rng: np.random.Generator) -> tuple[Ties, np.ndarray]:
    """The whole network and the expected friend degrees behind it."""
    n = pop.town.shape[0]
    w = expected_degrees(n, rng)
    parts = [
        (*cliques(pop.household, 5, rng), HOUSEHOLD),
        (*cliques(pop.workplace, 5, rng), COLLEAGUE),
        (*random_mates(pop.workplace, 1, rng), COLLEAGUE),
        (*cliques(pop.school, 4, rng), SCHOOL),
        (*cliques(pop.club, 4, rng), CLUB),
    ]
    fs, fd = friend_ties(pop, w, rng)
    parts.append((fs, fd, FRIEND))
    base_src = np.concatenate([p[0] for p in parts])
    base_dst = np.concatenate([p[1] for p in parts])
    keep = base_src != base_dst
    a, b = close_triangles(n, base_src[keep], base_dst[keep], int(CLOSURE_SHARE * fs.size), rng)
    parts.append((a, b, FRIEND))
    return merge(n, parts), w
