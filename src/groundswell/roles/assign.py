"""Role assignment: transparent rules over the evidence, a score per role, plain reasons.

Roles (after Hahrie Han, *How Organizations Develop Activists*, 2014):

- ``mobiliser`` (breadth): calls many people to act. Rule: people mobilised
  (distinct recruits and attendees of their actions) at or above the
  ``percentile`` of active people, and at least ``min_mobilised``.
- ``organiser`` (depth): grows other leaders. Rule: recruits who went on to
  recruit, host or lead at or above the ``percentile`` of people who
  recruited anyone, at least ``min_developed`` of them, and at least
  ``min_developed_share`` of their recruits.
- ``lone_wolf``: long-standing, very active, alone. Rule: actions they led or
  hosted at or above the ``percentile`` of active people (and
  ``min_lone_actions``), tenure at or above the ``tenure_percentile`` of
  active people (and ``min_lone_years``), at most ``max_lone_reach`` people
  mobilised, at most ``max_lone_turnout`` attendances per action, and nobody
  developed.
- ``connector``: a bridge between communities that otherwise hardly talk.
  Rule: participation coefficient at or above the ``percentile`` of people
  with two or more ties (and ``min_participation``), betweenness at or above
  the ``betweenness_percentile``, and ``min_bridge_ties`` or more ties into
  each of at least ``min_bridged`` other communities.

A person may hold several roles. Each score is the person's percentile rank
(0-1) on the role's evidence among the same reference people.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.kernels import roles as role_kernels
from groundswell.network.graph import Graph
from groundswell.roles.communities import community_ties, undirected
from groundswell.roles.evidence import Evidence

ROLE_NAMES: tuple[str, ...] = ("lone_wolf", "mobiliser", "organiser", "connector")
_DEFAULT_PERCENTILES = {"lone_wolf": 0.9, "mobiliser": 0.95, "organiser": 0.9, "connector": 0.95}


@dataclass(frozen=True)
class Rules:
    """Thresholds of the role rules; percentiles are relative, the rest absolute floors."""

    percentile: dict[str, float] = field(default_factory=lambda: dict(_DEFAULT_PERCENTILES))
    min_mobilised: int = 40
    min_developed: int = 3
    min_developed_share: float = 0.25
    min_lone_actions: int = 12
    min_lone_years: float = 2.0
    tenure_percentile: float = 0.75
    max_lone_reach: int = 5
    max_lone_turnout: float = 0.5
    min_participation: float = 0.5
    betweenness_percentile: float = 0.9
    min_bridge_ties: int = 2
    min_bridged: int = 2

    def with_percentiles(self, **values: float) -> Rules:
        """A copy with some roles' percentiles changed (each in [0, 1])."""
        merged = {**self.percentile}
        for role, q in values.items():
            if role not in ROLE_NAMES:
                raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLE_NAMES)}")
            if not 0.0 <= float(q) <= 1.0:
                raise InvalidInput(f"percentile for {role} must be in [0, 1], got {q}")
            merged[role] = float(q)
        return replace(self, percentile=merged)


@dataclass(frozen=True, eq=False)
class RoleAssignment:
    """Who holds which role, a score per role, and the thresholds that were used."""

    evidence: Evidence
    holds: dict[str, np.ndarray]  # role -> bool mask over people
    scores: dict[str, np.ndarray]  # role -> percentile rank 0..1
    thresholds: dict[str, dict[str, float]]
    pair_ties: dict[tuple[int, int], int]  # ties between communities (for reasons)
    linked: np.ndarray  # other communities each person has min_bridge_ties into
    graph: Graph  # the ties read as undirected

    def people(self) -> np.ndarray:
        """Ids of people holding at least one role, best total score first."""
        any_role = np.zeros(self.evidence.n, bool)
        for mask in self.holds.values():
            any_role |= mask
        ids = np.flatnonzero(any_role)
        total = sum(np.where(self.holds[r][ids], self.scores[r][ids], 0.0) for r in ROLE_NAMES)
        return ids[np.lexsort((ids, -np.asarray(total)))]

    def roles_of(self, person: int) -> list[str]:
        return [r for r in ROLE_NAMES if self.holds[r][person]]

    def reasons(self, person: int) -> list[str]:
        """One plain sentence per role held."""
        from groundswell.roles.reasons import reason

        return [reason(self, role, person) for role in self.roles_of(person)]


