"""The SWEMWBS item wording an organisation provides under its licence, read and checked.

The wording of the Short Warwick-Edinburgh Mental Wellbeing Scale belongs to
the University of Warwick and is used under licence (Warwick Medical School,
"Using WEMWBS"), so Groundswell ships none of it: an organisation names its
own file in ``GROUNDSWELL_SWEMWBS_WORDING``. The file is TOML (``.toml``) or
JSON (``.json``) with

* ``preamble``: the instruction read before the statements;
* ``items``: the seven statements, in the scale's order;
* ``answers``: the five answer labels, from 1 (the least often) to 5;
* ``copyright``: the line the licence asks to be shown with the scale.

Every problem names the file and the field, so an organiser can fix it.

>>> wording = parse_wording(
...     '{"preamble": "p", "items": ["a","b","c","d","e","f","g"],'
...     ' "answers": ["1","2","3","4","5"], "copyright": "c"}', "w.json")
>>> len(wording.items), wording.copyright
(7, 'c')
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from groundswell.errors import InputFileError
from groundswell.measures.instruments import SWEMWBS_ITEMS

ANSWERS = 5
LONGEST = 500  # characters in one field: a statement, not a document
NOT_SET_UP = (
    "The short Warwick-Edinburgh scale is not set up here: an organiser must add "
    "its licensed wording (see the guide)"
)


@dataclass(frozen=True)
class SwemwbsWording:
    """What the survey shows for SWEMWBS: the instruction, statements, labels and copyright."""

    preamble: str
    items: tuple[str, ...]
    answers: tuple[str, ...]
    copyright: str


@dataclass(frozen=True)
class WordingState:
    """The configured wording, or why there is none (``problem`` for organisers' eyes)."""

    wording: SwemwbsWording | None
    problem: str | None = None

    @property
    def ready(self) -> bool:
        return self.wording is not None


def _text(path: str, data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        raise InputFileError(path, "is missing", field=name, fix=f'add {name} = "..."')
    if not isinstance(value, str) or not value.strip():
        raise InputFileError(path, "must be some text", field=name, fix="write it in quotes")
    if len(value) > LONGEST:
        raise InputFileError(
            path, f"is {len(value)} characters long", field=name,
            fix=f"keep it to {LONGEST} characters",
        )  # fmt: skip
    return value.strip()


def _list(path: str, data: dict[str, Any], name: str, count: int) -> tuple[str, ...]:
    value = data.get(name)
    if value is None:
        raise InputFileError(path, "is missing", field=name, fix=f"add a list of {count} texts")
    if not isinstance(value, list) or len(value) != count:
        size = len(value) if isinstance(value, list) else "not a list"
        raise InputFileError(
            path, f"must be a list of {count} texts (found {size})", field=name,
            fix=f"give exactly {count}, in order",
        )  # fmt: skip
    return tuple(_text(path, {f"{name}[{i}]": v}, f"{name}[{i}]") for i, v in enumerate(value, 1))


def parse_wording(text: str, path: str) -> SwemwbsWording:
    """Parse the wording file's ``text`` (TOML or JSON by ``path``'s suffix)."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise InputFileError(path, "is neither .toml nor .json", fix="save it as one of them")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(path, f"cannot be read as {suffix[1:].upper()} ({exc})") from None
    if not isinstance(data, dict):
        raise InputFileError(path, "must hold preamble, items, answers and copyright")
    unknown = sorted(set(data) - {"preamble", "items", "answers", "copyright"})
    if unknown:
        raise InputFileError(
            path, "is not a field of the wording file", field=unknown[0],
            fix="use preamble, items, answers and copyright only",
        )  # fmt: skip
    return SwemwbsWording(
        preamble=_text(path, data, "preamble"),
        items=_list(path, data, "items", SWEMWBS_ITEMS),
        answers=_list(path, data, "answers", ANSWERS),
        copyright=_text(path, data, "copyright"),
    )


def load_wording(path: Path) -> SwemwbsWording:
    """Read and check the wording file at ``path``; ``InputFileError`` names what to fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputFileError(str(path), f"cannot be read ({reason})") from None
    return parse_wording(text, str(path))


def wording_state(path: Path | None) -> WordingState:
    """The wording named by the setting, or no wording and the reason (never an exception)."""
    if path is None:
        return WordingState(None, "GROUNDSWELL_SWEMWBS_WORDING is not set")
    try:
        return WordingState(load_wording(path))
    except InputFileError as exc:
        return WordingState(None, f"GROUNDSWELL_SWEMWBS_WORDING: {exc.message}")
