"""Outcome statistics: within-person change, took part vs did not, and by town.

Change is paired: each person's first and last time point. Two 95% intervals
are given for every mean change, which agree when the data are well behaved
and disagree usefully when they are not:

* the t interval, mean ± t(n-1, 0.975) · sd / √n (Student's t via
  ``scipy.stats.t``);
* the bootstrap percentile interval: resample people with replacement ``B``
  times and take the 2.5th and 97.5th percentiles of the resampled means
  (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13).

The comparison between those who took part and those who did not is a
difference in mean change with Welch's t interval (Welch 1947, Biometrika
34:28) and a two-sample bootstrap. People chose whether to take part, so it is
descriptive, not an effect: see ``SELECTION_CAVEAT``.

``paired_change`` and ``compare_changes`` compute; ``outcome_report`` applies
the small-number rules of :mod:`groundswell.measures.suppression` to every cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.measures import suppression as sup
from groundswell.rng import Seed, generator


def _t_quantile(q: float, df: float) -> float:
    # scipy.stats takes seconds to import; load it only when a statistic is computed.
    from scipy import stats

    return float(stats.t.ppf(q, df))


LEVEL = 0.95
N_BOOT = 2_000
_CHUNK = 4_000_000  # resampled values held at once: bounds memory on large groups

SELECTION_CAVEAT = (
    "People chose whether to take part, so those who took part may differ from "
    "those who did not in ways that also change wellbeing (selection bias); the "
    "difference between the groups is not the effect of taking part."
)
NO_TOWN = "(no town)"


@dataclass(frozen=True)
class PairedChange:
    """Within-person change from first to last time point, before any suppression."""

    n: int
    mean_before: float
    mean_after: float
    mean_change: float
    sd_change: float
    t_ci: tuple[float, float]
    bootstrap_ci: tuple[float, float]


@dataclass(frozen=True)
class Comparison:
    """Mean change in group a minus mean change in group b, before suppression."""

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    t_ci: tuple[float, float]
    bootstrap_ci: tuple[float, float]


def t_interval(changes: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Student's t interval for the mean of ``changes``."""
    n = changes.size
    half = _t_quantile(0.5 + level / 2, n - 1) * changes.std(ddof=1) / np.sqrt(n)
    mean = float(changes.mean())
    return (mean - float(half), mean + float(half))


def bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` means of resamples of ``values`` drawn with replacement."""
    n = values.size
    rows = max(1, _CHUNK // max(n, 1))
    means = np.empty(n_boot)
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        means[start:stop] = values[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    return means


def _percentile(means: np.ndarray, level: float) -> tuple[float, float]:
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return (float(low), float(high))


def _check(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or not np.isfinite(array).all():
        raise InvalidInput(f"{name} must be a list of finite numbers")
    return array


def paired_change(
    before: Sequence[float] | np.ndarray,
    after: Sequence[float] | np.ndarray,
    *,
    seed: Seed = 0,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
) -> PairedChange:
    """Mean of ``after - before`` with t and bootstrap percentile intervals.

    Examples
    --------
    >>> r = paired_change([20, 22, 19, 25], [22, 23, 22, 26], seed=1)
    >>> r.n, r.mean_change
    (4, 1.75)
    """
    b, a = _check(before, "before"), _check(after, "after")
    if b.size != a.size:
        raise InvalidInput(f"before has {b.size} values and after {a.size}; pair them one to one")
    if b.size < 2:
        raise InvalidInput("a change needs at least 2 people with two time points")
    if n_boot < 100:
        raise InvalidInput(f"n_boot is {n_boot}; use at least 100 bootstrap resamples")
    changes = a - b
    means = bootstrap_means(changes, n_boot, generator(seed))
    return PairedChange(
        n=int(changes.size),
        mean_before=float(b.mean()),
        mean_after=float(a.mean()),
        mean_change=float(changes.mean()),
        sd_change=float(changes.std(ddof=1)),
        t_ci=t_interval(changes, level),
        bootstrap_ci=_percentile(means, level),
    )


def compare_changes(
    changes_a: Sequence[float] | np.ndarray,
    changes_b: Sequence[float] | np.ndarray,
    *,
    seed: Seed = 0,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
) -> Comparison:
    """Difference in mean change, a minus b: Welch t and two-sample bootstrap intervals."""
    a, b = _check(changes_a, "changes_a"), _check(changes_b, "changes_b")
    if a.size < 2 or b.size < 2:
        raise InvalidInput("each group needs at least 2 people with two time points")
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    # Welch-Satterthwaite degrees of freedom (Welch 1947, eq. 9).
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if va + vb > 0 else 1.0
    diff = float(a.mean() - b.mean())
    half = float(_t_quantile(0.5 + level / 2, df) * np.sqrt(va + vb))
    rng = generator(seed)
    boot = bootstrap_means(a, n_boot, rng) - bootstrap_means(b, n_boot, rng)
    return Comparison(
        n_a=int(a.size),
        n_b=int(b.size),
        mean_a=float(a.mean()),
        mean_b=float(b.mean()),
        difference=diff,
        t_ci=(diff - half, diff + half),
        bootstrap_ci=_percentile(boot, level),
    )


def pair_time_points(
    person: Sequence[Hashable], day: Sequence[date], value: Sequence[float]
) -> dict[Hashable, tuple[float, float]]:
    """Each person's (first, last) value, for people answering on two or more dates."""
    seen: dict[Hashable, list[tuple[date, float]]] = {}
    for p, d, v in zip(person, day, value, strict=True):
        seen.setdefault(p, []).append((d, float(v)))
    pairs = {}
    for p, points in seen.items():
        points.sort(key=lambda x: x[0])
        if points[-1][0] > points[0][0]:
            pairs[p] = (points[0][1], points[-1][1])
    return pairs


# --- the report: every aggregate is a suppression Cell ---


@dataclass(frozen=True)
class ChangeRow:
    group: str
    people: sup.Cell  # people who answered at least once
    paired: sup.Cell  # people with two time points
    before: sup.Cell
    after: sup.Cell
    change: sup.Cell
    t_ci: sup.Cell
    bootstrap_ci: sup.Cell

    def to_dict(self) -> dict[str, Any]:
        cells = {k: getattr(self, k).to_dict() for k in CHANGE_COLUMNS}
        return {"group": self.group, **cells}


CHANGE_COLUMNS = ("people", "paired", "before", "after", "change", "t_ci", "bootstrap_ci")


@dataclass(frozen=True)
class OutcomeReport:
    instrument: str
    measure: str
    rows: list[ChangeRow]
    comparison: dict[str, sup.Cell]
    caveat: str = SELECTION_CAVEAT
    thresholds: dict[str, int] = field(
        default_factory=lambda: {"min_cell": sup.MIN_CELL, "min_paired": sup.MIN_PAIRED}
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "measure": self.measure,
            "rows": [r.to_dict() for r in self.rows],
            "comparison": {k: c.to_dict() for k, c in self.comparison.items()},
            "caveat": self.caveat,
            "thresholds": self.thresholds,
        }


def _row(
    group: str, people: int, pairs: list[tuple[float, float]], seed: Seed, n_boot: int
) -> ChangeRow:
    n = len(pairs)
    hidden = sup.change_cell(None, n)
    if n < sup.MIN_PAIRED:
        # Means at the two time points would give the change away: hide them too.
        stats_cells = [hidden] * 5
    else:
        r = paired_change([p[0] for p in pairs], [p[1] for p in pairs], seed=seed, n_boot=n_boot)
        stats_cells = [
            sup.change_cell(x, n)
            for x in (r.mean_before, r.mean_after, r.mean_change, r.t_ci, r.bootstrap_ci)
        ]
    return ChangeRow(group, sup.count_cell(people), sup.count_cell(n), *stats_cells)


def outcome_report(
    person: Sequence[Hashable],
    day: Sequence[date],
    value: Sequence[float],
    *,
    instrument: str,
    measure: str,
    took_part: AbstractSet[Any],
    towns: Mapping[Any, str | None],
    seed: Seed = 0,
    n_boot: int = N_BOOT,
) -> OutcomeReport:
    """Change for everyone, for those who took part and did not, and by town, suppressed.

    ``person``, ``day`` and ``value`` are parallel: one scored answer each.
    """
    pairs = pair_time_points(person, day, value)
    everyone = set(person)
    groups: list[tuple[str, set[Hashable]]] = [
        ("everyone", everyone),
        ("took part", everyone & set(took_part)),
        ("did not take part", everyone - set(took_part)),
    ]
    by_town: dict[str, set[Hashable]] = {}
    for p in everyone:
        by_town.setdefault(towns.get(p) or NO_TOWN, set()).add(p)
    groups += [(f"town: {t}", members) for t, members in sorted(by_town.items())]
    children = np.random.SeedSequence(_entropy(seed)).spawn(len(groups) + 1)
    rows = [
        _row(name, len(members), [pairs[p] for p in sorted(members, key=str) if p in pairs],
             children[i], n_boot)
        for i, (name, members) in enumerate(groups)
    ]  # fmt: skip
    rows = _complementary(rows)
    changes = [
        np.array([pairs[p][1] - pairs[p][0] for p in sorted(m, key=str) if p in pairs])
        for _, m in groups[1:3]
    ]
    return OutcomeReport(
        instrument, measure, rows, _comparison(changes[0], changes[1], children[-1], n_boot)
    )


def _entropy(seed: Seed) -> int:
    return int(generator(seed).integers(0, 2**63 - 1)) if seed is not None else 0


def _comparison(a: np.ndarray, b: np.ndarray, seed: Any, n_boot: int) -> dict[str, sup.Cell]:
    n = min(a.size, b.size)
    keys = ("took_part", "did_not_take_part", "difference", "t_ci", "bootstrap_ci")
    if n < sup.MIN_PAIRED:
        return {k: sup.change_cell(None, n) for k in keys}
    c = compare_changes(a, b, seed=seed, n_boot=n_boot)
    values = (c.mean_a, c.mean_b, c.difference, c.t_ci, c.bootstrap_ci)
    return {k: sup.Cell(v, c.n_a + c.n_b) for k, v in zip(keys, values, strict=True)}


def _complementary(rows: list[ChangeRow]) -> list[ChangeRow]:
    """Secondary suppression within each split ('took part' / 'did not', and towns).

    'everyone' is published, so a single hidden cell in a split could be found
    by subtraction; :func:`suppression.secondary` hides one more.
    """
    out = list(rows)
    for indices in ([1, 2], list(range(3, len(rows)))):
        # A row hidden already (under 10 people) has lost its count: it stands as a small one.
        counts = [1 if out[i].people.suppressed else out[i].people.n or 0 for i in indices]
        for k in sup.secondary(counts):
            i = indices[k]
            hidden = [sup.hide(getattr(out[i], c)) for c in CHANGE_COLUMNS]
            out[i] = ChangeRow(out[i].group, *hidden)
    return out
