"""Which statement a participant sees next: Pol.is comment priorities.

From the in-conversation tallies summed over groups (A agrees, D disagrees,
S seen) and the statement's extremity E on the opinion map
(``conversation.clj:308-327, 638-666``):

* ``p = (P + 1) / (S + 2)`` with ``P = S - A - D`` passes; ``a = (A + 1) / (S + 2)``
* ``importance = (1 - p) (E + 1) a``: engaging, agreeable, opinion-separating
* ``priority = (importance (1 + 8 * 2^(-S / 5)))^2``: the novelty factor is 9
  for an unseen statement and halves its excess every 5 votes
* meta statements: ``7^2 = 49``

We use the current tallies, not the previous update's (Pol.is quirk Q2). The
server draws one candidate with probability proportional to its priority
(``server.ts:7542-7633``): never one the participant already voted on, never a
moderated-out one.
"""

from __future__ import annotations

import numpy as np

from groundswell.rng import Seed, generator

META_PRIORITY = 7.0


def priorities(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    extremity: np.ndarray,
    is_meta: np.ndarray | None = None,
) -> np.ndarray:
    """Pol.is comment priority per statement (all arrays over statements)."""
    agree, disagree, seen = (np.asarray(a, np.float64) for a in (agree, disagree, seen))
    passes = seen - (agree + disagree)
    p_pass = (1 + passes) / (2 + seen)
    p_agree = (1 + agree) / (2 + seen)
    importance = p_agree * (1 - p_pass) * (1 + np.asarray(extremity))
    priority = importance * (1 + 8 * np.power(2.0, -(seen / 5)))
    if is_meta is not None:
        priority = np.where(is_meta, META_PRIORITY, priority)
    squared: np.ndarray = priority**2
    return squared


def pick(weights: np.ndarray, candidates: np.ndarray, seed: Seed = None) -> int | None:
    """Roulette-wheel draw of one index from ``candidates`` (a boolean mask).

    Returns ``None`` when nothing is left to show.
    """
    idx = np.flatnonzero(candidates)
    if idx.size == 0:
        return None
    w = np.asarray(weights, np.float64)[idx]
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    rng = generator(seed)
    if w.sum() <= 0:
        return int(idx[rng.integers(idx.size)])
    cum = np.cumsum(w)
    return int(idx[np.searchsorted(cum, rng.random() * cum[-1], side="right")])
