"""Sample RR sets for a spread model, in parallel chunks, locally or on an executor.

Set ``i`` depends only on (graph, model, key, i) (see ``kernels.rrsets``), so
chunking, thread count and workers never change the sets. Locally, chunks run
on threads (the numba kernel releases the GIL); with a
``groundswell.compute`` executor (e.g. ``DaskExecutor``) each part generates a
range of sets on a worker and, where only counts are needed (validation
coverage), counts coverage there and sends back the counts alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.kernels import rrsets as k
from groundswell.network.graph import Graph
from groundswell.rng import Seed, seed_sequence

CHUNK = 1024  # sets per kernel call: amortises the call, leaves chunks for every thread
MIN_CHUNK = 32  # small samples still split into several chunks per thread
# Validation sets use indices from here, disjoint from selection sets.
VALIDATION_BASE = 1 << 40
RR_MODELS = ("ic", "wc", "lt", "direct")


@dataclass(frozen=True, eq=False)
class RRSpec:
    """Kernel inputs for one (graph, model): the reverse CSR plus packed parameters."""

    indptr: np.ndarray
    indices: np.ndarray
    probs: np.ndarray
    kind: int
    p: float
    max_steps: int

    @property
    def n(self) -> int:
        return int(self.indptr.shape[0] - 1)

    @property
    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float, int]:
        """The leading arguments every RR kernel takes, in its order."""
        return (self.indptr, self.indices, self.probs, self.kind, self.p, self.max_steps)


def rr_spec(graph: Graph, model: Any) -> RRSpec:
    """Translate a spread ``Model`` into RR-set kernel parameters.

    ``direct`` is IC limited to one step (the root plus its live in-neighbours);
    ``wc`` is IC with p(u, v) = 1 / in-degree(v) (Kempe et al., KDD 2003);
    ``lt`` uses b(u, v) = w(u, v) / sum of v's in-weights, or 1 / in-degree(v)
    unweighted, as ``groundswell.spread.models`` does.
    """
    kind = getattr(model, "kind", None)
    if kind not in RR_MODELS:
        raise InvalidInput(
            f"model '{kind}' has no reverse-reachable sets; use one of {', '.join(RR_MODELS)}, "
            "or the complex-contagion heuristic"
        )
    if getattr(model, "never_adopt", 0.0):
        raise InvalidInput("never_adopt must be 0 for seed selection over RR sets")
    rev = graph.reverse()
    indptr = np.ascontiguousarray(rev.indptr, dtype=np.int64)
    indices = np.ascontiguousarray(rev.indices, dtype=np.int32)
    max_steps = getattr(model, "max_steps", None)
    steps = -1 if max_steps is None else int(max_steps)
    empty = np.zeros(0, dtype=np.float64)
    p = getattr(model, "p", None)
    in_deg = np.diff(indptr)
    per_edge_indeg = np.repeat(in_deg, in_deg).astype(np.float64)
    if kind in ("ic", "direct"):
        if kind == "direct":
            steps = 1 if steps < 0 else min(steps, 1)
            p = 1.0 if p is None else p
        if p is None:
            if rev.weights is None:
                raise InvalidInput("model 'ic' needs --p, or per-tie probabilities in the graph")
            probs = np.clip(rev.weights.astype(np.float64), 0.0, 1.0)
            return RRSpec(indptr, indices, probs, k.IC_WEIGHTED, 0.0, steps)
        if not 0.0 <= p <= 1.0:
            raise InvalidInput(f"p must be between 0 and 1, got {p}")
        return RRSpec(indptr, indices, empty, k.IC_UNIFORM, float(p), steps)
    if kind == "wc":
        return RRSpec(
            indptr, indices, 1.0 / np.maximum(per_edge_indeg, 1.0), k.IC_WEIGHTED, 0.0, steps
        )
    # LT (Kempe et al. 2003): in-weights b(u, v) summing to 1 per person.
    if rev.weights is None:
        probs = 1.0 / np.maximum(per_edge_indeg, 1.0)
    else:
        w = np.clip(rev.weights.astype(np.float64), 0.0, None)
        row = np.repeat(np.arange(rev.n), in_deg)
        sums = np.bincount(row, weights=w, minlength=rev.n)
        probs = w / np.where(sums > 0, sums, 1.0)[row]
    return RRSpec(indptr, indices, probs, k.LT, 0.0, steps)


def stream_key(seed: Seed) -> np.uint64:
    """The 64-bit key behind all RR sets of one call, from a ``SeedSequence``."""
    return np.uint64(seed_sequence(seed).generate_state(1, dtype=np.uint64)[0])


def _chunks(first: int, count: int, n: int, threads: int = 1) -> list[tuple[int, int]]:
    # Each kernel call allocates O(n) scratch, so on big graphs a call covers
    # more sets; a small sample still gives every thread about four chunks.
    # Sets depend only on their index, so this never changes them.
    size = min(max(CHUNK, n // 16), max(MIN_CHUNK, -(-count // (4 * threads))))
    return [(a, min(size, first + count - a)) for a in range(first, first + count, size)]


_NO_STOP = np.zeros(0, dtype=np.bool_)


def _gen(
    spec: RRSpec, key: np.uint64, first: int, count: int, stop: np.ndarray = _NO_STOP
) -> tuple[np.ndarray, np.ndarray]:
    sizes, members = k.rr_chunk(*spec.kernel_args, key, first, count, stop)
    return sizes, members


T = TypeVar("T")


def _each(
    spec: RRSpec, ranges: list[tuple[int, int]], parallel: bool, fn: Callable[[int, int], T]
) -> list[T]:
    # In-process, chunks run on threads (the kernel releases the GIL); on a
    # Dask worker (parallel=False) they run one after another on its thread.
    threads = _threads() if parallel else 1
    if threads == 1 or len(ranges) == 1:
        return [fn(a, c) for a, c in ranges]
    return list(_pool(threads).map(lambda r: fn(*r), ranges))


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    # One pool per thread count for the process: starting threads on every
    # call costs more than a small sample's chunks.
    pool = _POOLS.get(threads)
    if pool is None:
        pool = _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="rrsets")
    return pool


def _part_generate(
    spec: RRSpec, part: tuple[Any, ...], parallel: bool
) -> tuple[np.ndarray, np.ndarray]:
    key, ranges, stop = part
    parts = _each(spec, ranges, parallel, lambda a, c: _gen(spec, key, a, c, stop))
    return np.concatenate([s for s, _ in parts]), np.concatenate([m for _, m in parts])


def _part_prefix(spec: RRSpec, part: tuple[Any, ...], parallel: bool) -> np.ndarray:
    key, ranges, order = part

    def one(a: int, c: int) -> np.ndarray:
        sizes, members = _gen(spec, key, a, c)
        offsets = np.zeros(c + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        covered: np.ndarray = k.prefix_coverage(offsets, members, order, spec.n)
        return covered

    total: np.ndarray = np.sum(_each(spec, ranges, parallel, one), axis=0)
    return total


def _hits(spec: RRSpec, key: np.uint64, first: int, count: int, in_seed: np.ndarray) -> int:
    return int(k.rr_hits(*spec.kernel_args, key, first, count, in_seed))


def _part_hits(spec: RRSpec, part: tuple[Any, ...], parallel: bool) -> int:
    key, ranges, in_seed = part
    return sum(_each(spec, ranges, parallel, lambda a, c: _hits(spec, key, a, c, in_seed)))


_CPUS = os.cpu_count() or 1  # read once: the call costs tens of microseconds


def _threads() -> int:
    import numba

    return max(1, min(numba.get_num_threads(), _CPUS))


def _run(
    fn: Callable[[RRSpec, tuple[Any, ...], bool], T],
    spec: RRSpec,
    key: np.uint64,
    first: int,
    count: int,
    executor: Any,
    extra: tuple[Any, ...] = (),
) -> list[T]:
    """Run ``fn`` over ranges of sets, through ``executor`` if given; results in set order.

    ``executor`` follows ``groundswell.compute.Executor`` (``parts_for`` and
    ``map_runs``): the spec is its shared payload, scattered once per worker.
    """
    chunks = _chunks(first, count, spec.n, _threads() if executor is None else 1)
    if executor is None:
        return [fn(spec, (key, chunks, *extra), True)]
    per = -(-len(chunks) // max(1, executor.parts_for(len(chunks))))
    parts = [(key, chunks[i : i + per], *extra) for i in range(0, len(chunks), per)]
    results: list[T] = executor.map_runs(fn, spec, parts)
    return results


@dataclass
class RRSets:
    """A growing collection of RR sets in flat arrays (offsets + members).

    ``stop`` (a bool mask over people, empty for none) truncates the sets
    generated while it is set at their first member in it: see ``imm._opimc``.
    """

    spec: RRSpec
    key: np.uint64
    base: int = 0
    stop: np.ndarray = field(default_factory=lambda: _NO_STOP)
    offsets: np.ndarray = field(init=False)
    members: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.offsets = np.zeros(1, dtype=np.int64)
        self.members = np.zeros(0, dtype=np.int32)

    @property
    def count(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def extend_to(self, total: int, executor: Any = None) -> None:
        """Generate sets until there are ``total`` of them (never discards any)."""
        extra = int(total) - self.count
        if extra <= 0:
            return
        first = self.base + self.count
        results = _run(_part_generate, self.spec, self.key, first, extra, executor, (self.stop,))
        added = np.concatenate([s for s, _ in results])
        offsets = np.empty(self.offsets.shape[0] + added.shape[0], dtype=np.int64)
        offsets[: self.offsets.shape[0]] = self.offsets
        np.cumsum(added, out=offsets[self.offsets.shape[0] :])
        offsets[self.offsets.shape[0] :] += self.offsets[-1]
        self.offsets = offsets
        self.members = np.concatenate([self.members] + [m for _, m in results])

    def index(self) -> tuple[np.ndarray, np.ndarray]:
        """Node -> sets index for greedy selection."""
        starts, sets = k.invert(self.offsets, self.members, self.spec.n)
        return starts, sets

    def coverage(self, seeds: np.ndarray) -> int:
        mask = np.zeros(self.spec.n, dtype=np.bool_)
        mask[np.asarray(seeds, dtype=np.int64)] = True
        return int(k.covered_count(self.offsets, self.members, mask))


def independent_prefix_coverage(
    spec: RRSpec, key: np.uint64, count: int, order: np.ndarray, executor: Any = None
) -> np.ndarray:
    """Coverage of every prefix of ``order`` over ``count`` fresh validation sets.

    The sets are generated, counted and discarded chunk by chunk (on workers
    with an executor), so memory stays at one chunk per thread.
    """
    order = np.ascontiguousarray(order, dtype=np.int32)
    parts = _run(_part_prefix, spec, key, VALIDATION_BASE, count, executor, extra=(order,))
    total: np.ndarray = np.sum(parts, axis=0)
    return total


def hit_count(
    spec: RRSpec, key: np.uint64, first: int, count: int, seeds: np.ndarray, executor: Any = None
) -> int:
    """How many of sets ``first .. first + count - 1`` hold one of ``seeds``.

    The sets are searched only until their first seed and never stored
    (``kernels.rrsets.rr_hits``): the count equals that of the full sets.
    """
    in_seed = np.zeros(spec.n, dtype=np.bool_)
    in_seed[np.asarray(seeds, dtype=np.int64)] = True
    return int(sum(_run(_part_hits, spec, key, first, count, executor, extra=(in_seed,))))
