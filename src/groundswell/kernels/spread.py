"""Monte Carlo spread kernels: arrays in, arrays out.

One run is a frontier-by-frontier sweep over CSR out-edges; one shared routine
(``_one_run``) serves every model, chosen by ``iparams[MODE]``:

* ``CASCADE`` - independent cascade / SIR. Each active node tries each
  susceptible out-neighbour with probability ``p`` (or ``edge_value[e]`` per
  edge), then stays active for another step with probability ``1 - recovery``.
  ``recovery = 1`` is the independent cascade of Kempe, Kleinberg & Tardos
  (KDD 2003, section 2): each node gets exactly one chance per edge.
* ``THRESHOLD`` - linear threshold (Kempe et al. 2003, section 2): node ``v``
  draws ``theta_v ~ U(0, 1]`` and adopts once the summed weight
  ``edge_value[e]`` of its adopted in-neighbours reaches ``theta_v``.
* ``COUNT`` - complex contagion (Centola & Macy 2007): ``v`` adopts once at
  least ``need[v]`` in-neighbours have adopted.

Reproducibility: run ``r`` draws from its own splitmix64 stream seeded by
``states[r]`` (Steele, Lea & Flood, OOPSLA 2014), so a run's numbers do not
depend on which thread executes it or how runs are grouped. Per-thread
scratch arrays carry a stamp (the thread's run counter) so a run costs
O(edges touched) rather than O(n): a node's per-run state is (re)initialised
lazily the first time the run touches it.
"""

from __future__ import annotations

import os

# OpenMP threads that spin while waiting burn the cores other work needs (a web
# server, Dask workers, a shared machine): with two cores busy elsewhere a
# 100-run call took 14x longer. Sleep instead; an explicit setting still wins.
# It must be set before numba first starts its OpenMP threads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
from numba import njit, prange

# iparams layout
MODE, MAX_STEPS, CURVE_CAP, PER_EDGE = 0, 1, 2, 3
# fparams layout
P, RECOVERY, NEVER_ADOPT, LOG_Q = 0, 1, 2, 3
# modes
CASCADE, THRESHOLD, COUNT = 0, 1, 2
# Per-node states. tag[v] = 4 * stamp + state, one array so that touching a node
# is one random memory access; tags below 4 * stamp are from earlier runs.
_SUSCEPTIBLE, _ACTIVE, _IMMUNE = 0, 1, 3

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _uniform(rng: np.ndarray) -> float:
    """Next double in [0, 1) from the splitmix64 stream held in ``rng[0]``."""
    rng[0] += _GOLDEN
    z = rng[0]
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _INV53


@njit(cache=True, inline="always")
def _skip(rng: np.ndarray, log_q: float) -> int:
    """Failures before the next success of a Bernoulli(p) sequence.

    Geometric sampling, log(1-u)/log(1-p) (Devroye, *Non-Uniform Random Variate
    Generation*, 1986, X.2): with p = 0.05 one draw replaces twenty.
    """
    u = _uniform(rng)
    g = np.log1p(-u) / log_q
    if g > 2.0e9:
        return 2_000_000_000
    return int(g)


@njit(cache=True)
def _one_run(
    indptr, indices, edge_value, need, seeds, fparams, iparams,
    rng, stamp, tag, acc, thr, cur, nxt, adopted, curve_row, counts,
):  # fmt: skip
    """Simulate one run; return (reach, last step with an adoption)."""
    mode = iparams[MODE]
    max_steps = iparams[MAX_STEPS]
    cap = iparams[CURVE_CAP]
    per_edge = iparams[PER_EDGE] != 0
    p = fparams[P]
    recovery = fparams[RECOVERY]
    never = fparams[NEVER_ADOPT]
    log_q = fparams[LOG_Q]

    base = 4 * stamp
    skipping = mode == CASCADE and not per_edge and 0.0 < p < 1.0
    n_adopted = 0
    n_cur = 0
    for i in range(seeds.shape[0]):
        s = seeds[i]
        if tag[s] < base:
            # Seeds adopt by definition: the never-adopt share applies to others.
            tag[s] = base + _ACTIVE
            adopted[n_adopted] = s
            n_adopted += 1
            cur[n_cur] = s
            n_cur += 1
    curve_row[0] = n_adopted
    step = 0
    last = 0
    while n_cur > 0 and step < max_steps:
        step += 1
        n_nxt = 0
        before = n_adopted
        for i in range(n_cur):
            u = cur[i]
            lo = indptr[u]
            hi = indptr[u + 1]
            if skipping:
                # Uniform-p cascade: jump straight to the edges that fire.
                e = lo + _skip(rng, log_q)
                while e < hi:
                    v = indices[e]
                    t = tag[v]
                    if t < base:
                        t = base + _SUSCEPTIBLE
                        if never > 0.0 and _uniform(rng) < never:
                            t = base + _IMMUNE
                    if t == base + _SUSCEPTIBLE:
                        t = base + _ACTIVE
                        adopted[n_adopted] = v
                        n_adopted += 1
                        nxt[n_nxt] = v
                        n_nxt += 1
                    tag[v] = t
                    e += 1 + _skip(rng, log_q)
            elif not (mode == CASCADE and not per_edge and p <= 0.0):
                for e in range(lo, hi):
                    v = indices[e]
                    if tag[v] < base:
                        tag[v] = base + _SUSCEPTIBLE
                        if never > 0.0 and _uniform(rng) < never:
                            tag[v] = base + _IMMUNE
                        if mode == THRESHOLD:
                            acc[v] = 0.0
                            thr[v] = 1.0 - _uniform(rng)  # in (0, 1]
                        elif mode == COUNT:
                            acc[v] = 0.0
                    if tag[v] == base + _SUSCEPTIBLE:
                        hit = False
                        if mode == CASCADE:
                            hit = (not per_edge) or _uniform(rng) < edge_value[e]
                        elif mode == THRESHOLD:
                            acc[v] += edge_value[e]
                            hit = acc[v] >= thr[v]
                        else:
                            acc[v] += 1.0
                            hit = acc[v] >= need[v]
                        if hit:
                            tag[v] = base + _ACTIVE
                            adopted[n_adopted] = v
                            n_adopted += 1
                            nxt[n_nxt] = v
                            n_nxt += 1
            # SIR: stay active another step with probability 1 - recovery. No
            # draw when recovery is 1, so IC and SIR(recovery=1) agree exactly.
            # A node that stops trying keeps its ACTIVE tag: only SUSCEPTIBLE matters
            # to others, and skipping the write saves a cache miss per adopter.
            if mode == CASCADE and recovery < 1.0 and not _uniform(rng) < recovery:
                nxt[n_nxt] = u
                n_nxt += 1
        new = n_adopted - before
        if new > 0:
            last = step
            curve_row[min(step, cap)] += new
        cur, nxt = nxt, cur
        n_cur = n_nxt
    for i in range(n_adopted):
        counts[adopted[i]] += 1
    return n_adopted, last