def percentile_rank(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Share of ``reference`` below each value, counting ties as half (mid-rank)."""
    ref = np.sort(reference)
    if ref.size == 0:
        return np.zeros(values.shape[0])
    below = np.searchsorted(ref, values, side="left")
    upto = np.searchsorted(ref, values, side="right")
    return (below + upto) / (2.0 * ref.size)


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if values.size else 0.0


def assign_roles(graph: Graph, evidence: Evidence, rules: Rules | None = None) -> RoleAssignment:
    """Apply ``rules`` to ``evidence``; see the module docstring for each rule."""
    rules = rules or Rules()
    ev = evidence
    q = {**_DEFAULT_PERCENTILES, **rules.percentile}
    active = ev.active
    holds: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    thresholds: dict[str, dict[str, float]] = {}

    mob_ref = ev.mobilised[active]
    cut = max(_quantile(mob_ref, q["mobiliser"]), rules.min_mobilised)
    holds["mobiliser"] = active & (ev.mobilised >= cut)
    scores["mobiliser"] = percentile_rank(ev.mobilised, mob_ref)
    thresholds["mobiliser"] = {"mobilised": cut}

    recruiters = ev.recruited > 0
    dev_ref = ev.developed[recruiters]
    cut = max(_quantile(dev_ref, q["organiser"]), rules.min_developed)
    share = ev.developed / np.maximum(ev.recruited, 1)
    holds["organiser"] = (ev.developed >= cut) & (share >= rules.min_developed_share)
    scores["organiser"] = percentile_rank(ev.developed, dev_ref)
    thresholds["organiser"] = {"developed": cut, "developed_share": rules.min_developed_share}

    years = ev.tenure_days / 365.25
    own = ev.led + ev.hosted
    act_cut = max(_quantile(own[active], q["lone_wolf"]), rules.min_lone_actions)
    ten_cut = max(_quantile(years[active], rules.tenure_percentile), rules.min_lone_years)
    holds["lone_wolf"] = (
        active
        & (own >= act_cut)
        & (years >= ten_cut)
        & (ev.mobilised <= rules.max_lone_reach)
        & (ev.turnout <= rules.max_lone_turnout * own)
        & (ev.developed == 0)
    )
    scores["lone_wolf"] = (
        percentile_rank(own, own[active])
        + percentile_rank(years, years[active])
        + 1.0
        - percentile_rank(ev.mobilised, ev.mobilised[active])
    ) / 3.0
    thresholds["lone_wolf"] = {
        "own_actions": act_cut,
        "years": ten_cut,
        "mobilised_at_most": rules.max_lone_reach,
        "turnout_per_action_at_most": rules.max_lone_turnout,
    }

    br = ev.bridges
    g = undirected(graph)
    linked = role_kernels.linked_communities(
        g.indptr, g.indices, br.community, max(br.n_communities, 1), rules.min_bridge_ties
    )
    tied = ev.degree >= 2
    pc_cut = max(_quantile(br.participation[tied], q["connector"]), rules.min_participation)
    bt_cut = _quantile(br.betweenness, rules.betweenness_percentile)
    holds["connector"] = (
        tied
        & (br.participation >= pc_cut)
        & (br.betweenness >= bt_cut)
        & (br.betweenness > 0)
        & (linked >= rules.min_bridged)
    )
    scores["connector"] = (
        percentile_rank(br.participation, br.participation[tied])
        + percentile_rank(br.betweenness, br.betweenness)
    ) / 2.0
    thresholds["connector"] = {
        "participation": pc_cut,
        "betweenness": bt_cut,
        "communities_linked": rules.min_bridged,
    }
    pairs = community_ties(g, br.community) if holds["connector"].any() else {}
    return RoleAssignment(ev, holds, scores, thresholds, pairs, linked, g)
