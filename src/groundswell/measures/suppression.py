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

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)  # what names a part: a town, a group

MIN_CELL = 10
MIN_PAIRED = 30

SMALL_CELL = f"suppressed (<{MIN_CELL})"
FEW_PAIRED = f"suppressed (<{MIN_PAIRED} paired)"
# A cell of 10 or more hidden so that a small one cannot be found by subtraction.
SECONDARY = "suppressed (secondary)"
# Not hidden but undefined: e.g. distributed leadership when nobody led anything.
NOTHING_TO_MEASURE = "nothing to measure"


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


@dataclass(frozen=True)
class Protected:
    """Which cells of a group (and whether its total) to hide; see :func:`protect`."""

    hidden: frozenset[int]
    total_hidden: bool


def protect(
    counts: Sequence[int], *, unpublished: Collection[int] = (), total: bool = True
) -> Protected:
    """Primary and secondary (complementary) suppression of one group of cells.

    ``counts`` are the people behind each cell of a group that adds up to a
    total; ``unpublished`` cells are never shown on their own (people with no
    town, anonymous voters) and so count as hidden; ``total`` says whether the
    total is published.

    Primary suppression hides every cell under ``MIN_CELL``. If the total is
    published, the hidden cells together are ``total - shown``, so the
    smallest shown cells are hidden as well until that sum is 0 (nothing to
    protect) or at least ``MIN_CELL`` (no cell, nor the small cells together,
    can be found by one subtraction); if no shown cell is left, the total is
    hidden. Hundepool et al., *Statistical Disclosure Control* (Wiley 2012),
    ch. 5.2-5.3 (primary and secondary cell suppression, the "frequency rule");
    NHS Digital, ISB1523 *Anonymisation Standard for Publishing Health and
    Social Care Data* (small-number suppression); ONS, *Disclosure control
    guidance for tables produced from administrative sources* (secondary
    suppression "so that a suppressed cell cannot be derived from the totals").

    >>> sorted(protect([4, 25, 12]).hidden)
    [0, 2]
    >>> protect([3, 4]).total_hidden   # 7 people in all: the total is small too
    True
    >>> sorted(protect([40, 4, 15], unpublished=[2]).hidden)   # 15 with no town cover 4
    [1, 2]
    """
    hidden = {i for i, n in enumerate(counts) if n < MIN_CELL} | set(unpublished)
    total_hidden = sum(counts) < MIN_CELL
    if total and not total_hidden:
        shown = sorted((i for i in range(len(counts)) if i not in hidden), key=lambda i: counts[i])
        while 0 < sum(counts[i] for i in hidden) < MIN_CELL:
            if not shown:
                total_hidden = True
                break
            hidden.add(shown.pop(0))
    return Protected(frozenset(hidden), total_hidden or not total)


def secondary(counts: Sequence[int]) -> set[int]:
    """Indices of cells to hide in a split whose total is published (see :func:`protect`).

    >>> sorted(secondary([4, 25, 12]))
    [0, 2]
    """
    return set(protect(counts).hidden)


def cumulative(values: Sequence[float]) -> list[bool]:
    """Which points of a running (cumulative) count may be shown.

    The difference of two consecutive shown points is the count of the
    periods between them (people who joined in a month, say), so a point is
    shown only when it differs by at least ``MIN_CELL`` from the previous shown
    point (the first point: when it is itself at least ``MIN_CELL``); this is
    suppression of the differenced table, the "linked tables" case of
    Hundepool et al. (2012) ch. 5.5. A hidden point only widens the next gap.

    >>> cumulative([30, 31, 45, 50, 61])
    [True, False, True, False, True]
    """
    shown, last = [], None
    for value in values:
        ok = value >= MIN_CELL if last is None else abs(value - last) >= MIN_CELL
        shown.append(ok)
        last = value if ok else last
    return shown


def across(
    parts: Mapping[K, Sequence[Cell]],
    people: Mapping[K, Sequence[int]],
    total: Sequence[Cell],
    *,
    unpublished: Collection[K] = (),
) -> tuple[dict[K, list[Cell]], list[Cell]]:
    """Secondary suppression, period by period, of series that add up to ``total``.

    ``parts`` are the series of each part (each town's, say), ``people`` the
    people behind each of their cells and ``total`` the series of the whole;
    at each period :func:`protect` runs over the parts (a part already hidden
    counts as hidden, with its people). A part hidden only to protect another
    reads :data:`SECONDARY`.

    >>> c = [Cell(4, 4), Cell(30, 30), Cell(12, 12)]
    >>> parts, whole = across({"a": [cell(4, 4)], "b": [c[1]], "c": [c[2]]},
    ...                       {"a": [4], "b": [30], "c": [12]}, [Cell(46, 46)])
    >>> [show(parts[k][0]) for k in "abc"], show(whole[0])
    (['suppressed (<10)', '30', 'suppressed (secondary)'], '46')
    """
    keys = list(parts)
    out = {k: list(parts[k]) for k in keys}
    whole = list(total)
    skip = [i for i, k in enumerate(keys) if k in unpublished]
    for t in range(len(whole)):
        # A part already hidden (by its own rule) is hidden here too, with the people behind it.
        hidden = skip + [i for i, k in enumerate(keys) if parts[k][t].suppressed]
        p = protect([people[k][t] for k in keys], unpublished=hidden, total=not whole[t].suppressed)
        for i in p.hidden:
            out[keys[i]][t] = hide(out[keys[i]][t])
        if p.total_hidden:
            whole[t] = hide(whole[t])
    return out, whole


