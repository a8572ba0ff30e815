"""Find the few: fewest seeds for a target share, best k for a budget, baselines.

>>> from groundswell.network.build import from_arrays
>>> from groundswell.spread import Model
>>> from groundswell.seeds import best_k, fewest_seeds
>>> star, _ = from_arrays([0, 0, 0, 0], [1, 2, 3, 4])
>>> best_k(star, Model("direct"), 1).seeds.tolist()
[0]
>>> fewest_seeds(star, Model("direct"), 0.9).seeds.tolist()
[0]

Under ``direct`` (any ``p``) and ``ic`` stopped after one step the reach is
counted exactly and the choice is lazy greedy on it, improved by swaps, with a
proven lower bound for targets (:mod:`groundswell.seeds.exact`). Under ``ic``,
``wc`` and ``lt`` the choice runs on reverse-reachable sets with IMM's or
OPIM-C's guarantee; under ``complex`` and ``sir`` no such guarantee exists and
:mod:`groundswell.seeds.complex` offers a heuristic.
"""

from groundswell.seeds.baselines import BASELINES
from groundswell.seeds.constraints import Constraints
from groundswell.seeds.imm import best_k
from groundswell.seeds.report import Report, check_selection
from groundswell.seeds.result import Check, Selection
from groundswell.seeds.target import fewest_seeds

__all__ = [
    "BASELINES",
    "Check",
    "Constraints",
    "Report",
    "Selection",
    "best_k",
    "check_selection",
    "fewest_seeds",
]
