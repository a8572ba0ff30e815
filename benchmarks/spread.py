"""Spread engine against NDlib, EoN and cynetdiff, side by side in one run.

Independent cascade, p = 0.05, 10 random seeds (``random.Random(7).sample``)
on ``networkx.barabasi_albert_graph(10000, 5, seed=42)``; every engine runs
until the cascade dies out. Then runs per second on a 1,000,000-person,
~10,000,000-tie Barabasi-Albert graph with reach around 10%, and peak memory.

Each peer is divided only by ours on the same number of threads (one) and
the same number of runs, after the same warm-up (one full untimed call);
ours on every thread is a separate, labelled best-configuration line.

Usage::

    .venv/bin/python benchmarks/spread.py [--runs 200] [--big-runs 200] [--skip-big]

NDlib needs ``six``; EoN and cynetdiff are benchmark-only
(``.venv/bin/uv pip install cynetdiff eon``); a missing one is reported and skipped.
NDlib's IndependentCascadesModel silently uses 1/degree for any edge without
a configured threshold, so every edge gets p explicitly.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections.abc import Callable

import networkx as nx
import numba
import numpy as np

from groundswell.network.build import from_arrays
from groundswell.network.generate import barabasi_albert
from groundswell.spread import Model, random_seeds, simulate

P = 0.05


def timed(fn: Callable[[], object]) -> tuple[float, float, np.ndarray]:
    """Wall seconds, CPU seconds of this process (all threads) and the reach per run.

    CPU time is reported too because the benchmark machine may be shared: wall
    time then includes time spent waiting for a core, CPU time does not.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    reach = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, np.asarray(reach, float)


def ndlib_ic(g: nx.Graph, seeds: list[int], runs: int) -> Callable[[], list[int]]:
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    model = ep.IndependentCascadesModel(g, seed=1)
    cfg = mc.Configuration()
    cfg.add_model_initial_configuration("Infected", seeds)
    for u, v in g.edges():
        cfg.add_edge_configuration("threshold", (u, v), P)
    model.set_initial_status(cfg)

    def run() -> list[int]:
        out = []
        for _ in range(runs):
            model.reset(seeds)
            model.iteration(node_status=False)
            while True:
                counts = model.iteration(node_status=False)["node_count"]
                if counts[1] == 0:
                    out.append(counts[2])
                    break
        return out

    return run


def eon_ic(g: nx.Graph, seeds: list[int], runs: int) -> Callable[[], list[int]]:
    import EoN

    rng = np.random.default_rng(1)

    def run() -> list[int]:
        # basic_discrete_SIR with constant p is exactly independent cascade.
        return [
            int(EoN.basic_discrete_SIR(g, P, initial_infecteds=seeds, rng=rng)[3][-1])
            for _ in range(runs)
        ]

    return run


def cynetdiff_ic(g: nx.Graph, seeds: list[int], runs: int) -> Callable[[], list[int]]:
    from cynetdiff.utils import networkx_to_ic_model

    model, mapping = networkx_to_ic_model(g, activation_prob=P, rng=1)
    model.set_seeds([mapping[s] for s in seeds])

    def run() -> list[int]:
        out = []
        for _ in range(runs):
            model.reset_model()
            model.advance_until_completion()
            out.append(model.get_num_activated_nodes())
        return out

    return run


