"""GET forms of the network pages: typed text with defaults, read as numbers on demand.

The spread and "find the 3%" pages are GET forms (they work without
JavaScript, and a result can be bookmarked or shared as its address). Each
keeps what was typed, so the page shows it again beside the result or the
error; numbers are read only when the chosen model uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from groundswell.errors import InvalidInput

# How people take something up: the models both pages offer, in the words they use.
MODEL_CHOICES = {
    "ic": "Independent cascade: each new adopter convinces each contact with chance p",
    "wc": "Weighted cascade: a person with d contacts is convinced by each with chance 1/d",
    "lt": "Linear threshold: adopt once enough of your contacts have (random threshold)",
    "complex": "Complex contagion: adopt once K contacts, or a share F of them, have",
    "sir": "Fading enthusiasm: adopters keep trying until they lose interest",
    "direct": "Direct contact only: the seeds and the people they talk to",
}


@dataclass
class QueryForm:
    """A form's fields as the text typed (stripped), or the default where empty."""

    FIELDS: ClassVar[tuple[str, ...]] = ()
    DEFAULTS: ClassVar[dict[str, str]] = {}

    values: dict[str, str]

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> Self:
        typed = {name: (query.get(name) or "").strip() for name in cls.FIELDS}
        return cls({name: text or cls.DEFAULTS.get(name, "") for name, text in typed.items()})

    def number(self, name: str, kind: type = float, *, label: str, required: bool = False) -> Any:
        """The field as ``kind``; None when empty (InvalidInput if ``required``)."""
        raw = self.values.get(name, "")
        if raw == "":
            if required:
                raise InvalidInput(f"{label}: enter a number")
            return None
        try:
            return kind(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise InvalidInput(f"{label}: '{raw}' is not {what}") from None


def model_choices(*kinds: str) -> list[tuple[str, str]]:
    """(value, description) for the select, in the order given."""
    return [(kind, MODEL_CHOICES[kind]) for kind in kinds]
