"""Monte Carlo spread models: independent cascade, weighted cascade, linear
threshold, complex contagion, SIR-style fading enthusiasm and direct contact.

>>> import numpy as np
>>> from groundswell.network.build import from_arrays
>>> from groundswell.spread import Model, simulate
>>> ring, _ = from_arrays(np.arange(6), (np.arange(6) + 1) % 6)
>>> simulate(ring, Model("complex", threshold=2), np.array([0, 1]), runs=5).reach_mean
2.0
"""

from groundswell.spread.models import KINDS, Model
from groundswell.spread.results import SpreadResult
from groundswell.spread.seeding import random_seeds, seeds_from_labels, top_degree_seeds
from groundswell.spread.simulate import simulate

__all__ = [
    "KINDS",
    "Model",
    "SpreadResult",
    "random_seeds",
    "seeds_from_labels",
    "simulate",
    "top_degree_seeds",
]
