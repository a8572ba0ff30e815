"""Per-run random states, equal to :func:`groundswell.rng.child_states` but vectorised.

``child_states(seed, runs)`` builds one ``SeedSequence`` child per run in
Python, about 20 microseconds each: more than a whole independent-cascade
run on a 10,000-person graph. Child ``i`` of ``SeedSequence(seed)`` differs
from the others only in its spawn key ``(i,)``, so the same hash can be run
for every child at once on numpy arrays. The steps are numpy's
``SeedSequence`` (O'Neill's seed_seq_fe, in ``numpy/random/bit_generator.pyx``:
``hashmix``, ``mix``, ``mix_entropy`` and ``generate_state``), done in
``uint64`` and masked to 32 bits; the tests check the output equals
``child_states`` exactly.
"""

from __future__ import annotations

import numpy as np

from groundswell.rng import Seed, child_states, seed_sequence

_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = np.uint64(0xCA01F9DD), np.uint64(0x4973F715)
_MASK = 0xFFFFFFFF
_M32, _S16 = np.uint64(_MASK), np.uint64(16)


def _words(value: int) -> list[int]:
    """An integer as little-endian 32-bit words, as numpy coerces entropy."""
    out = []
    while True:
        out.append(value & _MASK)
        value >>= 32
        if not value:
            return out


def run_states(seed: Seed, runs: int) -> np.ndarray:
    """``runs`` 64-bit states, identical to ``child_states(seed, runs)``.

    Integer seeds take the vectorised path. A ``SeedSequence`` or ``Generator``
    goes through ``child_states`` itself so its side effects (the spawned
    children counter, a generator draw) stay the same.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or runs >= 2**32:
        return child_states(seed, runs)
    root = seed_sequence(int(seed))
    pool_size = root.pool_size
    entropy = _words(int(seed))  # root.entropy is this int
    entropy += [0] * (pool_size - len(entropy))  # padded because a spawn key follows
    for key in root.spawn_key:
        entropy += _words(int(key))
    columns = [np.full(runs, w, np.uint64) for w in entropy]
    columns.append(np.arange(runs, dtype=np.uint64))  # the child's spawn index

    const = _INIT_A

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal const
        value = value ^ np.uint64(const)
        const = (const * _MULT_A) & _MASK
        value = (value * np.uint64(const)) & _M32
        mixed: np.ndarray = value ^ (value >> _S16)
        return mixed

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        # uint64 wraps modulo 2**64, which keeps the low 32 bits exact.
        result: np.ndarray = np.bitwise_and(_MIX_L * x - _MIX_R * y, _M32)
        mixed: np.ndarray = result ^ (result >> _S16)
        return mixed

    pool = [hashmix(columns[i]) for i in range(pool_size)]
    for src in range(pool_size):
        for dst in range(pool_size):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(pool_size, len(columns)):
        for dst in range(pool_size):
            pool[dst] = mix(pool[dst], hashmix(columns[src]))
    # generate_state(1, uint64): two 32-bit words, low word first.
    const_b = _INIT_B
    words = []
    for i in range(2):
        data = pool[i % pool_size] ^ np.uint64(const_b)
        const_b = (const_b * _MULT_B) & _MASK
        data = (data * np.uint64(const_b)) & _M32
        words.append(data ^ (data >> _S16))
    state: np.ndarray = words[0] | (words[1] << np.uint64(32))
    return state
