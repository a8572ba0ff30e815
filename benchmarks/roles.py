"""Roles benchmark: planted-role accuracy over seeds, email-Eu-core NMI, 1M-person timing.

    .venv/bin/python benchmarks/roles.py [--quick] [--skip-large] [--people N]

1. Precision and recall per role (mean and min over 10 seeds) on the planted
   generator (``groundswell.roles.planted``), 5,000 people a seed.
2. email-Eu-core (SNAP): Leiden communities against the 42 departments (NMI),
   and the first connectors with their reasons.
3. A million people with a year of activity: time per phase of evidence, role
   assignment and quarterly indicators (the work ``groundswell roles`` does
   after loading), with the thread count numba used.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numba
import numpy as np

from groundswell.network import read_graph
from groundswell.roles import ROLE_NAMES, assign_roles, gather_evidence, nmi, planted_movement
from groundswell.roles.communities import find_bridges
from groundswell.roles.indicators import movement_indicators

DATA = Path(__file__).resolve().parents[1] / "data" / "networks" / "email-eu-core"


def accuracy(seeds: int, people: int) -> None:
    table: dict[str, list[tuple[float, float]]] = {r: [] for r in ROLE_NAMES}
    for seed in range(seeds):
        mv = planted_movement(people, seed=seed)
        result = assign_roles(mv.graph, gather_evidence(mv.graph, mv.activity, seed=seed))
        for role in ROLE_NAMES:
            truth = np.zeros(people, bool)
            truth[mv.planted[role]] = True
            got = result.holds[role]
            hit = int(np.count_nonzero(truth & got))
            table[role].append((hit / max(int(got.sum()), 1), hit / int(truth.sum())))
    print(f"planted roles, {people:,} people, {seeds} seeds (precision / recall):")
    for role, rows in table.items():
        p, r = np.array(rows).T
        print(
            f"  {role:<10} precision mean {p.mean():.3f} min {p.min():.3f}   "
            f"recall mean {r.mean():.3f} min {r.min():.3f}"
        )


def email() -> None:
    if not DATA.is_dir():
        print(f"email-Eu-core: {DATA} is absent, skipped")
        return
    graph = read_graph(str(DATA / "email-Eu-core.txt.gz"))[0]
    labels = dict(np.loadtxt(DATA / "email-Eu-core-department-labels.txt", dtype=np.int64).tolist())
    dept = np.array([labels[int(x)] for x in graph.labels.tolist()])
    scores = []
    for seed in range(5):
        ev = gather_evidence(graph, seed=seed, samples=256)
        scores.append(nmi(ev.bridges.community, dept))
    ev = gather_evidence(graph, seed=0, samples=256)
    result = assign_roles(graph, ev)
    connectors = np.flatnonzero(result.holds["connector"])
    print(
        f"email-Eu-core: {graph.n:,} people, {graph.m:,} ties; Leiden communities "
        f"{ev.bridges.n_communities}; NMI with the 42 departments: mean "
        f"{np.mean(scores):.3f} over 5 seeds (min {np.min(scores):.3f}, max {np.max(scores):.3f})"
    )
    depts = [np.unique(dept[graph.neighbours(i)]).size for i in connectors]
    print(
        f"  connectors: {connectors.size}; their ties reach {min(depts)}-{max(depts)} "
        f"departments (everyone, median: {int(np.median(_depts(graph, dept)))})"
    )
    for i in result.people()[:3].tolist():
        print(f"  {graph.labels[i]} (department {dept[i]}): {result.reasons(i)[0]}")


def _depts(graph, dept) -> np.ndarray:
    return np.array([np.unique(dept[graph.neighbours(i)]).size for i in range(graph.n)])


def large(people: int, resolution: float = 1.0) -> None:
    t0 = time.perf_counter()
    mv = planted_movement(people, seed=1)
    made = time.perf_counter() - t0
    g, act = mv.graph, mv.activity
    print(
        f"{people:,} people, {g.m:,} ties, {len(act):,} activity rows over a year "
        f"(generated in {made:.1f} s); numba threads {numba.get_num_threads()}, "
        f"CPUs available {len(os.sched_getaffinity(0))}, Leiden resolution {resolution}"
    )
    gather_evidence(mv.graph.__class__(*_tiny()), None)  # compile the kernels first
    cpu0, wall0 = time.process_time(), time.perf_counter()
    clock = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        clock[name] = now - since
        return now

    t = time.perf_counter()
    bridges = find_bridges(g, seed=1, resolution=resolution)
    t = lap("communities + betweenness", t)
    ev = gather_evidence(g, act, seed=1, bridges=bridges)
    t = lap("other evidence", t)
    result = assign_roles(g, ev)
    people_out = result.people()
    reasons = [result.reasons(i) for i in people_out.tolist()]
    t = lap("roles + reasons", t)
    movement_indicators(g, act, ev, period="quarter")
    lap("indicators (quarters)", t)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name, seconds in clock.items():
        print(f"  {name:<28} {seconds:7.1f} s")
    counts = ", ".join(f"{r} {int(result.holds[r].sum())}" for r in ROLE_NAMES)
    found = []
    for role in ROLE_NAMES:
        truth = np.zeros(people, bool)
        truth[mv.planted[role]] = True
        hit = int(np.count_nonzero(truth & result.holds[role]))
        found.append(
            f"{role} {hit / max(int(result.holds[role].sum()), 1):.3f}/{hit / int(truth.sum()):.3f}"
        )
    print(
        f"  total {wall:.1f} s wall, {cpu:.1f} s CPU, peak memory {rss:,.0f} MiB; "
        f"{len(reasons):,} people with a role ({counts}); "
        f"{bridges.n_communities:,} communities"
    )
    print(f"  precision/recall at this size: {', '.join(found)}")


def _tiny():
    from groundswell.network.build import from_arrays

    g = from_arrays([0, 1, 2], [1, 2, 0], n=3)[0]
    return g.indptr, g.indices, g.labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 seeds of 2,000 people")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--resolution", type=float, default=1.0, help="Leiden, large run")
    args = parser.parse_args()
    accuracy(3 if args.quick else 10, 2000 if args.quick else 5000)
    email()
    if not args.skip_large:
        large(args.people, args.resolution)


if __name__ == "__main__":
    main()
