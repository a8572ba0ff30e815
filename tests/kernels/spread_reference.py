"""Slow pure-Python twin of ``groundswell.kernels.spread._one_run``.

Same algorithm, same random draws in the same order (splitmix64 on Python
ints), so one run must give exactly the kernel's adopters and curve.
"""

from __future__ import annotations

import math

MASK64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, state: int) -> None:
        self.state = state

    def uniform(self) -> float:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        return (z >> 11) * 2.0**-53

    def skip(self, log_q: float) -> int:
        return min(int(math.log1p(-self.uniform()) / log_q), 2_000_000_000)


def one_run(indptr, indices, edge_value, need, seeds, fparams, iparams, state):
    """Return (adopted list in adoption order, new adopters per step)."""
    mode, max_steps, _cap, per_edge = (int(x) for x in iparams)
    p, recovery, never, log_q = (float(x) for x in fparams)
    rng = SplitMix64(int(state))
    status: dict[int, str] = {}
    acc: dict[int, float] = {}
    thr: dict[int, float] = {}
    adopted: list[int] = []
    cur: list[int] = []
    for s in seeds:
        if s not in status:
            status[s] = "active"
            adopted.append(int(s))
            cur.append(int(s))
    per_step = [len(adopted)]
    step = 0
    while cur and step < max_steps:
        step += 1
        nxt: list[int] = []
        before = len(adopted)
        for u in cur:
            lo, hi = int(indptr[u]), int(indptr[u + 1])
            uniform_cascade = mode == 0 and not per_edge
            e = lo
            if uniform_cascade:
                e = hi if p <= 0 else (lo + rng.skip(log_q) if p < 1 else lo)
            while e < hi:
                v = int(indices[e])
                if v not in status:
                    status[v] = "susceptible"
                    if never > 0 and rng.uniform() < never:
                        status[v] = "immune"
                    if mode == 1:
                        acc[v] = 0.0
                        thr[v] = 1.0 - rng.uniform()
                    elif mode == 2:
                        acc[v] = 0.0
                if status[v] == "susceptible":
                    if mode == 0:
                        hit = (not per_edge) or rng.uniform() < edge_value[e]
                    elif mode == 1:
                        acc[v] += edge_value[e]
                        hit = acc[v] >= thr[v]
                    else:
                        acc[v] += 1.0
                        hit = acc[v] >= need[v]
                    if hit:
                        status[v] = "active"
                        adopted.append(v)
                        nxt.append(v)
                e += 1 + rng.skip(log_q) if uniform_cascade and p < 1 else 1
            if mode == 0 and recovery < 1 and not rng.uniform() < recovery:
                nxt.append(u)
            else:
                status[u] = "done"
        per_step.append(len(adopted) - before)
        cur = nxt
    while len(per_step) > 1 and per_step[-1] == 0:
        per_step.pop()
    return adopted, per_step
