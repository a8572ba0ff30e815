"""Roles benchmark: planted-role accuracy over seeds, email-Eu-core NMI, 1M-person timing.

    .venv/bin/python benchmarks/roles.py [--quick] [--skip-large] [--people N]

1. Precision and recall per role (mean and min over 10 seeds) on the planted
   generator (``groundswell.roles.planted``), 5,000 people a seed.
2. email-Eu-core (SNAP): Leiden communities against the 42 departments (NMI),
   and the first connectors with their reasons.
3. A million people with a year of activity: time per phase of evidence, role
   assignment and quarterly indicators (the work ``groundswell roles`` does
   after loading), with the thread count numba used.
4. Side by side with a peer (``--peer-people``, 20,000 by default): the same
   communities and indicators computed with igraph (Leiden, the two-step
   neighbourhood), networkx (betweenness from the same number of sampled
   sources) and numpy (participation coefficient, Gini), each warmed up once
   and timed on one thread, ours pinned to one numba thread too, and the
   answers compared (modularity, participation on the same communities,
   rank correlation of betweenness, reach and Gini exactly).
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


def peers(people: int, samples: int = 64) -> None:
    """Ours against igraph / networkx / numpy on the same planted movement, one thread each."""
    import igraph as ig
    import networkx as nx
    from scipy.stats import spearmanr

    from groundswell.kernels import roles as role_kernels
    from groundswell.roles.communities import leiden, sampled_betweenness, undirected
    from groundswell.roles.indicators import gini, within_two_steps

    mv = planted_movement(people, seed=2)
    g = undirected(mv.graph)
    src = np.repeat(np.arange(g.n), np.diff(g.indptr))
    keep = src < g.indices
    edges = np.column_stack([src[keep], g.indices[keep]])
    active = np.zeros(g.n, bool)
    active[np.unique(mv.activity.person)] = True
    led = np.bincount(mv.activity.person, minlength=g.n)[active]
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    print(
        f"{people:,} planted people, {edges.shape[0]:,} ties, {int(active.sum()):,} active; "
        f"one thread each (numba pinned to 1; igraph, networkx and numpy run on one)"
    )

    def clock(fn, *args):
        fn(*args)  # the same warm-up for every side: one untimed call
        t = time.perf_counter()
        out = fn(*args)
        return out, time.perf_counter() - t

    def ig_graph():
        return ig.Graph(n=g.n, edges=edges.tolist())

    def peer_leiden(h):
        part = h.community_leiden(objective_function="modularity", resolution=1.0, n_iterations=2)
        return np.asarray(part.membership)

    def participation(comm):
        # Guimera & Amaral (Nature 2005): 1 - sum_s (k_is / k_i)^2.
        k = np.diff(g.indptr).astype(float)
        pair = np.unique(src * (comm.max() + 1) + comm[g.indices], return_counts=True)
        node, share = pair[0] // (comm.max() + 1), pair[1] / k[pair[0] // (comm.max() + 1)]
        return 1.0 - np.bincount(node, weights=share**2, minlength=g.n) * (k > 0) - (k == 0)

    def peer_two_steps(h):
        reached = np.zeros(g.n, bool)
        for group in h.neighborhood(np.flatnonzero(active).tolist(), order=2):
            reached[group] = True
        return reached

    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.n))
    nxg.add_edges_from(edges.tolist())
    h = ig_graph()
    rows = []
    ours_comm, t_ours = clock(leiden, g, 1)
    peer_comm, t_peer = clock(peer_leiden, h)
    q_ours, q_peer = h.modularity(ours_comm.tolist()), h.modularity(peer_comm.tolist())
    rows.append(("Leiden communities", t_ours, t_peer, f"modularity {q_ours:.4f} vs {q_peer:.4f}"))
    count = int(ours_comm.max()) + 1
    (pc_ours, _), t_ours = clock(role_kernels.participation, g.indptr, g.indices, ours_comm, count)
    pc_peer, t_peer = clock(participation, ours_comm)
    diff = float(np.abs(pc_ours - pc_peer).max())
    rows.append(("participation coefficient", t_ours, t_peer, f"max difference {diff:.1e}"))
    b_ours, t_ours = clock(sampled_betweenness, g, samples, 1)
    b_peer, t_peer = clock(lambda: nx.betweenness_centrality(nxg, k=samples, seed=1))
    rho = spearmanr(b_ours, [b_peer[i] for i in range(g.n)]).statistic
    rows.append((f"betweenness, {samples} sources", t_ours, t_peer, f"Spearman {rho:.3f}"))
    r_ours, t_ours = clock(within_two_steps, g, active)
    r_peer, t_peer = clock(peer_two_steps, h)
    same = "the same people" if np.array_equal(r_ours, r_peer) else "DIFFERENT people"
    rows.append(("within two ties of the active", t_ours, t_peer, f"{int(r_ours.sum()):,}, {same}"))
    g_ours, t_ours = clock(gini, led)
    g_peer, t_peer = clock(_peer_gini, led)
    rows.append(("Gini of actions led", t_ours, t_peer, f"{g_ours:.6f} vs {g_peer:.6f}"))
    numba.set_num_threads(threads)
    print(f"  {'indicator':<32} {'ours s':>8} {'peer s':>8} {'peer/ours':>9}  answers")
    for name, mine, theirs, note in rows:
        ratio = theirs / mine if mine > 0 else float("inf")
        print(f"  {name:<32} {mine:8.3f} {theirs:8.3f} {ratio:9.1f}  {note}")
    print("  (peer: igraph Leiden and neighbourhoods, networkx betweenness, numpy for the rest)")


def _peer_gini(x: np.ndarray) -> float:
    """Gini as the mean absolute difference over twice the mean (Gini 1912), pairwise."""
    x = np.asarray(x, dtype=np.float64)
    s = np.sort(x)
    # sum_{i,j} |x_i - x_j| = 2 sum_i (2i - n - 1) s_i, i = 1..n
    n = s.size
    return float(2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * s) / (2 * n * n * s.mean()))


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
    parser.add_argument("--peer-people", type=int, default=20_000, help="section 4's size")
    parser.add_argument("--only", type=int, choices=(1, 2, 3, 4), help="run one section")
    args = parser.parse_args()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"| {os.cpu_count()} cores")
    if args.only in (None, 1):
        accuracy(3 if args.quick else 10, 2000 if args.quick else 5000)
    if args.only in (None, 2):
        email()
    if args.only in (None, 3) and not args.skip_large:
        large(args.people, args.resolution)
    if args.only in (None, 4):
        peers(args.peer_people)


if __name__ == "__main__":
    main()