def ours_ic(graph, seeds: np.ndarray, runs: int) -> Callable[[], np.ndarray]:
    return lambda: simulate(graph, Model("ic", p=P), seeds, runs=runs, seed=1).reach


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def side_by_side(runs: int) -> None:
    """Every engine on the same graph and seeds, each warmed up by one full untimed call.

    Ratios compare runs of the same size on the same number of threads: each
    peer runs on one thread, so it is divided by ours on one thread with the
    same number of runs. Ours on every thread (and with 100x the runs, where
    fixed costs fade) is printed below as a best-configuration line, labelled,
    never as a ratio.
    """
    g = nx.barabasi_albert_graph(10_000, 5, seed=42)
    seeds = random.Random(7).sample(list(g.nodes()), 10)
    e = np.array(g.edges())
    ours_graph = from_arrays(e[:, 0], e[:, 1], n=g.number_of_nodes())[0]
    ours_seeds = np.array(seeds, np.int32)
    threads = numba.get_num_threads()
    print(f"IC p={P} on BA n=10,000 m=5 ({g.number_of_edges():,} ties), seeds {seeds}")
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    engines: list[tuple[str, Callable[[], Callable[[], object]], int]] = [
        ("NDlib IndependentCascadesModel", lambda: ndlib_ic(g, seeds, runs), runs),
        ("EoN basic_discrete_SIR", lambda: eon_ic(g, seeds, runs), runs),
        ("cynetdiff (Cython)", lambda: cynetdiff_ic(g, seeds, 20 * runs), 20 * runs),
    ]
    peers = []
    for name, make, n_runs in engines:
        try:
            fn = make()
        except ImportError as exc:
            print(f"  {name}: not installed ({exc.name}); skipped")
            continue
        fn()  # warm-up: the same full call, untimed, as ours gets below
        wall, cpu, reach = timed(fn)
        peers.append((f"{name}, 1 thread", n_runs, wall / n_runs, cpu / n_runs, reach))
    ours: dict[tuple[int, int], tuple[str, int, float, float, np.ndarray]] = {}
    for nthreads in sorted({1, threads}):
        numba.set_num_threads(nthreads)
        for n_runs in sorted({runs, 20 * runs, 100 * runs}):
            fn = ours_ic(ours_graph, ours_seeds, n_runs)
            fn()  # warm-up, as every peer had
            wall, cpu, reach = timed(fn)
            name = f"groundswell, {nthreads} thread{'s' * (nthreads > 1)}"
            ours[nthreads, n_runs] = (name, n_runs, wall / n_runs, cpu / n_runs, reach)
    numba.set_num_threads(threads)
    print(
        f"{'engine':<40} {'runs':>7} {'wall ms/run':>12} {'CPU ms/run':>11} "
        f"{'mean reach (2 SE)':>18} {'peer / ours wall':>17} {'CPU':>6}"
    )

    def line(row: tuple[str, int, float, float, np.ndarray], ratio: str = "") -> None:
        name, n_runs, wall, cpu, reach = row
        spread = f"{reach.mean():.1f} ({2 * reach.std(ddof=1) / np.sqrt(reach.size):.1f})"
        times = f"{wall * 1e3:>12.4f} {cpu * 1e3:>11.4f}"
        print(f"{name:<40} {n_runs:>7,} {times} {spread:>18} {ratio}")

    for row in peers:
        mine = ours[1, row[1]]  # one thread, the same number of runs
        line(row, f"{row[2] / mine[2]:>17.1f} {row[3] / mine[3]:>6.1f}")
        line(mine)
    best = min(ours.values(), key=lambda r: r[2])
    print(
        f"best configuration (not a like-for-like ratio): {best[0]}, {best[1]:,} runs, "
        f"{best[2] * 1e3:.4f} ms/run wall"
    )
    print("(peer / ours: the peer's time per run over ours on one thread with the same runs)")


def big(runs: int) -> None:
    start = time.perf_counter()
    graph = barabasi_albert(1_000_000, 10, seed=1)
    built = time.perf_counter() - start
    seeds = random_seeds(graph, 10, seed=3)
    p = 0.032  # about 10% reach from 10 random seeds on this graph
    simulate(graph, Model("ic", p=p), seeds, runs=2)
    print(
        f"\nBA n={graph.n:,} m=10: {graph.m:,} ties ({graph.nbytes() / 1e6:.0f} MB CSR, "
        f"built in {built:.1f} s); IC p={p}, 10 random seeds"
    )
    print(f"load average {os.getloadavg()[0]:.1f}")
    for nthreads in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
        numba.set_num_threads(nthreads)
        cpu, wall = time.process_time(), time.perf_counter()
        r = simulate(graph, Model("ic", p=p), seeds, runs=runs, seed=1)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"  {nthreads} thread(s): {runs / wall:,.1f} runs/s wall ({runs} runs in {wall:.2f} s; "
            f"{runs / cpu:,.1f} runs per CPU-second, so about {nthreads * runs / cpu:,.0f} runs/s "
            f"on {nthreads} free core(s)), mean reach {r.reach_mean:,.0f} ({r.reach_share:.1%}), "
            f"95% CI {r.reach_ci95[0]:,.0f}-{r.reach_ci95[1]:,.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--big-runs", type=int, default=200)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    side_by_side(args.runs)
    if not args.skip_big:
        big(args.big_runs)
    print(f"\npeak memory (max RSS of this process): {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
