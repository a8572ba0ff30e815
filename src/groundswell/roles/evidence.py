"""Per-person evidence arrays from the network and from activity.

Everything a role rule or a reason quotes is here, one array per measure,
row ``i`` for person ``i`` of the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import get_num_threads

from groundswell.kernels import roles as role_kernels
from groundswell.network.graph import Graph
from groundswell.rng import Seed
from groundswell.roles.activity import (
    ATTENDED,
    HOSTED,
    LED,
    PLEDGE_DONE,
    PLEDGE_MADE,
    PLEDGE_SHARED,
    RECRUITED,
    RUNG,
    Activity,
)
from groundswell.roles.communities import DEFAULT_SAMPLES, Bridges, find_bridges, undirected


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the network and the activity say about each person (arrays of length n)."""

    degree: np.ndarray  # distinct people tied to them
    reach2: np.ndarray  # distinct people within two steps
    bridges: Bridges  # community, participation, betweenness
    active: np.ndarray  # bool: any activity row
    first_day: np.ndarray  # float64 day of first row (NaN none)
    last_day: np.ndarray
    tenure_days: np.ndarray  # from joining (or first row) to last row; 0 when unknown
    actions: np.ndarray  # led + hosted + attended
    led: np.ndarray
    hosted: np.ndarray
    attended: np.ndarray
    turnout: np.ndarray  # attendances at the actions they led or hosted
    mobilised: np.ndarray  # distinct people they recruited or who came to their actions
    recruited: np.ndarray
    developed: np.ndarray  # recruits who went on to recruit, host or lead
    descendants: np.ndarray  # everyone below them in the recruitment tree
    recruiter: np.ndarray  # int64, -1: nobody recorded
    recruit_depth: np.ndarray  # depth in the recruitment forest (0: a root)
    pledges_made: np.ndarray
    pledges_shared: np.ndarray
    pledges_done: np.ndarray
    ladder: np.ndarray  # int8 highest rung reached (see activity.LADDER)
    ladder_first: np.ndarray  # int8 rung shown on their first day

    @property
    def n(self) -> int:
        return int(self.degree.shape[0])


def gather_evidence(
    graph: Graph,
    activity: Activity | None = None,
    *,
    seed: Seed = 0,
    samples: int = DEFAULT_SAMPLES,
    resolution: float = 1.0,
    bridges: Bridges | None = None,
) -> Evidence:
    """Evidence for every person of ``graph`` from its ties and ``activity``.

    Parameters
    ----------
    graph : ties (read as undirected for degree, reach and bridging)
    activity : rows of activity for the graph's people (none: network only)
    seed : seeds Leiden and the betweenness sample
    samples : sources for the betweenness estimate (Brandes & Pich 2007)
    resolution : Leiden's modularity resolution; above 1 finds smaller
        communities (modularity merges communities of fewer than about
        sqrt(2m) ties at 1: Fortunato & Barthélemy, PNAS 104, 36-41, 2007)
    bridges : precomputed communities and bridging (skips Leiden)

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> from groundswell.roles.activity import make_activity
    >>> g, _ = from_arrays([0, 1, 2], [1, 2, 3], n=4)
    >>> a = make_activity([0, 1], ["recruited", "recruited"], [1, 2], n=4)
    >>> e = gather_evidence(g, a)
    >>> e.recruited.tolist(), e.developed.tolist(), e.reach2.tolist()
    ([1, 1, 0, 0], [1, 0, 0, 0], [2, 3, 3, 2])
    """
    n = graph.n
    act = activity if activity is not None else Activity.empty()
    g = undirected(graph)
    degree = np.diff(g.indptr).astype(np.int64)
    reach = role_kernels.reach2(g.indptr, g.indices, max(1, get_num_threads()))
    if bridges is None:
        bridges = find_bridges(g, seed, samples=samples, resolution=resolution)
    p, k, other, day = act.person.astype(np.int64), act.kind, act.other, act.day

    def count(kind: int) -> np.ndarray:
        return np.bincount(p[k == kind], minlength=n).astype(np.int64)

    led, hosted, attended = count(LED), count(HOSTED), count(ATTENDED)
    recruiter = _recruiters(p, k, other, day, n)
    has = recruiter >= 0
    recruited = np.bincount(recruiter[has], minlength=n).astype(np.int64)
    grew = (led + hosted + recruited) > 0  # went on to recruit, host or lead
    developed = np.bincount(recruiter[has & grew], minlength=n).astype(np.int64)
    depth = role_kernels.tree_depth(recruiter)
    below = role_kernels.subtree_sizes(recruiter, depth)
    turnout, mobilised = _turnout(p, k, other, recruiter, n)

    dated = ~np.isnan(day)
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, p[dated], day[dated])
    np.maximum.at(last, p[dated], day[dated])
    first[np.isinf(first)] = np.nan
    last[np.isinf(last)] = np.nan
    start = first if act.joined_day is None else np.fmin(first, act.joined_day)
    tenure = np.nan_to_num(last - start, nan=0.0)
    rung = RUNG[k]
    ladder = np.zeros(n, np.int8)
    np.maximum.at(ladder, p, rung)
    on_first = dated & (day == first[p])
    ladder_first = np.zeros(n, np.int8)
    np.maximum.at(ladder_first, p[on_first], rung[on_first])
    return Evidence(
        degree=degree,
        reach2=reach,
        bridges=bridges,
        active=np.bincount(p, minlength=n) > 0,
        first_day=first,
        last_day=last,
        tenure_days=tenure,
        actions=led + hosted + attended,
        led=led,
        hosted=hosted,
        attended=attended,
        turnout=turnout,
        mobilised=mobilised,
        recruited=recruited,
        developed=developed,
        descendants=below,
        recruiter=recruiter,
        recruit_depth=depth,
        pledges_made=count(PLEDGE_MADE),
        pledges_shared=count(PLEDGE_SHARED),
        pledges_done=count(PLEDGE_DONE),
        ladder=ladder,
        ladder_first=ladder_first,
    )


def _recruiters(
    p: np.ndarray, k: np.ndarray, other: np.ndarray, day: np.ndarray, n: int
) -> np.ndarray:
    """Each person's recruiter (-1 none); a person recruited twice keeps the earliest."""
    rec = np.flatnonzero((k == RECRUITED) & (other >= 0))
    # Undated rows sort last (NaN), so a dated recruitment wins.
    rec = rec[np.lexsort((rec, day[rec]))]
    recruiter = np.full(n, -1, dtype=np.int64)
    recruit = other[rec]
    firsts = np.unique(recruit, return_index=True)[1]
    recruiter[recruit[firsts]] = p[rec[firsts]]
    recruiter[recruiter == np.arange(n)] = -1  # recruiting oneself is no recruitment
    return recruiter


def _turnout(
    p: np.ndarray, k: np.ndarray, other: np.ndarray, recruiter: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Attendances at each person's actions, and distinct people they mobilised."""
    lead = np.flatnonzero(((k == LED) | (k == HOSTED)) & (other >= 0))
    lead = lead[np.argsort(other[lead], kind="stable")]
    att = np.flatnonzero((k == ATTENDED) & (other >= 0))
    leaders, people = role_kernels.leader_attendee_pairs(other[lead], p[lead], other[att], p[att])
    turnout = np.bincount(leaders, minlength=n).astype(np.int64)
    has = np.flatnonzero(recruiter >= 0)
    keys = np.concatenate([leaders * n + people, recruiter[has] * n + has])
    mobilised = np.bincount(np.unique(keys) // n, minlength=n).astype(np.int64) if n else keys
    return turnout, mobilised
