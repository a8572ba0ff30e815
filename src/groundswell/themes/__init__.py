"""Themes in free text: texts in, themes out, offline and deterministic for a seed.

``find_themes`` embeds each text (``embed``: WordLlama's static vectors from
its wheel), groups the texts (``cluster``), names each group by its most
distinctive words (``keywords``: class-based TF-IDF) and picks three
representative texts for it. Texts that fit no theme well are left unthemed
rather than forced into one. Each theme large enough is then split the same
way into sub-themes (``subthemes``), its texts in none of them being its
"general" texts. Pure: no database, web or network.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from groundswell.errors import InvalidInput
from groundswell.themes.cluster import themes_and_graph
from groundswell.themes.embed import embed_texts
from groundswell.themes.keywords import class_keywords, label_of, term_counts
from groundswell.themes.result import Subtheme, Theme, ThemeResult
from groundswell.themes.subthemes import split_themes

__all__ = ["Subtheme", "Theme", "ThemeResult", "embed_texts", "find_themes"]

MIN_TEXTS = 10
"""Fewer texts than this (with words in them) are all left unthemed: too few to find themes in."""
EXAMPLES = 3


def find_themes(
    texts: Sequence[str],
    *,
    n_themes: int | None = None,
    seed: int = 0,
    min_size: int | None = None,
    embeddings: NDArray[np.float32] | None = None,
    subthemes: bool = True,
) -> ThemeResult:
    """Themes of ``texts``: keywords, size and representative texts of each, and who is in which.

    ``n_themes`` asks for that many themes (None: the engine chooses), or
    as many as there are different texts when there are fewer;
    ``min_size`` is the smallest theme kept when the engine chooses (None:
    0.5% of the texts, at least 3). ``embeddings`` (from ``embed_texts``)
    skips embedding. With ``subthemes`` each theme of at least twice
    ``min_size`` texts is split into sub-themes (``subthemes=False`` skips
    that: no sub-themes, every sub-assignment None, the themes unchanged).
    The same texts and seed give the same result.

    >>> texts = ["The car park was full"] * 6 + ["The nurse was kind and caring"] * 6
    >>> result = find_themes(texts, n_themes=2)
    >>> sorted(t.size for t in result.themes), result.themes[0].keywords[0] in {"car", "nurse"}
    ([6, 6], True)
    """
    start = time.perf_counter()
    texts = list(texts)
    _check(texts, n_themes, min_size)
    x = embed_texts(texts) if embeddings is None else _checked_embeddings(embeddings, len(texts))
    rows = x[np.linalg.norm(x, axis=1) > 0]
    usable = rows.shape[0]
    if n_themes is not None:
        if n_themes > usable:
            raise InvalidInput(
                f"{n_themes} themes were asked for but only {usable} texts have words in "
                "them; ask for fewer themes"
            )
        # Identical texts share a theme: there cannot be more themes than different texts.
        n_themes = min(n_themes, len(np.unique(rows, axis=0)))
    if usable < MIN_TEXTS and n_themes is None:
        return ThemeResult((), (None,) * len(texts), time.perf_counter() - start)
    smallest = min_size if min_size is not None else max(3, math.ceil(0.005 * len(texts)))
    labels, graph = themes_and_graph(x, n_themes=n_themes, seed=seed, min_size=smallest)
    k = int(labels.max()) + 1 if labels.size else 0
    counts = term_counts(texts)
    keywords = class_keywords(texts, labels, k, counts=counts)
    themes = tuple(
        Theme(
            id=c,
            label=label_of(keywords[c]),
            keywords=keywords[c],
            size=int(np.count_nonzero(labels == c)),
            examples=_examples(x, labels, c, texts),
        )
        for c in range(k)
    )
    assignments = tuple(int(a) if a >= 0 else None for a in labels)
    if not subthemes:
        return ThemeResult(themes, assignments, time.perf_counter() - start)
    split, sub = split_themes(
        x,
        labels,
        texts,
        graph=graph,
        counts=counts,
        seed=seed,
        min_size=smallest,
        examples=_examples,
    )
    themes = tuple(dataclasses.replace(t, subthemes=s) for t, s in zip(themes, split, strict=True))
    sub_assignments = tuple(int(a) if a >= 0 else None for a in sub)
    return ThemeResult(themes, assignments, time.perf_counter() - start, sub_assignments)


def _check(texts: list[str], n_themes: int | None, min_size: int | None) -> None:
    if any(not isinstance(t, str) for t in texts):
        raise InvalidInput("every text must be a string")
    if n_themes is not None and n_themes < 1:
        raise InvalidInput(
            f"asked for {n_themes} themes; ask for 1 or more, or let the engine choose"
        )
    if min_size is not None and min_size < 1:
        raise InvalidInput(f"min_size is {min_size}; give 1 or more")


def _checked_embeddings(embeddings: NDArray[np.float32], n: int) -> NDArray[np.float32]:
    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] != n:
        raise InvalidInput(
            f"embeddings have shape {x.shape} but there are {n} texts; give one row per text"
        )
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: NDArray[np.float32] = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    return out


def _examples(
    x: NDArray[np.float32], labels: NDArray[np.int64], c: int, texts: Sequence[str]
) -> tuple[int, ...]:
    """The texts nearest the theme's centre, one of each wording, most central first."""
    members = np.flatnonzero(labels == c)
    centre = x[members].mean(axis=0)
    sims = x[members] @ centre
    chosen: list[int] = []
    seen: set[str] = set()
    for i in members[np.lexsort((members, -sims))]:
        wording = " ".join(texts[i].lower().split())
        if wording in seen:
            continue
        seen.add(wording)
        chosen.append(int(i))
        if len(chosen) == EXAMPLES:
            break
    return tuple(chosen)
