"""Who sees a harvest note or an imported comment: the personal-data gate, in one place.

Every reader of notes and comments (the host's phone page, the organiser's
page, the CLI, themes) decides visibility here, so none can disagree:

- a new note or comment runs the personal-data check that stories and
  conversation statements get (``groundswell.stories.detect``, through
  ``groundswell.actions.statement_check.personal_data``). One it flags (a
  name, a phone number, an NHS number, an email or postal address, a date of
  birth) is stored ``pending``: held for an organiser and shown to nobody else
  (its author is told why, once); anything else is stored ``visible``;
- only ``visible`` notes and comments are shown to hosts, counted, or
  gathered for themes (``is_visible``, ``visible_only``);
- an organiser releases a held note (``visible``: their word that what was
  flagged is fine) or rejects it (``rejected``, kept out of everything).

The flags are not stored: the check is pure and cached by text, so the review
queue runs it again to show the reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from groundswell.actions.statement_check import personal_data
from groundswell.store.models.listening import NoteStatus
from groundswell.stories.detect import Flag

# What each kind of flag means, in the words a host reads on a phone.
KIND_WORDS = {
    "name": "a person's name",
    "nhs_number": "an NHS number",
    "phone": "a phone number",
    "email": "an email address",
    "postcode": "a postcode",
    "date_of_birth": "a date of birth",
    "staff_named": "a named member of staff",
}


@dataclass(frozen=True)
class Gate:
    """The check's verdict on one text: the status to store and the flags behind it."""

    status: NoteStatus
    flags: tuple[Flag, ...]

    @property
    def held(self) -> bool:
        return self.status is NoteStatus.PENDING

    @property
    def reason(self) -> str:
        """'a phone number and an NHS number' (empty when nothing was flagged)."""
        return reason(self.flags)


def gate(text: str) -> Gate:
    """Run the personal-data check on ``text``: flagged -> ``pending``, else ``visible``."""
    flags = personal_data(text)
    return Gate(NoteStatus.PENDING if flags else NoteStatus.VISIBLE, flags)


def reason(flags: Sequence[Flag]) -> str:
    """The kinds flagged, in plain words, each once, in the order they appear."""
    kinds = list(dict.fromkeys(KIND_WORDS.get(f.kind, f.kind) for f in flags))
    if len(kinds) <= 1:
        return "".join(kinds)
    return ", ".join(kinds[:-1]) + " and " + kinds[-1]


def is_visible(status: NoteStatus | str) -> bool:
    """True when a note or comment may be shown to non-organisers and used for themes."""
    return NoteStatus(status) is NoteStatus.VISIBLE


def visible_only(status_column: Any) -> ColumnElement[bool]:
    """SQL: the rows ``is_visible`` allows (``HarvestNote.status`` or ``Comment.status``)."""
    condition: ColumnElement[bool] = status_column == NoteStatus.VISIBLE
    return condition
