"""The small-number rules, in one place, for every report, download and API answer.

* ``MIN_CELL``: an aggregate over fewer than 10 people is never shown (neither
  its value nor its exact count), so no one can be picked out of a small group.
* ``MIN_PAIRED``: a change statistic needs at least 30 people with two time
  points (Warwick's rule of thumb for SWEMWBS; applied to every instrument).

Report functions return a :class:`Cell` for every aggregate; a suppressed cell
has ``value=None`` and a ``reason``. Text outputs (CLI, CSV) go through
:func:`show`, which prints ``suppressed (<10)`` or ``suppressed (<30 paired)``.

Examples
--------
>>> cell(4.2, 9)
Cell(value=None, n=None, reason='suppressed (<10)')
>>> show(cell(4.2, 12))
'4.2'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MIN_CELL = 10
MIN_PAIRED = 30

SMALL_CELL = f"suppressed (<{MIN_CELL})"
FEW_PAIRED = f"suppressed (<{MIN_PAIRED} paired)"


@dataclass(frozen=True)
class Cell:
    """One aggregate: its value and the people behind it, or why it is hidden."""

    value: Any
    n: int | None
    reason: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    def to_dict(self) -> dict[str, Any]:
        return {"value": _plain(self.value), "n": self.n, "reason": self.reason}


def cell(value: Any, n: int) -> Cell:
    """``value`` over ``n`` people, hidden with its count when ``n < MIN_CELL``."""
    if n < MIN_CELL:
        return Cell(None, None, SMALL_CELL)
    return Cell(value, n)


def change_cell(value: Any, n_paired: int) -> Cell:
    """A change statistic over ``n_paired`` people with two time points."""
    if n_paired < MIN_CELL:
        return Cell(None, None, SMALL_CELL)
    if n_paired < MIN_PAIRED:
        return Cell(None, n_paired, FEW_PAIRED)
    return Cell(value, n_paired)


def count_cell(n: int) -> Cell:
    """A head count is an aggregate too: fewer than ``MIN_CELL`` is not shown."""
    return cell(n, n)


def secondary(counts: list[int]) -> set[int]:
    """Indices of cells to hide in a split whose total is published.

    Primary: every count under ``MIN_CELL``. Secondary: if exactly one cell is
    hidden, the total minus the others would give it away, so the smallest
    shown cell is hidden as well (the usual complementary suppression).

    >>> sorted(secondary([4, 25, 12]))
    [0, 2]
    """
    hidden = {i for i, n in enumerate(counts) if n < MIN_CELL}
    shown = [i for i in range(len(counts)) if i not in hidden]
    if len(hidden) == 1 and shown:
        hidden.add(min(shown, key=lambda i: counts[i]))
    return hidden


def show(item: Cell, digits: int = 2) -> str:
    """Text for a table, CSV file or terminal: the value or the suppression reason."""
    if item.reason is not None:
        return item.reason
    value = item.value
    if isinstance(value, float):
        text = f"{value:.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, tuple | list):
        return "[" + ", ".join(show(Cell(v, item.n), digits) for v in value) + "]"
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value
