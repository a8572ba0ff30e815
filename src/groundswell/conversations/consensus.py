"""Majority consensus, group-aware consensus and divisive statements.

* **Majority** (Pol.is ``repness.clj:281-320``): over *all*
  participants, a statement agrees when ``pa > 0.5`` and ``pat > 1.2816``,
  ranked by ``pa x pat``, top 5; the same with ``pd``, ``pdt`` for disagree.
* **Group-aware consensus** (``conversation.clj:615-636``):
  ``prod_g (A_gj + 1) / (S_gj + 2)`` over the groups; red-dwarf's disagree
  variant uses ``D_gj``. A product over k groups, so compare values only
  between analyses with the same k.
* **Divisive**: not a Pol.is list; here a statement divides when some group
  agrees with it and another disagrees, each significantly (``p > 0.5`` and
  ``p-test > 1.2816`` within the group), ranked by the spread ``max_g pa_g -
  min_g pa_g`` of the groups' smoothed agree rates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from groundswell.conversations.repness import (
    PICK_MAX,
    Z90,
    GroupStats,
    one_prop_test,
    probability,
)


@dataclass(frozen=True)
class ConsensusStatement:
    tid: object
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Consensus:
    agree: list[ConsensusStatement]
    disagree: list[ConsensusStatement]


def majority(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    tids: list[Any],
    columns: np.ndarray,
    *,
    z: float = Z90,
    pick_max: int = PICK_MAX,
    threshold: float = 0.5,
) -> Consensus:
    """Statements most of everyone agrees (or disagrees) with, from column totals.

    ``columns`` are the eligible columns (moderation applied) in statement-id
    order, which breaks ties in the ranking.
    """
    columns = np.asarray(columns, np.int64)
    lists = []
    for direction, n in (("agree", agree), ("disagree", disagree)):
        p = probability(n, seen)
        pt = one_prop_test(n, seen)
        keep = columns[(p[columns] > threshold) & (pt[columns] > z)]
        metric = p[keep] * pt[keep]
        ranked = keep[np.argsort(-metric, kind="stable")][:pick_max]
        lists.append(
            [
                ConsensusStatement(
                    tids[j], direction, int(n[j]), int(seen[j]), float(p[j]), float(pt[j])
                )
                for j in ranked
            ]
        )
    return Consensus(*lists)


def group_aware(stats: GroupStats) -> tuple[np.ndarray, np.ndarray]:
    """Group-aware consensus per statement: (agree, disagree) products over groups."""
    return stats.pa.prod(axis=0), stats.pd.prod(axis=0)


def divisive(
    stats: GroupStats, columns: np.ndarray, *, z: float = Z90, pick_max: int = PICK_MAX
) -> list[tuple[int, float]]:
    """``(column, spread)`` of statements some groups agree and others disagree with."""
    columns = np.asarray(columns, np.int64)
    if stats.pa.shape[0] < 2 or columns.size == 0:
        return []
    agrees = (stats.pa[:, columns] > 0.5) & (stats.pat[:, columns] > z)
    disagrees = (stats.pd[:, columns] > 0.5) & (stats.pdt[:, columns] > z)
    split = agrees.any(axis=0) & disagrees.any(axis=0)
    spread = stats.pa[:, columns].max(axis=0) - stats.pa[:, columns].min(axis=0)
    picked = np.flatnonzero(split)
    picked = picked[np.argsort(-spread[picked], kind="stable")][:pick_max]
    return [(int(columns[i]), float(spread[i])) for i in picked]
