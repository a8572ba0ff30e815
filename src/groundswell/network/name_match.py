"""Matching names typed in a relationship survey to the people on the roster.

A name-generator survey lets people type a name that is not on the list;
most such names are someone on the roster spelled another way ("Jon Smyth"
for John Smith). This module is pure: names in, indices and scores out.

Names are compared after :func:`normalise` (Unicode NFKC, accents dropped,
case folded, apostrophes dropped, other punctuation read as a space). An *exact* match is
the same normalised name; a *suggestion* scores each roster name with
rapidfuzz's ``token_sort_ratio`` (the normalised Indel similarity, 0-100, of
the two names with their words sorted, so "Smith John" matches "John
Smith"); see the rapidfuzz documentation, ``rapidfuzz.fuzz.token_sort_ratio``.
``WRatio`` was tried and left out: its partial-match bonus scores a short
name inside a longer one ("Jon Smyth" in "Jon Smythe-Jones") above the
person meant. Suggestions below :data:`CUTOFF` are not offered: at 75 one
changed letter in each of a first and last name still qualifies, while
names sharing only a first name do not.

Examples
--------
>>> normalise("  Zoë   O'Brien ")
'zoe obrien'
>>> roster = ["John Smith", "Joan Smithers", "Tom Smyth", "Ann Jones"]
>>> [[(roster[c.index], round(c.score)) for c in found]
...  for found in suggest(["Jon Smyth", "Jones, Ann", "Bob"], roster)]
[[('John Smith', 84)], [('Ann Jones', 100)], []]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

CUTOFF = 75.0  # the lowest score offered as a suggestion (0-100)
LIMIT = 3  # suggestions offered per name
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")  # O'Brien is obrien, not "o brien"
_NOT_WORD = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class Candidate:
    """A roster entry (its position in the roster) and how well it matches, 0-100."""

    index: int
    score: float


def normalise(name: str) -> str:
    """A name as it is compared: no accents, case, punctuation or extra spaces."""
    text = name or ""
    if not text.isascii():  # most names are: they skip the Unicode decomposition
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.casefold()))
    return " ".join(text.split())


def exact_index(names: Sequence[str | None]) -> dict[str, list[int]]:
    """Each normalised name and the roster positions that carry it.

    >>> exact_index(["Ann Lee", "ann  lee", "Bo"])
    {'ann lee': [0, 1], 'bo': [2]}
    """
    found: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        key = normalise(name or "")
        if key:
            found.setdefault(key, []).append(i)
    return found


def exact_unique(name: str, index: dict[str, list[int]]) -> int | None:
    """The one roster position whose name is ``name``; None if none or several.

    >>> exact_unique("ANN LEE", exact_index(["Ann Lee", "Bo"])), exact_unique("x", {})
    (0, None)
    """
    found = index.get(normalise(name), [])
    return found[0] if len(found) == 1 else None


def suggest(
    queries: Sequence[str],
    roster: Sequence[str | None],
    *,
    limit: int = LIMIT,
    cutoff: float = CUTOFF,
    exclude: Collection[int] = (),
) -> list[list[Candidate]]:
    """The best ``limit`` roster entries scoring ``cutoff`` or more, for each query.

    Parameters
    ----------
    queries : the typed names
    roster : the roster's names (None for someone with no name: never suggested)
    limit : most suggestions per query, best first (ties: roster order)
    cutoff : the lowest score offered, 0-100
    exclude : roster positions never suggested

    Returns
    -------
    One list per query, best first.
    """
    if limit < 1:
        raise ValueError("limit must be 1 or more")
    if not queries or not roster:
        return [[] for _ in queries]
    choices = [normalise(n or "") for n in roster]
    typed = [normalise(q) for q in queries]
    # One matrix for all queries: rapidfuzz's cdist runs the scorer in C over every pair.
    scores = process.cdist(
        typed, choices, scorer=fuzz.token_sort_ratio, dtype=np.float32, score_cutoff=cutoff
    )
    blocked = np.zeros(len(choices), dtype=bool)
    blocked[[i for i in exclude if 0 <= i < len(choices)]] = True
    blocked |= np.array([c == "" for c in choices])
    out: list[list[Candidate]] = []
    for row, query in zip(scores, typed, strict=True):
        if not query:
            out.append([])
            continue
        above = np.flatnonzero((row >= cutoff) & (row > 0) & ~blocked)
        # Highest score first, then the roster's own order (a stable sort).
        best = above[np.argsort(-row[above], kind="stable")][:limit]
        out.append([Candidate(int(i), float(row[i])) for i in best])
    return out
