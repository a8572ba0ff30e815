"""Lone wolves, mobilisers, organisers and connectors, with reasons; movement indicators.

>>> from groundswell.roles import planted_movement, gather_evidence, assign_roles
>>> mv = planted_movement(1000, seed=1)
>>> result = assign_roles(mv.graph, gather_evidence(mv.graph, mv.activity, seed=1))
>>> sorted(result.holds)
['connector', 'lone_wolf', 'mobiliser', 'organiser']
"""

from groundswell.roles.activity import KINDS, LADDER, Activity, make_activity
from groundswell.roles.assign import ROLE_NAMES, RoleAssignment, Rules, assign_roles
from groundswell.roles.communities import Bridges, find_bridges, leiden, nmi, sampled_betweenness
from groundswell.roles.evidence import Evidence, gather_evidence
from groundswell.roles.planted import PlantedMovement, planted_movement

__all__ = [
    "KINDS",
    "LADDER",
    "ROLE_NAMES",
    "Activity",
    "Bridges",
    "Evidence",
    "PlantedMovement",
    "RoleAssignment",
    "Rules",
    "assign_roles",
    "find_bridges",
    "gather_evidence",
    "leiden",
    "make_activity",
    "nmi",
    "planted_movement",
    "sampled_betweenness",
]
