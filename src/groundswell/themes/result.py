"""What the themes engine returns: themes, one assignment per text, and the time taken."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from groundswell.errors import InvalidInput


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


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]
    assignments: tuple[int | None, ...]
    """The theme id of each text, or None for a text in no theme (unthemed)."""
    seconds: float

    @property
    def unthemed(self) -> int:
        """How many texts are in no theme."""
        return sum(1 for a in self.assignments if a is None)

    def to_json(self, ids: Sequence[str], texts: Sequence[str]) -> dict[str, Any]:
        """``{"themes": [...], "assignments": {id: theme id | None}, "seconds"}``.

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
                }
                for t in self.themes
            ],
            "assignments": dict(zip(ids, self.assignments, strict=True)),
            "seconds": round(self.seconds, 3),
        }
