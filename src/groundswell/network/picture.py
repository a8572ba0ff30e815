"""The network picture: where each person, or each community, sits in a drawing.

Pure (numpy, igraph): the web draws the SVG from a ``Picture``.

- Up to ``PERSON_LIMIT`` people the picture has one node per person, every
  tie drawn. Above that a drawing of every person is a hairball nobody can
  read, so the picture has one node per community (its size the people in
  it, its edges the ties between communities, weighted) and a community is
  opened on request (``expand``): its members and the ties among them.
- Communities smaller than ``MIN_COMMUNITY`` are drawn as one node, "other"
  (``OTHER``): hundreds of pairs and lone people would bury the communities
  that matter, and a group of under 10 is too small to show on its own to
  someone who may not see names (the small-number rule). For such a viewer
  the picture of people leaves the small communities' members out
  (``leave_out_small``): drawn one by one they could be counted.
- Layouts are Fruchterman & Reingold's force-directed placement (Softw.
  Pract. Exper. 21(11), 1991) through igraph, weighted by ties between
  communities. igraph draws from Python's ``random``; we lend it a private
  ``random.Random`` seeded from ``seed`` and start from seeded positions, so
  the same data and seed give the same picture.
- Coordinates are in a square viewBox ``0..SIZE``, with room for the node.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from groundswell.network.convert import edge_arrays
from groundswell.network.graph import Graph
from groundswell.rng import Seed, generator, igraph_seeded
from groundswell.roles.communities import leiden

PERSON_LIMIT = 500
MIN_COMMUNITY = 10
OTHER = -1  # the community id of the "other" node: communities under MIN_COMMUNITY
SIZE = 640
PAD = 24
LARGEST = 1_200  # the most people an opened community holds: its layout takes ~2 s
MAX_EDGES = 3_000  # ties drawn at most among people, so the page stays small
MAX_LINKS = 600  # edges drawn at most between communities (the heaviest)


@dataclass(frozen=True, eq=False)
class Picture:
    """Nodes, their positions and the edges between them, ready to draw.

    ``kind`` is ``"people"`` (``nodes`` are graph ids) or ``"communities"``
    (``nodes`` are community ids, ``OTHER`` for the small ones merged).
    ``community[k]`` is node k's community (``OTHER`` for a person in a small
    one); ``sizes[k]`` the people it stands for; ``edges`` index ``nodes``
    and ``weights`` count the ties each edge stands for.
    """

    kind: str
    nodes: np.ndarray  # int64
    xy: np.ndarray  # float64 (k, 2), in 0..SIZE
    radius: np.ndarray  # float64 (k,)
    sizes: np.ndarray  # int64 (k,)
    community: np.ndarray  # int64 (k,)
    edges: np.ndarray  # int64 (e, 2)
    weights: np.ndarray  # int64 (e,)
    expanded: int | None = None  # the community opened, if any
    edges_total: int = 0  # edges before MAX_EDGES cut the drawing short


def communities(
    graph: Graph, seed: Seed = 0, *, largest: int = LARGEST
) -> tuple[np.ndarray, float]:
    """Leiden communities (``roles.communities.leiden``) small enough to open, and the
    resolution that gave them.

    Modularity at resolution 1 merges a large movement into a few communities
    of thousands (the resolution limit: Fortunato & Barthélemy, PNAS 104(1),
    2007); doubling the resolution until the largest holds at most ``largest``
    people gives groups a picture can open and a reader can take in.
    """
    resolution = 1.0
    while True:
        found = leiden(graph, seed, resolution=resolution)
        if found.size == 0 or np.bincount(found).max() <= largest or resolution >= 64:
            return found.astype(np.int64), resolution
        resolution *= 2


def merged(community: np.ndarray) -> np.ndarray:
    """Community ids with every community under ``MIN_COMMUNITY`` people as ``OTHER``.

    >>> merged(np.array([0] * 10 + [1, 1, 2])).tolist()[-4:]
    [0, -1, -1, -1]
    """
    community = np.asarray(community, np.int64)
    if community.size == 0:
        return community
    size = np.bincount(community)
    return np.where(size[community] >= MIN_COMMUNITY, community, OTHER)


def lay_out(n: int, edges: np.ndarray, weights: np.ndarray | None, seed: Seed) -> np.ndarray:
    """Fruchterman-Reingold positions of ``n`` nodes, scaled into the viewBox."""
    import igraph as ig

    if n == 0:
        return np.empty((0, 2))
    if n == 1:
        return np.full((1, 2), SIZE / 2)
    rng = generator(seed)
    start = rng.random((n, 2)).tolist()
    state = random.Random(int(rng.integers(0, 2**63 - 1)))
    g = ig.Graph(n=n, edges=edges.tolist())
    with igraph_seeded(state):
        w = None if weights is None else np.log1p(weights).tolist()
        # The grid variant is approximate; fine for drawing, and linear-time for large n.
        grid = "grid" if n > 1_000 else "nogrid"
        coords = g.layout_fruchterman_reingold(seed=start, weights=w, niter=500, grid=grid).coords
    return _fit(np.asarray(coords, np.float64))


def _fit(xy: np.ndarray) -> np.ndarray:
    """Scale positions into ``PAD..SIZE-PAD`` around their median, keeping the aspect ratio.

    Scaled so that 98% of nodes fit (the rest are held at the edge): a force
    layout throws unconnected nodes far out, and scaling to the extremes would
    squeeze everyone else into a corner.
    """
    centre = np.median(xy, axis=0)
    reach = float(np.quantile(np.linalg.norm(xy - centre, axis=1), 0.98))
    half = SIZE / 2 - PAD
    fitted = SIZE / 2 + (xy - centre) * (half / max(reach, 1e-9))
    return np.asarray(np.clip(fitted, PAD, SIZE - PAD), np.float64)


def _separate(xy: np.ndarray, radius: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push overlapping circles apart, a little each round, keeping them in the picture."""
    xy = xy.copy()
    n = xy.shape[0]
    if n < 2:
        return xy
    gap = 2.0
    # Coincident centres need a direction: a fixed one per pair, so the result repeats.
    nudge = np.stack([np.cos(np.arange(n)), np.sin(np.arange(n))], axis=1)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.linalg.norm(delta, axis=2)
        need = radius[:, None] + radius[None, :] + gap
        overlap = np.where(np.eye(n, dtype=bool), 0.0, np.maximum(need - dist, 0.0))
        if not overlap.any():
            break
        unit = np.where(dist[..., None] > 1e-9, delta / np.maximum(dist, 1e-9)[..., None],
                        nudge[:, None, :])  # fmt: skip
        xy += 0.5 * (overlap[..., None] * unit).sum(axis=1)
        xy = np.clip(xy, PAD + radius[:, None] * 0, SIZE - PAD)
    return xy


