"""Who may be chosen, who is already active, and what each person costs.

An organiser can only ask people who consented to be contacted; some people
are already active (they are seeds whatever we choose, at no cost); some must
not be asked; and asking costs time, so a budget may be in cost, not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.errors import InvalidInput


@dataclass(frozen=True)
class Constraints:
    """Constraints on seed choice, as contiguous node ids (``graph.ids_of(labels)``).

    Parameters
    ----------
    consented : ids of people who may be contacted; ``None`` means everyone.
    excluded : ids never to be chosen (they can still be reached).
    must_include : ids already active: always in the seed set, never charged.
    cost : per-person cost, shape (n,); ``None`` means 1 each.
    budget : total cost allowed for new seeds; ``None`` means a count budget.
    """

    consented: np.ndarray | None = None
    excluded: np.ndarray | None = None
    must_include: np.ndarray | None = None
    cost: np.ndarray | None = None
    budget: float | None = None

    def resolve(self, n: int) -> Resolved:
        """Check against a graph of ``n`` people and pack for the greedy kernel."""
        candidate = np.ones(n, dtype=np.bool_)
        if self.consented is not None:
            candidate[:] = False
            candidate[_ids(self.consented, n, "consented")] = True
        if self.excluded is not None:
            candidate[_ids(self.excluded, n, "excluded")] = False
        forced = np.zeros(0, dtype=np.int32)
        if self.must_include is not None:
            forced = np.unique(_ids(self.must_include, n, "must_include")).astype(np.int32)
            if self.excluded is not None and np.intersect1d(forced, self.excluded).size:
                raise InvalidInput(
                    "a person is both already active (must include) and excluded; "
                    "remove them from one of the two lists"
                )
            candidate[forced] = False
        if self.cost is None:
            cost = np.ones(n, dtype=np.float64)
        else:
            cost = np.asarray(self.cost, dtype=np.float64)
            if cost.shape != (n,):
                raise InvalidInput(f"cost must give one value per person ({n}), got {cost.shape}")
            if not np.all(np.isfinite(cost)) or np.any(cost[candidate] <= 0):
                raise InvalidInput("every candidate's cost must be a positive number")
        budget = np.inf if self.budget is None else float(self.budget)
        if budget < 0 or np.isnan(budget):
            raise InvalidInput(f"budget must be zero or more, got {self.budget}")
        return Resolved(
            candidate=candidate,
            forced=forced,
            cost=cost,
            budget=budget,
            costed=self.budget is not None,
        )

    @property
    def active(self) -> bool:
        return any(
            x is not None
            for x in (self.consented, self.excluded, self.must_include, self.cost, self.budget)
        )


@dataclass(frozen=True, eq=False)
class Resolved:
    candidate: np.ndarray  # bool (n,): may be chosen
    forced: np.ndarray  # int32: already active
    cost: np.ndarray  # float64 (n,)
    budget: float  # inf for a count budget
    costed: bool

    def max_affordable(self, k: int) -> int:
        """Most new seeds the budget can buy (cheapest first), capped by ``k``."""
        avail = np.sort(self.cost[self.candidate])
        if self.costed:
            k = min(k, int(np.searchsorted(np.cumsum(avail), self.budget, side="right")))
        return int(min(k, avail.shape[0]))


def _ids(ids: np.ndarray, n: int, name: str) -> np.ndarray:
    arr = np.asarray(ids, dtype=np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise InvalidInput(f"{name}: node ids must be between 0 and {n - 1}")
    return arr