@njit(cache=True)
def _scratch(n, mode):
    tag = np.zeros(n, np.int32)
    size = n if mode != CASCADE else 0
    acc = np.zeros(size, np.float64)
    thr = np.zeros(size if mode == THRESHOLD else 0, np.float64)
    return tag, acc, thr


@njit(cache=True, parallel=True)
def simulate_parallel(indptr, indices, edge_value, need, seeds, states, fparams, iparams, lanes):
    """Runs ``states.shape[0]`` simulations spread over ``lanes`` threads.

    Returns ``reach`` (int64, per run), ``last_step`` (int32, per run),
    ``curve`` (int32, runs x (cap+1): new adopters per step, steps past ``cap``
    counted in the last column) and ``counts`` (int64, per node: runs in which
    it adopted). Identical, whatever ``lanes``, to :func:`simulate_serial`.
    """
    n = indptr.shape[0] - 1
    runs = states.shape[0]
    cap = iparams[CURVE_CAP]
    reach = np.zeros(runs, np.int64)
    last = np.zeros(runs, np.int32)
    curve = np.zeros((runs, cap + 1), np.int32)
    lane_counts = np.zeros((lanes, n), np.int32)
    for lane in prange(lanes):
        tag, acc, thr = _scratch(n, iparams[MODE])
        cur = np.empty(n, np.int32)
        nxt = np.empty(n, np.int32)
        adopted = np.empty(n, np.int32)
        rng = np.empty(1, np.uint64)
        for stamp, r in enumerate(range(lane, runs, lanes), 1):
            rng[0] = states[r]
            a, b = _one_run(
                indptr,
                indices,
                edge_value,
                need,
                seeds,
                fparams,
                iparams,
                rng,
                stamp,
                tag,
                acc,
                thr,
                cur,
                nxt,
                adopted,
                curve[r],
                lane_counts[lane],
            )
            reach[r] = a
            last[r] = b
    counts = np.zeros(n, np.int64)
    for v in prange(n):
        total = 0
        for lane in range(lanes):
            total += lane_counts[lane, v]
        counts[v] = total
    return reach, last, curve, counts


@njit(cache=True, nogil=True)
def simulate_serial(indptr, indices, edge_value, need, seeds, states, fparams, iparams):
    """One-thread twin of :func:`simulate_parallel` for callers that bring their
    own parallelism (Dask worker threads); releases the GIL."""
    n = indptr.shape[0] - 1
    runs = states.shape[0]
    cap = iparams[CURVE_CAP]
    reach = np.zeros(runs, np.int64)
    last = np.zeros(runs, np.int32)
    curve = np.zeros((runs, cap + 1), np.int32)
    counts32 = np.zeros(n, np.int32)
    tag, acc, thr = _scratch(n, iparams[MODE])
    cur = np.empty(n, np.int32)
    nxt = np.empty(n, np.int32)
    adopted = np.empty(n, np.int32)
    rng = np.empty(1, np.uint64)
    for r in range(runs):
        rng[0] = states[r]
        a, b = _one_run(
            indptr,
            indices,
            edge_value,
            need,
            seeds,
            fparams,
            iparams,
            rng,
            r + 1,
            tag,
            acc,
            thr,
            cur,
            nxt,
            adopted,
            curve[r],
            counts32,
        )
        reach[r] = a
        last[r] = b
    return reach, last, curve, counts32.astype(np.int64)
