"""Synthetic conversations with planted opinion groups, for tests and benchmarks.

Each participant belongs to one of ``n_groups`` latent groups; each group has
its own agree probability per statement (drawn from a Beta(0.7, 0.7), so
statements range from consensual to divisive) and participants pass with
probability ``p_pass``. Statement popularity decays with its id (earlier
statements are seen by more people, as in a live conversation), and the
number of votes per participant is geometric, so many vote a little and few
vote a lot. Votes are returned in time order; a participant may vote twice on
the same statement (the later vote wins), as in real exports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.conversations.matrix import VoteMatrix, from_codes
from groundswell.rng import Seed, generator


@dataclass(frozen=True)
class SyntheticVotes:
    rows: np.ndarray  # participant code per vote, time order
    cols: np.ndarray  # statement code per vote
    votes: np.ndarray  # +1 / 0 / -1
    group: np.ndarray  # planted group of each participant
    n_participants: int
    n_statements: int

    def matrix(self, upto: int | None = None) -> VoteMatrix:
        """The vote matrix of the first ``upto`` votes (all by default)."""
        end = self.rows.shape[0] if upto is None else upto
        return from_codes(
            self.rows[:end],
            self.cols[:end],
            self.votes[:end],
            list(range(self.n_participants)),
            list(range(self.n_statements)),
        )


def synthetic_votes(
    n_participants: int,
    n_statements: int,
    n_votes: int,
    *,
    n_groups: int = 4,
    p_pass: float = 0.15,
    seed: Seed = 0,
) -> SyntheticVotes:
    """Exactly ``n_votes`` votes over ``n_participants`` x ``n_statements``."""
    rng = generator(seed)
    group = rng.integers(n_groups, size=n_participants)
    p_agree = rng.beta(0.7, 0.7, size=(n_groups, n_statements))
    per = rng.geometric(1.0 / max(n_votes / n_participants, 1.0), size=n_participants).astype(float)
    per = np.maximum(1, np.round(per * n_votes / per.sum())).astype(np.int64)
    diff = n_votes - int(per.sum())  # fix rounding so the total is exact
    idx = rng.choice(n_participants, size=abs(diff), replace=True)
    np.add.at(per, idx, 1 if diff > 0 else 0)
    if diff < 0:
        for i in idx:
            per[i] = max(per[i] - 1, 0)
        per[np.argmax(per)] += n_votes - int(per.sum())
    rows = np.repeat(np.arange(n_participants), per)
    popularity = 1.0 / (1.0 + np.arange(n_statements) / (0.2 * n_statements))
    cols = rng.choice(n_statements, size=rows.shape[0], p=popularity / popularity.sum())
    u = rng.random(rows.shape[0])
    agree = u < p_agree[group[rows], cols] * (1 - p_pass)
    passes = u > 1 - p_pass
    votes = np.where(passes, 0, np.where(agree, 1, -1)).astype(np.int8)
    order = rng.permutation(rows.shape[0])  # interleave participants in time
    return SyntheticVotes(
        rows[order], cols[order], votes[order], group, n_participants, n_statements
    )
