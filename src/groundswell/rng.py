"""Randomness is an argument: every stochastic function takes ``seed``.

A seed is an ``int``, a ``numpy.random.SeedSequence`` or a ``Generator``.
Parallel work splits one ``SeedSequence`` into independent children (one per
Monte Carlo run or per worker chunk), so results depend only on the seed and
never on the number of threads or workers.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

Seed = int | np.random.SeedSequence | np.random.Generator | None


def seed_sequence(seed: Seed) -> np.random.SeedSequence:
    """Return the ``SeedSequence`` behind ``seed`` (fresh entropy for ``None``)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        # Derive deterministically from the generator's state.
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if seed is not None and (not isinstance(seed, int | np.integer) or seed < 0):
        from groundswell.errors import InvalidInput

        raise InvalidInput(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.SeedSequence(seed)


def generator(seed: Seed) -> np.random.Generator:
    """A ``numpy.random.Generator`` for ``seed``."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_sequence(seed))


def child_states(seed: Seed, count: int) -> np.ndarray:
    """``count`` independent 64-bit seeds, one per parallel task.

    Task ``i`` always gets the same state for the same ``seed``, however the
    tasks are later grouped onto threads or workers.
    """
    children = seed_sequence(seed).spawn(count)
    return np.array([c.generate_state(1, dtype=np.uint64)[0] for c in children], dtype=np.uint64)


# igraph draws from one process-wide generator; runs on the heavy pool and on request
# threads would otherwise reseed it under each other and a seed would not repeat.
_IGRAPH_RNG = threading.RLock()


@contextmanager
def igraph_seeded(state: random.Random) -> Iterator[None]:
    """Lend igraph the generator ``state`` for the block, one user at a time.

    igraph's generator is process-global, so it is set, used and restored to
    Python's ``random`` under one lock; the caller's random state is left alone.
    """
    import igraph as ig

    with _IGRAPH_RNG:
        ig.set_random_number_generator(state)
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