@dataclass(frozen=True)
class Running(Generic[K]):
    """Running counts and their changes, suppressed; see :func:`running`."""

    levels: dict[K, list[Cell]]  # each part's count at each period end
    changes: dict[K, list[Cell]]  # each part's count in each period (from the second)
    total_levels: list[Cell]
    total_changes: list[Cell]


def running(parts: Mapping[K, Sequence[int]], *, unpublished: Collection[K] = ()) -> Running[K]:
    """Running (cumulative) counts of the parts of a whole, and their changes, suppressed.

    ``parts`` are each part's counts at successive period ends (a baseline
    first). A period's change is the difference of two period ends, so the
    table of ends and the table of changes are linked (Hundepool et al. 2012,
    ch. 5.5): an end is shown only where :func:`cumulative` allows; ends are
    suppressed across parts (:func:`across`, the whole being their sum); a
    change is shown only where both its ends are (or the earlier is a hidden
    0: nobody yet); and a change hidden across parts hides its end in turn,
    until nothing changes (hiding only widens the gaps of a rising count).

    >>> r = running({"a": [0, 30, 31, 45], "b": [0, 40, 60, 80]})
    >>> [show(c) for c in r.levels["a"]], [show(c) for c in r.changes["a"]]
    (['30', 'suppressed (<10)', '45'], ['30', 'suppressed (<10)', 'suppressed (secondary)'])
    >>> [show(c) for c in r.levels["b"]]
    ['40', 'suppressed (secondary)', '80']
    """
    keys = list(parts)
    counts: dict[Hashable, list[int]] = {k: list(parts[k]) for k in keys}
    total_key = object()
    counts[total_key] = [sum(col) for col in zip(*(counts[k] for k in keys), strict=True)]
    # Why each hidden end is hidden: too small a change, or to protect another.
    hidden = {k: {t: SMALL_CELL for t, ok in enumerate(cumulative(v)) if not ok}
              for k, v in counts.items()}  # fmt: skip
    while True:
        ends = {k: [Cell(n, n, hidden[k].get(t)) for t, n in enumerate(v)]
                for k, v in counts.items()}  # fmt: skip
        for t in range(len(counts[total_key])):
            # What an end gives away is its change since the last end shown (Heysham's 30
            # then 31 gives away one joiner), so across parts each end weighs that change;
            # period by period, as an end hidden just before widens the next change.
            since = {k: [counts[k][t] - _last_shown(counts[k], hidden[k], t)] for k in keys}
            shown, whole = across({k: [ends[k][t]] for k in keys}, since,
                                  [ends[total_key][t]], unpublished=unpublished)  # fmt: skip
            for k, c in [*((k, shown[k][0]) for k in keys), (total_key, whole[0])]:
                ends[k][t] = c
                if c.suppressed:
                    hidden[k].setdefault(t, c.reason or SECONDARY)
        changes = {k: _changes(counts[k], cells) for k, cells in ends.items()}
        new = {k: [max(b - a, 0) for a, b in pairwise(counts[k])] for k in keys}
        checked, whole = across({k: changes[k] for k in keys}, new, changes[total_key],
                                unpublished=unpublished)  # fmt: skip
        everything: dict[Hashable, list[Cell]] = {k: cells for k, cells in checked.items()}
        everything[total_key] = whole
        grown = {(k, t + 1) for k, cells in everything.items() for t, c in enumerate(cells)
                 if c.suppressed and not changes[k][t].suppressed}  # fmt: skip
        if not grown:
            break
        for k, t in grown:
            hidden[k].setdefault(t, SECONDARY)
    levels = {k: [_bare(c) for c in cells[1:]] for k, cells in ends.items()}
    return Running(
        {k: levels[k] for k in keys}, {k: changes[k] for k in keys},
        levels[total_key], changes[total_key],
    )  # fmt: skip


def _last_shown(counts: Sequence[int], hidden: Collection[int], t: int) -> int:
    """The last end shown before period ``t`` (0 before any: nobody yet)."""
    return next((counts[s] for s in range(t - 1, -1, -1) if s not in hidden), 0)


def _changes(counts: Sequence[int], ends: Sequence[Cell]) -> list[Cell]:
    out = []
    for t in range(1, len(counts)):
        new = counts[t] - counts[t - 1]
        # A hidden end of 0 (nobody yet) protects no one: the change after it may show.
        if ends[t].suppressed or (ends[t - 1].suppressed and counts[t - 1] != 0):
            out.append(Cell(None, None, SMALL_CELL if abs(new) < MIN_CELL else SECONDARY))
        else:
            out.append(Cell(new, new))
    return out


def _bare(item: Cell) -> Cell:
    """A hidden end as shown: its value was kept only for the checks above."""
    return Cell(None, None, item.reason) if item.suppressed else item


def hide(item: Cell) -> Cell:
    """``item`` hidden as the complement of a small cell (kept as is when already hidden)."""
    return item if item.suppressed else Cell(None, None, SECONDARY)


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
