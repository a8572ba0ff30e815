"""Activity as parallel arrays: one row per thing a person did, with its day.

Kinds (``KINDS``): ``recruited`` (``other`` is the recruit), ``led``,
``hosted``, ``attended`` (``other`` names the action, so the people who
attended an action make up the turnout of whoever led or hosted it),
``pledge_made``, ``pledge_shared``, ``pledge_done`` (``other`` unused, -1).

Days count from 1970-01-01 (``numpy.datetime64(..., 'D')`` as a number);
``NaN`` means undated: the row counts in totals but in no period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from groundswell.errors import InvalidInput

KINDS: tuple[str, ...] = (
    "recruited",
    "led",
    "hosted",
    "attended",
    "pledge_made",
    "pledge_shared",
    "pledge_done",
)
RECRUITED, LED, HOSTED, ATTENDED, PLEDGE_MADE, PLEDGE_SHARED, PLEDGE_DONE = range(len(KINDS))

# The ladder of engagement (Han 2014, ch. 4): each kind of row shows a rung reached.
LADDER: tuple[str, ...] = ("observer", "participant", "contributor", "host", "leader")
RUNG = np.array([2, 4, 3, 1, 2, 2, 2], dtype=np.int8)  # rung shown by each kind, by KINDS index


@dataclass(frozen=True, eq=False)
class Activity:
    """Rows of activity for people ``0..n-1`` of a graph.

    Parameters
    ----------
    person : int32 array, who did it
    kind : int8 array, index into ``KINDS``
    other : int64 array, the recruit (``recruited``), the action (``led``,
        ``hosted``, ``attended``) or -1
    day : float64 array, days since 1970-01-01, NaN when undated
    joined_day : optional float64 array, shape (n,): when each person joined
        (NaN unknown); tenure counts from the earlier of this and their first row
    """

    person: np.ndarray
    kind: np.ndarray
    other: np.ndarray
    day: np.ndarray
    joined_day: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.person.shape[0])

    @classmethod
    def empty(cls) -> Activity:
        return cls(np.empty(0, np.int32), np.empty(0, np.int8), np.empty(0, np.int64), np.empty(0))


def make_activity(
    person: npt.ArrayLike,
    kind: npt.ArrayLike,
    other: npt.ArrayLike | None = None,
    day: npt.ArrayLike | None = None,
    *,
    n: int,
    joined_day: npt.ArrayLike | None = None,
) -> Activity:
    """Check and convert parallel sequences into an ``Activity`` for ``n`` people.

    ``kind`` may be names from ``KINDS`` or their indices; ``day`` may be
    ``datetime64`` values or day numbers.

    Examples
    --------
    >>> a = make_activity([0, 0], ["recruited", "led"], [1, 7], n=2)
    >>> a.kind.tolist(), a.other.tolist()
    ([0, 1], [1, 7])
    """
    people = np.asarray(person, dtype=np.int64)
    size = people.shape[0]
    kind_in = np.asarray(kind)
    if kind_in.dtype.kind in "US":
        lookup = {k: i for i, k in enumerate(KINDS)}
        bad = sorted(set(kind_in.tolist()) - set(lookup))
        if bad:
            raise InvalidInput(f"unknown activity kind(s) {bad}; use one of {', '.join(KINDS)}")
        kinds = np.array([lookup[k] for k in kind_in.tolist()], dtype=np.int8)
    else:
        kinds = kind_in.astype(np.int8)
    other_a = np.full(size, -1, np.int64) if other is None else np.asarray(other, dtype=np.int64)
    if day is None:
        days = np.full(size, np.nan)
    else:
        d = np.asarray(day)
        days = (
            d.astype("datetime64[D]").astype(np.int64).astype(np.float64)
            if d.dtype.kind == "M"
            else d.astype(np.float64)
        )
    if not (kinds.shape[0] == other_a.shape[0] == days.shape[0] == size):
        raise InvalidInput("activity arrays person, kind, other and day must have one length")
    if size and (people.min() < 0 or people.max() >= n):
        raise InvalidInput(f"activity names a person outside 0..{n - 1}")
    if size and (kinds.min() < 0 or kinds.max() >= len(KINDS)):
        raise InvalidInput(f"activity kind codes must be 0..{len(KINDS) - 1}")
    rec = kinds == RECRUITED
    if rec.any() and (other_a[rec].min() < 0 or other_a[rec].max() >= n):
        raise InvalidInput("every 'recruited' row needs the recruit as 'other', a known person")
    joined = None
    if joined_day is not None:
        joined = np.asarray(joined_day, dtype=np.float64)
        if joined.shape != (n,):
            raise InvalidInput(f"joined_day must have one value per person ({n})")
    return Activity(people.astype(np.int32), kinds, other_a, days, joined)
