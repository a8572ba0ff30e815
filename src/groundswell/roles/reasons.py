"""Plain-language reasons for each role a person holds, quoting the evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from groundswell.wording import plural

if TYPE_CHECKING:
    from groundswell.roles.assign import RoleAssignment


def _people(k: int) -> str:
    return f"{k:,} {'person' if k == 1 else 'people'}"


def _times(k: int, word: str) -> str:
    return f"{k:,} {word}{'' if k == 1 else 's'}"


def _top(score: float) -> str:
    top = max(1.0 - score, 0.001) * 100
    return f"top {top:.0f}%" if top >= 1 else f"top {top:.1f}%"


def reason(result: RoleAssignment, role: str, i: int) -> str:
    """The sentence that explains why person ``i`` holds ``role``."""
    ev = result.evidence
    if role == "mobiliser":
        led = int(ev.led[i] + ev.hosted[i])
        return (
            f"called {_people(int(ev.mobilised[i]))} to act: brought in "
            f"{int(ev.recruited[i]):,}, and {int(ev.turnout[i]):,} came to the "
            f"{_times(led, 'action')} they led or hosted "
            f"({_top(result.scores['mobiliser'][i])} of active people)"
        )
    if role == "organiser":
        rec, dev = int(ev.recruited[i]), int(ev.developed[i])
        return (
            f"brought in {_people(rec)}, {dev:,} of whom now recruit, host or lead; "
            f"{_people(int(ev.descendants[i]))} in the recruitment tree they started"
        )
    if role == "lone_wolf":
        years = ev.tenure_days[i] / 365.25
        alone = "none of their recruits leads" if ev.recruited[i] else "brought nobody in"
        return (
            f"active for {years:.0f} years, {_times(int(ev.led[i] + ev.hosted[i]), 'action')}, "
            f"reaches {_people(int(ev.mobilised[i]))}; " + alone
        )
    if role == "connector":
        return _connector(result, i)
    raise ValueError(role)


def _connector(result: RoleAssignment, i: int) -> str:
    ev = result.evidence
    comm = ev.bridges.community
    own = int(comm[i])
    nbrs = result.graph.neighbours(i)
    theirs = comm[nbrs]
    outside = int(np.count_nonzero(theirs != own))
    others, counts = np.unique(theirs[theirs != own], return_counts=True)
    order = np.argsort(-counts, kind="stable")[:3]
    parts, sole = [], []
    for c, k in zip(others[order].tolist(), counts[order].tolist(), strict=True):
        rest = result.pair_ties.get((min(own, c), max(own, c)), 0) - k
        parts.append(
            f"#{c} ({plural(k, 'tie')}; {plural(rest, 'other tie')} between #{own} and #{c})"
        )
        if rest < k:
            sole.append(f"#{c}")
    if sole:
        parts.append(f"more of the link to {', '.join(sole)} than everyone else together")
    share = ev.bridges.betweenness[i] * 100
    return (
        f"links community #{own} with {int(result.linked[i])} others: "
        f"{'; '.join(parts)}; {outside} of {plural(nbrs.size, 'tie')} "
        f"{'leaves' if outside == 1 else 'leave'} #{own}; "
        f"on about {share:.1f}% of shortest paths between others"
    )