def _undirected_pairs(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    src, dst = edge_arrays(graph)
    lo, hi = np.minimum(src, dst).astype(np.int64), np.maximum(src, dst).astype(np.int64)
    keys = np.unique(lo * max(graph.n, 1) + hi)
    keys = keys[keys // max(graph.n, 1) != keys % max(graph.n, 1)]  # no self-ties
    return keys // max(graph.n, 1), keys % max(graph.n, 1)


def _people(graph: Graph, members: np.ndarray, community: np.ndarray, seed: Seed,
            expanded: int | None) -> Picture:  # fmt: skip
    """One node per person in ``members``, with the ties among them."""
    a, b = _undirected_pairs(graph)
    where = np.full(graph.n, -1, np.int64)
    where[members] = np.arange(members.size)
    keep = (where[a] >= 0) & (where[b] >= 0)
    edges = np.column_stack([where[a[keep]], where[b[keep]]]).astype(np.int64)
    xy = lay_out(int(members.size), edges, None, seed)
    # Smaller dots when there are many, so they do not cover each other.
    r = 6.0 if members.size <= 150 else 4.5 if members.size <= 600 else 3.0
    total = int(edges.shape[0])
    return Picture(
        kind="people", nodes=members.astype(np.int64), xy=xy, radius=np.full(members.size, r),
        sizes=np.ones(members.size, np.int64), community=community[members],
        edges=edges[:MAX_EDGES], weights=np.ones(min(total, MAX_EDGES), np.int64),
        expanded=expanded, edges_total=total,
    )  # fmt: skip


def _communities(graph: Graph, community: np.ndarray, seed: Seed) -> Picture:
    """One node per community (``OTHER`` for the small ones), edges weighted by ties."""
    ids, inverse, sizes = np.unique(community, return_inverse=True, return_counts=True)
    a, b = _undirected_pairs(graph)
    ca, cb = inverse[a].astype(np.int64), inverse[b].astype(np.int64)
    cross = ca != cb
    lo, hi = np.minimum(ca[cross], cb[cross]), np.maximum(ca[cross], cb[cross])
    width = max(ids.size, 1)
    keys, counts = np.unique(lo * width + hi, return_counts=True)
    edges = np.column_stack([keys // width, keys % width]).astype(np.int64)
    # Area proportional to people, all circles together about a fifth of the picture.
    scale = np.sqrt(0.2 * (SIZE - 2 * PAD) ** 2 / (np.pi * max(int(sizes.sum()), 1)))
    radius = np.clip(scale * np.sqrt(sizes), 5.0, SIZE / 8)
    xy = _separate(lay_out(int(ids.size), edges, counts.astype(np.float64), seed), radius)
    order = np.argsort(-counts, kind="stable")[:MAX_LINKS]
    return Picture(
        kind="communities", nodes=ids.astype(np.int64), xy=xy, radius=radius,
        sizes=sizes.astype(np.int64), community=ids.astype(np.int64), edges=edges[order],
        weights=counts[order].astype(np.int64), edges_total=int(keys.size),
    )  # fmt: skip


def draw(
    graph: Graph,
    community: np.ndarray,
    *,
    seed: Seed = 0,
    expand: int | None = None,
    limit: int = PERSON_LIMIT,
    leave_out_small: bool = False,
) -> Picture:
    """The picture of ``graph``: people up to ``limit``, else communities (or one opened).

    ``community`` labels each person (any integers; small communities are
    merged as ``OTHER`` here). ``expand`` opens one community (an id of the
    merged labelling, ``OTHER`` included); ``ValueError`` when it has nobody.
    ``leave_out_small`` drops the people of communities under ``MIN_COMMUNITY``
    (and their ties) from a picture of people, so none of them can be counted.

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> g, _ = from_arrays([0, 1], [1, 2], n=3)
    >>> p = draw(g, np.zeros(3, np.int64), seed=1)
    >>> p.kind, p.nodes.tolist(), p.edges.tolist()
    ('people', [0, 1, 2], [[0, 1], [1, 2]])
    >>> draw(g, np.zeros(3, np.int64), seed=1, leave_out_small=True).nodes.tolist()
    []
    """
    if len(community) != graph.n:
        raise ValueError(f"{len(community)} community labels for {graph.n} people")
    labels = merged(community)
    if expand is not None:
        members = np.flatnonzero(labels == expand)
        if members.size == 0:
            raise ValueError(f"community {expand} has nobody in it")
        return _people(graph, members, labels, seed, expand)
    if graph.n <= limit:
        members = np.flatnonzero(labels != OTHER) if leave_out_small else np.arange(graph.n)
        return _people(graph, members, labels, seed, None)
    return _communities(graph, labels, seed)


def role_counts(
    picture: Picture, community: np.ndarray, roles: list[str | None], seeds: np.ndarray
) -> list[dict[str, int]]:
    """Per node of a communities picture: the seeds and each role among its people."""
    labels = merged(community)
    where = {c: k for k, c in enumerate(picture.nodes.tolist())}
    node = np.array([where.get(c, -1) for c in labels.tolist()], np.int64)
    out: list[dict[str, int]] = [{"seeds": 0} for _ in where]
    for i in np.flatnonzero((node >= 0) & np.asarray(seeds, bool)).tolist():
        out[node[i]]["seeds"] += 1
    for i, role in enumerate(roles):
        if role is not None and node[i] >= 0:
            out[node[i]][role] = out[node[i]].get(role, 0) + 1
    return out
