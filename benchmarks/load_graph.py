"""How fast ``read_graph`` loads a big edge list, and how it compares with networkx and igraph.

Run: ``.venv/bin/python benchmarks/load_graph.py [--edges 10000000] [--repeat 3]``

1. Writes a Barabási–Albert graph (m = 10) with about ``--edges`` ties as a
   SNAP file in a temporary folder, then times ``read_graph`` on it (median of
   ``--repeat`` runs, after one warm-up on a small file so numba's compile time
   is not counted) and reports ties/s and bytes per tie.
2. On a file of about ``--compare-edges`` ties, times ``read_graph`` against
   ``networkx.read_edgelist`` and ``igraph.Graph.Read_Edgelist`` (all on the
   same file, each building its in-memory graph).

The target: a 10M-tie file loads "in well under a
minute" and the graph takes under ~16 bytes per tie.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from groundswell.network import read_graph
from groundswell.network.generate import barabasi_albert
from groundswell.network.write import write_edgelist

M = 10  # ties per new node in the BA graph


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def make_file(folder: Path, ties: int, name: str) -> tuple[Path, float]:
    n = ties // M + M
    t0 = time.perf_counter()
    graph = barabasi_albert(n, M, seed=1)
    path = folder / name
    write_edgelist(graph, path)
    return path, time.perf_counter() - t0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--compare-edges", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-networkx", action="store_true", help="skip the (slow) networkx run")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, _ = make_file(folder, 1000, "warm.txt")
        t0 = time.perf_counter()
        read_graph(small)
        warm = time.perf_counter() - t0

        big, made = make_file(folder, args.edges, "big.txt")
        size_mb = big.stat().st_size / 1e6
        med, times, (graph, report) = timed(lambda: read_graph(big), args.repeat)
        ties = graph.m
        core = graph.nbytes()
        with_labels = core + graph.labels.nbytes
        print(f"\nread_graph on a {ties:,}-tie SNAP file ({size_mb:.0f} MB, made in {made:.1f} s)")
        print(f"  first call on a tiny file (numba compile or cache load): {warm:.2f} s")
        rows = [
            (f"load time, median of {args.repeat}", f"{med:.2f} s"),
            ("all runs", ", ".join(f"{t:.2f}" for t in times) + " s"),
            ("ties per second", f"{ties / med:,.0f}"),
            ("nodes", f"{graph.n:,}"),
            ("bytes per tie (indptr + indices)", f"{core / ties:.2f}"),
            ("bytes per tie with labels", f"{with_labels / ties:.2f}"),
            ("duplicates / self-loops", f"{report.duplicates_merged}/{report.self_loops_dropped}"),
            ("peak RSS of this process", f"{peak_rss_mb():,.0f} MB"),
        ]
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            print(f"  {k:<{width}}  {v}")
        del graph

        compare, _ = make_file(folder, args.compare_edges, "compare.txt")
        results: list[tuple[str, float, int]] = []
        med, _, (g, _) = timed(lambda: read_graph(compare), args.repeat)
        results.append(("groundswell read_graph", med, g.m))
        try:
            import igraph as ig

            med, _, h = timed(
                lambda: ig.Graph.Read_Edgelist(str(compare), directed=False), args.repeat
            )
            results.append(("igraph Graph.Read_Edgelist", med, h.ecount()))
        except ImportError:
            pass
        if not args.no_networkx:
            import networkx as nx

            med, _, G = timed(lambda: nx.read_edgelist(compare, nodetype=int), 1)
            results.append(("networkx read_edgelist (1 run)", med, G.number_of_edges()))
        ours = results[0][1]
        print(f"\nSide by side on a {results[0][2]:,}-tie SNAP file")
        print(f"  {'reader':<32} {'seconds':>8} {'ties':>11} {'x ours':>7}")
        for name, secs, count in results:
            print(f"  {name:<32} {secs:>8.2f} {count:>11,} {secs / ours:>7.1f}")


if __name__ == "__main__":
    main()
