"""What the themes engine returns: themes and their sub-themes, who is in which, and the time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from groundswell.errors import InvalidInput


@dataclass(frozen=True)
class Subtheme:
    """One sub-theme of a theme: ids run 0..m-1 across all themes, theme by theme."""

    id: int
    theme: int
    """The id of the theme it is part of."""
    label: str
    keywords: tuple[str, ...]
    """Class-based TF-IDF terms against the theme's other sub-themes, most distinctive first."""
    size: int
    examples: tuple[int, ...]
    """Indices into the texts of up to 3 representative texts, most typical first."""


@dataclass(frozen=True)
class Theme:
    """One theme: ids run 0..k-1, largest theme first."""

    id: int
    label: str
    """The first keywords joined, e.g. "parking · car park · spaces"."""
    keywords: tuple[str, ...]
    """Class-based TF-IDF terms, most distinctive first."""
    size: int
    examples: tuple[int, ...]
    """Indices into the texts of up to 3 representative texts, most typical first."""
    subthemes: tuple[Subtheme, ...] = ()
    """Its sub-themes, largest first; its texts in none of them are its "general" texts."""


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]
    assignments: tuple[int | None, ...]
    """The theme id of each text, or None for a text in no theme (unthemed)."""
    seconds: float
    sub_assignments: tuple[int | None, ...] = ()
    """The sub-theme id of each text, or None for a text in no sub-theme (unthemed, or
    one of its theme's general texts); left empty, None for every text."""

    def __post_init__(self) -> None:
        if not self.sub_assignments:
            object.__setattr__(self, "sub_assignments", (None,) * len(self.assignments))
        elif len(self.sub_assignments) != len(self.assignments):
            raise InvalidInput(
                f"{len(self.sub_assignments)} sub-theme assignments for "
                f"{len(self.assignments)} texts; give one per text"
            )

    @property
    def unthemed(self) -> int:
        """How many texts are in no theme."""
        return sum(1 for a in self.assignments if a is None)

    def to_json(self, ids: Sequence[str], texts: Sequence[str]) -> dict[str, Any]:
        """``{"themes": [...], "assignments": {id: theme id | None}, "seconds",
        "sub_assignments": {id: sub-theme id | None}}``; each theme carries a
        ``"subthemes"`` list of ``{"id", "label", "keywords", "size", "examples"}``.

        ``ids`` and ``texts`` are in the order the texts were given; the
        examples are written out as their texts.
        """
        if len(ids) != len(self.assignments) or len(texts) != len(self.assignments):
            raise InvalidInput(
                f"{len(self.assignments)} texts were themed but {len(ids)} ids and "
                f"{len(texts)} texts were given; pass the same texts in the same order"
            )
        if len(set(ids)) != len(ids):
            raise InvalidInput("the ids repeat; give each text its own id")
        return {
            "themes": [
                {
                    "id": t.id,
                    "label": t.label,
                    "keywords": list(t.keywords),
                    "size": t.size,
                    "examples": [texts[i] for i in t.examples],
                    "subthemes": [
                        {
                            "id": s.id,
                            "label": s.label,
                            "keywords": list(s.keywords),
                            "size": s.size,
                            "examples": [texts[i] for i in s.examples],
                        }
                        for s in t.subthemes
                    ],
                }
                for t in self.themes
            ],
            "assignments": dict(zip(ids, self.assignments, strict=True)),
            "seconds": round(self.seconds, 3),
            "sub_assignments": dict(zip(ids, self.sub_assignments, strict=True)),
        }
