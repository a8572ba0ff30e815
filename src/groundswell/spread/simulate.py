"""Monte Carlo spread: run a model many times from the same seeds and summarise.

Run ``i`` always draws from the ``i``-th child of ``SeedSequence(seed)``
(:func:`groundswell.rng.child_states`), so the numbers depend only on (graph,
model, seeds, runs, seed): not on threads, executors, batches or progress
reporting. Stopping early at run ``R`` (``tolerance``) gives exactly the
numbers of a fixed ``runs=R``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.kernels import spread as kernel
from groundswell.network.graph import Graph
from groundswell.rng import Seed
from groundswell.spread.models import Model, pack
from groundswell.spread.results import SpreadResult, mean_se_ci, summarise
from groundswell.spread.states import run_states

if TYPE_CHECKING:
    from groundswell.compute.base import Executor

DEFAULT_CURVE_STEPS = 200
FIRST_CHECK = 100  # runs before the tolerance is first checked; then doubling


def simulate(
    graph: Graph,
    model: Model,
    seeds: np.ndarray,
    *,
    runs: int = 1000,
    seed: Seed = 0,
    executor: Executor | None = None,
    tolerance: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    curve_steps: int = DEFAULT_CURVE_STEPS,
) -> SpreadResult:
    """Simulate ``model`` from ``seeds`` ``runs`` times and summarise the reach.

    Parameters
    ----------
    graph : the people and ties; influence flows along out-edges.
    model : the spread model, see :mod:`groundswell.spread.models`.
    seeds : node ids (``graph.ids_of(labels)``); duplicates count once.
    runs : number of runs, or the most to do when ``tolerance`` is given.
    seed : makes the result reproducible.
    executor : where runs execute; ``None`` is in-process on every core
        (:class:`groundswell.compute.LocalExecutor`).
    tolerance : stop once the 95% CI half-width is at most ``tolerance`` times
        the mean reach (relative). Checked after 100 runs, then 200, 400, ...
    progress : called as ``progress(done, total)`` after each batch.
    curve_steps : the adoption curve's longest recorded step.

    Examples
    --------
    >>> import numpy as np
    >>> from groundswell.network.build import from_arrays
    >>> g, _ = from_arrays(np.array([0, 1]), np.array([1, 2]))
    >>> simulate(g, Model("ic", p=1.0), np.array([0]), runs=10).reach_mean
    3.0
    """
    runs = _check_runs(runs)
    if tolerance is not None and not (isinstance(tolerance, int | float) and tolerance > 0):
        raise InvalidInput(f"tolerance must be a number > 0, got {tolerance!r}")
    if isinstance(curve_steps, bool) or not isinstance(curve_steps, int) or curve_steps < 1:
        raise InvalidInput(f"curve_steps must be a whole number >= 1, got {curve_steps!r}")
    seed_ids = check_seeds(graph, seeds)
    packed = pack(graph, model, curve_steps)
    states = run_states(seed, runs)
    shared = (
        graph.indptr,
        graph.indices,
        packed.edge_value,
        packed.need,
        seed_ids,
        packed.fparams,
        packed.iparams,
    )
    done: list[tuple[np.ndarray, ...]] = []
    stopped_early = False
    total_done = 0
    for stop, check in _batches(runs, tolerance is not None, progress is not None):
        batch = states[total_done:stop]
        done.extend(_run_batch(executor, shared, batch))
        total_done = stop
        if progress is not None:
            progress(total_done, runs)
        if check and tolerance is not None and stop < runs:
            reach = np.concatenate([part[0] for part in done])
            mean, _, (lo, hi) = mean_se_ci(reach)
            if (hi - lo) / 2 <= tolerance * mean:
                stopped_early = True
                break
    reach, last, curve, counts = combine(done, graph.n, int(packed.iparams[kernel.CURVE_CAP]))
    return summarise(
        n=graph.n,
        reach=reach,
        last_step=last,
        curve_new=curve,
        counts=counts,
        cap=int(packed.iparams[kernel.CURVE_CAP]),
        model=model,
        seeds=seed_ids,
        stopped_early=stopped_early,
    )


def run_chunk(
    shared: tuple[np.ndarray, ...], states: np.ndarray, parallel: bool
) -> tuple[np.ndarray, ...]:
    """Run the kernel for one slice of run states (called by executors)."""
    indptr, indices, edge_value, need, seeds, fparams, iparams = shared
    if parallel:
        import numba

        lanes = max(1, min(numba.get_num_threads(), states.shape[0]))
        out: tuple[np.ndarray, ...] = kernel.simulate_parallel(
            indptr, indices, edge_value, need, seeds, states, fparams, iparams, lanes
        )
    else:
        out = kernel.simulate_serial(
            indptr, indices, edge_value, need, seeds, states, fparams, iparams
        )
    return out


def combine(parts: list[tuple[np.ndarray, ...]], n: int, cap: int) -> tuple[np.ndarray, ...]:
    """Join parts in run order; per-person counts are exact integer sums."""
    if not parts:
        return (
            np.empty(0, np.int64),
            np.empty(0, np.int32),
            np.empty((0, cap + 1), np.int32),
            np.zeros(n, np.int64),
        )
    reach = np.concatenate([p[0] for p in parts])
    last = np.concatenate([p[1] for p in parts])
    curve = np.concatenate([p[2] for p in parts])
    counts = np.zeros(n, np.int64)
    for p in parts:
        counts += p[3]
    return reach, last, curve, counts


def check_seeds(graph: Graph, seeds: Any) -> np.ndarray:
    """Seeds as unique, in-range int32 ids in their given order."""
    ids = np.asarray(seeds)
    if ids.ndim != 1:
        raise InvalidInput("seeds must be a flat list of node ids")
    if ids.size == 0:
        return np.empty(0, np.int32)
    if not np.issubdtype(ids.dtype, np.integer):
        raise InvalidInput("seeds must be node ids (integers); use graph.ids_of(labels) for labels")
    bad = ids[(ids < 0) | (ids >= graph.n)]
    if bad.size:
        raise InvalidInput(
            f"seed id {int(bad[0])} is not a node of this {graph.n}-person graph; "
            "use graph.ids_of(labels)"
        )
    _, first = np.unique(ids, return_index=True)
    return ids[np.sort(first)].astype(np.int32)


def _check_runs(runs: Any) -> int:
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise InvalidInput(f"runs must be a whole number >= 1, got {runs!r}")
    return int(runs)


def _batches(runs: int, tolerance: bool, progress: bool) -> list[tuple[int, bool]]:
    """Batch ends and whether the tolerance is checked there.

    Checkpoints (100, 200, 400, ...) do not depend on ``progress``, so reporting
    progress never changes where a tolerance run stops.
    """
    checks: set[int] = set()
    if tolerance:
        at = FIRST_CHECK
        while at < runs:
            checks.add(at)
            at *= 2
    ends = set(checks) | {runs}
    if progress:
        step = max(1, math.ceil(runs / 20))
        ends |= set(range(step, runs, step))
    return [(end, end in checks) for end in sorted(ends)]


def _run_batch(
    executor: Executor | None, shared: tuple[np.ndarray, ...], states: np.ndarray
) -> list[tuple[np.ndarray, ...]]:
    if executor is None:
        return [run_chunk(shared, states, True)]
    parts = max(1, min(executor.parts_for(states.shape[0]), states.shape[0]))
    return executor.map_runs(run_chunk, shared, np.array_split(states, parts))
