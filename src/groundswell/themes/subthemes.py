"""Sub-themes: each theme split one level down by the method that found the themes.

People who code comments by hand work in two levels, themes and the
sub-themes inside each (the NHS feedback in ``data/feedback`` has 9 and 44).
A theme of at least ``2 * min_size`` texts, so that it could hold two
sub-themes as large as the smallest theme kept, is split the way the texts
were split into themes (``cluster``), on the theme's own part of the same
nearest-neighbour graph (each text keeping its neighbours inside the theme):
Leiden communities maximising modularity (Traag, Waltman & van Eck 2019,
Sci. Rep. 9, 5233), so that how many sub-themes there are is modularity's
choice, as for the themes, with nothing tuned against people's labels.
A text the split leaves out (fewer than a third of its neighbours in the
theme share its sub-theme, below its sub-theme's lower Tukey fence, or in a
sub-theme smaller than ``min_size``) stays in the theme as one of its
"general" texts, in no sub-theme. A split into fewer than two sub-themes is
no split. Keywords are c-TF-IDF against the theme's other sub-themes (its
general texts counting towards term frequencies only), so they say what sets
a sub-theme apart from its siblings rather than repeat the theme's words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from groundswell.themes.cluster import Graph, by_size, drop_outliers, leiden
from groundswell.themes.keywords import TermCounts, class_keywords, label_of
from groundswell.themes.result import Subtheme

Examples = Callable[[NDArray[np.float32], NDArray[np.int64], int, Sequence[str]], tuple[int, ...]]


def split_themes(
    x: NDArray[np.float32],
    labels: NDArray[np.int64],
    texts: Sequence[str],
    *,
    graph: Graph | None,
    counts: TermCounts,
    seed: int,
    min_size: int,
    examples: Examples,
) -> tuple[list[tuple[Subtheme, ...]], NDArray[np.int64]]:
    """The sub-themes of each theme 0..k-1 of ``labels``, and a global sub-theme id per text.

    ``graph`` is the one the themes were found on (``cluster.themes_and_graph``;
    None: no theme is split) and ``counts`` the texts' term counts. Sub-theme
    ids run 0..m-1 across all themes, theme by theme and largest first within
    a theme; a text in no sub-theme (unthemed, or one of its theme's general
    texts) has -1. ``examples(x, labels, c, texts)`` picks a class's
    representative texts, as for the themes.
    """
    k = int(labels.max()) + 1 if labels.size else 0
    sub = np.full(labels.shape[0], -1, dtype=np.int64)
    out: list[tuple[Subtheme, ...]] = []
    if graph is None:
        return [() for _ in range(k)], sub
    node_labels = labels[graph.rows]
    next_id = 0
    for c in range(k):
        nodes = np.flatnonzero(node_labels == c)
        local = _split(graph, nodes, seed=seed, theme=c, min_size=min_size)
        m = int(local.max()) + 1 if local.size else 0
        if m < 2:
            out.append(())
            continue
        members = graph.rows[nodes]
        theme_texts = [texts[i] for i in members]
        keywords = class_keywords(theme_texts, local, m, counts=counts.of(members))
        subs = tuple(
            Subtheme(
                id=next_id + s,
                theme=c,
                label=label_of(keywords[s]),
                keywords=keywords[s],
                size=int(np.count_nonzero(local == s)),
                examples=tuple(
                    int(members[i]) for i in examples(x[members], local, s, theme_texts)
                ),
            )
            for s in range(m)
        )
        sub[members] = np.where(local >= 0, local + next_id, -1)
        next_id += m
        out.append(subs)
    return out, sub


def _split(
    graph: Graph, nodes: NDArray[np.int64], *, seed: int, theme: int, min_size: int
) -> NDArray[np.int64]:
    """Sub-themes 0..m-1 (largest first) of one theme's nodes, -1 for its general texts."""
    if nodes.size < 2 * min_size:
        return np.full(nodes.size, -1, dtype=np.int64)
    # Each node's neighbours inside the theme, renumbered 0..size-1; -1 where outside.
    local_of = np.full(graph.rows.size, -1, dtype=np.int64)
    local_of[nodes] = np.arange(nodes.size)
    neighbours = local_of[graph.neighbours[nodes]]
    src = np.repeat(np.arange(nodes.size, dtype=np.int64), neighbours.shape[1])
    dst = neighbours.ravel()
    inside = dst >= 0
    # A seed of its own for each theme, drawn from the run's: the same run splits the same
    # way, and one theme's split does not depend on another's.
    theme_seed = int(np.random.SeedSequence((seed, theme)).generate_state(1)[0])
    found = leiden(nodes.size, src[inside], dst[inside], theme_seed)
    found = drop_outliers(graph.z[nodes], found, neighbours, keep_every_theme=False)
    counts = np.bincount(found[found >= 0], minlength=1)
    found = np.where((found >= 0) & (counts[np.maximum(found, 0)] < min_size), -1, found)
    return by_size(found)
