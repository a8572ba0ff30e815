"""Helpers: the three real Pol.is exports in data/polis, and the ARI.

Data gathered using the Polis software (compdemocracy.org/polis), sub-licensed
under CC BY 4.0 with attribution to The Computational Democracy Project
(data/polis/LICENSE-DATA.txt):
https://compdemocracy.org/case-studies/2022-london-youth-policing,
https://compdemocracy.org/case-studies/2015-football-concussions,
https://compdemocracy.org/case-studies/2017-scoop-hivemind-ubi
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from groundswell.conversations import analyse, read_export

POLIS = Path(__file__).resolve().parents[2] / "data" / "polis"
DATASETS = ["london.youth.policing", "scoop-hivemind.ubi", "football-concussions"]


@cache
def loaded(name: str):
    export = read_export(POLIS / name)
    matrix = export.matrix()
    return export, matrix, analyse(matrix, moderated_out=export.moderated_out, seed=0)


def ari(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two labelings."""
    from math import comb

    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), np.int64)
    np.add.at(table, (ai, bi), 1)
    pairs = sum(comb(int(x), 2) for x in table.ravel())
    rows = sum(comb(int(x), 2) for x in table.sum(1))
    cols = sum(comb(int(x), 2) for x in table.sum(0))
    expected = rows * cols / comb(len(a), 2)
    top = (rows + cols) / 2
    return 1.0 if top == expected else (pairs - expected) / (top - expected)
