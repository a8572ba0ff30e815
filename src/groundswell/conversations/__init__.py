"""Pol.is-class conversation math: vote matrix, opinion map, groups, statements.

Pure engine (numpy, scipy and numba kernels). The formulas follow Pol.is's
math (the Computational Democracy Project's polis ``math`` sources); each
module cites the step it implements.

>>> from groundswell.conversations import build_matrix, analyse
>>> m = build_matrix(["a", "b"], [1, 1], [1, -1])
>>> analyse(m, seed=0).matrix.shape
(2, 1)
"""

from groundswell.conversations.matrix import VoteMatrix, add_votes, build_matrix
from groundswell.conversations.pipeline import Analysis, Options, analyse, next_statement, update
from groundswell.conversations.polis_io import PolisExport, read_export, write_export

__all__ = [
    "Analysis",
    "Options",
    "PolisExport",
    "VoteMatrix",
    "add_votes",
    "analyse",
    "build_matrix",
    "next_statement",
    "read_export",
    "update",
    "write_export",
]
