"""Movement indicators, for the whole record and for each month, quarter or year.

Each indicator is computed on a window of activity rows ``lo <= day < hi``;
"active" people are those with at least one row in the window.

- ``distributed_leadership``: 1 - Gini of actions led or hosted, over active
  people (Gini as in Damgaard & Weiner, Ecology 81(4), 2000: ``G = 2 sum_i i
  x_(i) / (n sum x) - (n + 1) / n`` with ``x`` sorted ascending).
- ``led_outside_top_1pct``: share of actions led or hosted by people outside
  the top 1% of active people (by actions led; at least one person).
- ``top_3pct_share``: share of all actions (led, hosted, attended) driven by
  the top 3% of active people (at least one person).
- ``leaders_per_100``: active people who led or hosted, per 100 active people.
- ``recruitment_depth``: levels in the deepest recruitment chain recorded by
  the end of the window (a recruiter with recruits: 1).
- ``ladder_up_90d``: of the people whose first activity falls in the window
  and whose first 90 days are all on record, the share who reached a higher
  rung (``activity.LADDER``) within 90 days.
- ``commitments_kept``: pledges done / pledges made, by the end of the window.
- ``within_2_steps``: share of everyone in the graph who is active or one or
  two ties from someone active.
- ``communities_without_active``: communities with nobody active.

A value is ``None`` where it is undefined (no one active, no pledges, ...).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.kernels import roles as role_kernels
from groundswell.network.graph import Graph
from groundswell.roles.activity import (
    ATTENDED,
    HOSTED,
    LED,
    PLEDGE_DONE,
    PLEDGE_MADE,
    RECRUITED,
    RUNG,
    Activity,
)
from groundswell.roles.communities import undirected
from groundswell.roles.evidence import Evidence

INDICATORS: tuple[str, ...] = (
    "distributed_leadership",
    "led_outside_top_1pct",
    "top_3pct_share",
    "leaders_per_100",
    "recruitment_depth",
    "ladder_up_90d",
    "commitments_kept",
    "within_2_steps",
    "communities_without_active",
)
PERIODS = ("month", "quarter", "year")


def gini(x: np.ndarray) -> float | None:
    """Gini coefficient of non-negative values (0: all equal); None when all are 0.

    Examples
    --------
    >>> gini(np.array([0, 0, 0, 4]))
    0.75
    """
    x = np.sort(np.asarray(x, dtype=np.float64))
    n, total = x.size, x.sum()
    if n == 0 or total == 0:
        return None
    i = np.arange(1, n + 1)
    return float(2.0 * np.sum(i * x) / (n * total) - (n + 1) / n)


def distributed_leadership(led: np.ndarray) -> float | None:
    """``1 - Gini`` of actions led or hosted per person: 1 when everyone led alike.

    ``led`` holds one count per person of the population (active people: the
    ones who led nothing count, as 0). ``None`` when nobody led anything:
    there is nothing to measure, which is not "perfectly distributed".
    The one definition of the indicator; the roles report and the Measures
    dashboard both call it.

    Examples
    --------
    >>> distributed_leadership(np.array([2, 2, 2]))
    1.0
    >>> distributed_leadership(np.array([0, 0, 0, 4]))
    0.25
    >>> distributed_leadership(np.array([0, 0, 0])) is None
    True
    """
    g = gini(led)
    return None if g is None else 1.0 - g


def leadership_in_window(
    activity: Activity, n: int, lo: float, hi: float, among: np.ndarray | None = None
) -> tuple[float | None, int]:
    """``distributed_leadership`` over the people active in ``lo <= day < hi``, and how many.

    Active means at least one activity row in the window, as for every
    indicator here; ``among`` (a mask over the ``n`` people) keeps only some,
    such as one town's. The Measures dashboard's leadership series is this over
    the trailing 12 months of each month.
    """
    p = activity.person.astype(np.int64)
    inside = (activity.day >= lo) & (activity.day < hi)
    active = np.bincount(p[inside], minlength=n) > 0
    if among is not None:
        active &= among
    lead = inside & ((activity.kind == LED) | (activity.kind == HOSTED))
    led = np.bincount(p[lead], minlength=n)[active]
    return distributed_leadership(led), int(active.sum())


def within_two_steps(graph: Graph, active: np.ndarray) -> np.ndarray:
    """Who is active or one or two ties from someone active, either way along a tie.

    ``active`` is a boolean mask over the graph's people; returns the mask of
    everyone reached. The one definition of reach; ``within_2_steps`` and the
    Measures dashboard's reach both call it.

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> g, _ = from_arrays(np.array([0, 1, 2, 3]), np.array([1, 2, 3, 4]))
    >>> within_two_steps(g, np.array([True, False, False, False, False])).tolist()
    [True, True, True, False, False]
    """
    g = undirected(graph)
    mask = np.asarray(active, dtype=np.bool_)
    if mask.shape != (g.n,):
        raise InvalidInput(f"active must be a mask over the {g.n} people, got shape {mask.shape}")
    reached: np.ndarray = role_kernels.within_two(g.indptr, g.indices, mask)
    return reached


def top_share(x: np.ndarray, share: float) -> float | None:
    """Share of the total held by the top ``ceil(share * len(x))`` values (at least one)."""
    total = float(np.sum(x))
    if x.size == 0 or total == 0:
        return None
    k = max(1, math.ceil(share * x.size - 1e-9))
    return float(np.sort(x)[::-1][:k].sum() / total)


def movement_indicators(
    graph: Graph, activity: Activity, evidence: Evidence, *, period: str = "quarter"
) -> dict[str, dict[str, Any]]:
    """Every indicator for the whole record (``value``) and per period (``over_time``).

    Returns ``{name: {"value": v, "over_time": [{"period", "start", "value"}, ...]}}``.
    """
    if period not in PERIODS:
        raise InvalidInput(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    ctx = _Context(graph, activity, evidence)
    whole = ctx.window(-np.inf, np.inf)
    series: dict[str, list[dict[str, Any]]] = {name: [] for name in INDICATORS}
    for label, start, lo, hi in _periods(activity.day, period):
        values = ctx.window(lo, hi)
        for name in INDICATORS:
            series[name].append({"period": label, "start": start, "value": values[name]})
    return {name: {"value": whole[name], "over_time": series[name]} for name in INDICATORS}


class _Context:
    """What every window needs, computed once."""

    def __init__(self, graph: Graph, activity: Activity, evidence: Evidence) -> None:
        self.g = undirected(graph)
        self.n = graph.n
        self.a = activity
        self.p = activity.person.astype(np.int64)
        self.k = activity.kind
        self.community = evidence.bridges.community
        self.n_communities = evidence.bridges.n_communities
        day = activity.day
        dated = ~np.isnan(day)
        self.end = float(day[dated].max()) if dated.any() else np.nan
        first = evidence.first_day
        # Highest rung reached within 90 days of each person's first activity.
        near = dated & (day <= first[self.p] + 90)
        best = np.zeros(self.n, np.int8)
        np.maximum.at(best, self.p[near], RUNG[self.k[near]])
        self.first = first
        self.rose = best > evidence.ladder_first
        self.observed = first + 90 <= self.end

    def window(self, lo: float, hi: float) -> dict[str, float | int | None]:
        day, p, k, n = self.a.day, self.p, self.k, self.n
        whole = np.isneginf(lo) and np.isposinf(hi)
        inside = np.ones(day.size, bool) if whole else (day >= lo) & (day < hi)
        upto = np.ones(day.size, bool) if whole else np.isnan(day) | (day < hi)
        active = np.bincount(p[inside], minlength=n) > 0
        lead = inside & ((k == LED) | (k == HOSTED))
        led = np.bincount(p[lead], minlength=n)[active]
        acts = np.bincount(p[lead | (inside & (k == ATTENDED))], minlength=n)[active]
        people = int(active.sum())
        top1 = top_share(led, 0.01)
        made = int(np.count_nonzero(upto & (k == PLEDGE_MADE)))
        done = int(np.count_nonzero(upto & (k == PLEDGE_DONE)))
        cohort = ~np.isnan(self.first) & self.observed
        if not whole:
            cohort &= (self.first >= lo) & (self.first < hi)
        reached = int(role_kernels.within_two(self.g.indptr, self.g.indices, active).sum())
        with_active = np.unique(self.community[active]).size if people else 0
        return {
            "distributed_leadership": distributed_leadership(led),
            "led_outside_top_1pct": None if top1 is None else 1.0 - top1,
            "top_3pct_share": top_share(acts, 0.03),
            "leaders_per_100": 100.0 * np.count_nonzero(led) / people if people else None,
            "recruitment_depth": self._depth(upto),
            "ladder_up_90d": float(self.rose[cohort].mean()) if cohort.any() else None,
            "commitments_kept": done / made if made else None,
            "within_2_steps": reached / n if n else None,
            "communities_without_active": int(self.n_communities - with_active),
        }

    def _depth(self, rows: np.ndarray) -> int:
        rec = np.flatnonzero(rows & (self.k == RECRUITED) & (self.a.other >= 0))
        if rec.size == 0:
            return 0
        parent = np.full(self.n, -1, np.int64)
        # Earliest recruitment wins, as in the evidence: write latest first.
        order = rec[np.lexsort((rec, self.a.day[rec]))][::-1]
        parent[self.a.other[order]] = self.p[order]
        parent[parent == np.arange(self.n)] = -1
        return int(role_kernels.tree_depth(parent).max())


def _periods(day: np.ndarray, period: str) -> list[tuple[str, str, float, float]]:
    """(label, ISO start, lo, hi) for each calendar period from the first to the last row."""
    dated = day[~np.isnan(day)]
    if dated.size == 0:
        return []
    months = np.array([dated.min(), dated.max()]).astype("datetime64[D]").astype("datetime64[M]")
    first, last = months.astype(np.int64)  # months since 1970-01
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    first -= first % step
    out: list[tuple[str, str, float, float]] = []
    for m in range(int(first), int(last) + 1, step):
        start = np.datetime64(m, "M").astype("datetime64[D]")
        stop = np.datetime64(m + step, "M").astype("datetime64[D]")
        year, month = 1970 + m // 12, m % 12 + 1
        label = {
            "month": f"{year}-{month:02d}",
            "quarter": f"{year}-Q{(month - 1) // 3 + 1}",
            "year": f"{year}",
        }[period]
        out.append((label, str(start), float(start.astype(np.int64)), float(stop.astype(np.int64))))
    return out
