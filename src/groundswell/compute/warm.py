"""Compile (or load) every kernel once, before a person's first click waits for it.

numba compiles a kernel the first time it is called with a given set of
argument types, and keeps the machine code in its on-disk cache
(``cache=True``: the package's ``__pycache__``, numba's user-wide cache folder
when that is not writable, or ``NUMBA_CACHE_DIR``). Compiling everything takes
about half a minute to a minute on 2 cores, which the first "Find the 3%" or
conversation report would otherwise spend with nothing to show; each new
process then loads the cached code on its first call, a few seconds more.

``warm`` runs the engines the commands and pages use on a tiny community and a
tiny conversation, with the same argument types as real use, so it compiles
(set-up: ``groundswell warm``) or loads (``groundswell serve``, in each server
process before it takes requests) exactly the specialisations they need.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

Step = tuple[str, Callable[[], object]]


def _network_files(folder: Path) -> list[Path]:
    """One small community (a ring of cliques with shortcuts) as CSV and as a SNAP edge list."""
    edges = []
    for group in range(20):
        members = [group * 5 + i for i in range(5)]
        edges += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        edges.append((members[0], (group + 1) % 20 * 5 + 2))
    csv_file, snap = folder / "ties.csv", folder / "ties.txt"
    csv_file.write_text("source,target\n" + "".join(f"p{a},p{b}\n" for a, b in edges))
    snap.write_text("# tiny\n" + "".join(f"{a}\t{b}\n" for a, b in edges))
    return [csv_file, snap]


def quick_bound(graph: Any) -> None:
    """The page's fallback lower bound (``seeds.dual``), compiled before the first page."""
    from groundswell.seeds import Constraints
    from groundswell.seeds.exact import lower_bound

    lower_bound(graph, 1.0, Constraints().resolve(graph.n), 0.5 * graph.n, milp_nodes=0,
                lp_seconds=0, upper=float(graph.n))  # fmt: skip


def _steps(folder: Path) -> list[Step]:
    from groundswell.conversations import analyse
    from groundswell.conversations.synthetic import synthetic_votes
    from groundswell.network import read_graph
    from groundswell.roles import assign_roles, gather_evidence, planted_movement
    from groundswell.roles.indicators import movement_indicators
    from groundswell.seeds import Constraints, best_k, check_selection, fewest_seeds
    from groundswell.seeds.complex import complex_seeds
    from groundswell.spread import Model, simulate

    files = _network_files(folder)
    graph = read_graph(files[0])[0]
    start = np.array([0, 7])
    models = [
        Model("ic", p=0.1),
        Model("wc"),
        Model("lt"),
        Model("direct"),
        Model("complex", threshold=2),
        Model("sir", p=0.2, recovery=0.5),
    ]
    some = Constraints(consented=np.arange(0, graph.n, 2))

    def seeds(
        model: Model,
        constraints: Constraints | None = None,
        *,
        target: bool = False,
        method: str = "opim-c",
    ) -> None:
        if model.kind in ("complex", "sir"):
            chosen = complex_seeds(graph, model, k=3, seed=1, constraints=constraints)
        elif target:
            chosen = fewest_seeds(graph, model, 0.5, seed=1, constraints=constraints, error=0.05)
        else:
            chosen = best_k(graph, model, 3, seed=1, constraints=constraints, method=method)
        check_selection(
            graph, model, chosen, runs=50, seed=1, baselines=True, constraints=constraints
        )

    def roles() -> None:
        movement = planted_movement(600, seed=1)
        evidence = gather_evidence(movement.graph, movement.activity, seed=1)
        assign_roles(movement.graph, evidence)
        movement_indicators(movement.graph, movement.activity, evidence)

    def conversation() -> None:
        votes = synthetic_votes(300, 40, 6000, seed=0)
        analyse(votes.matrix(), seed=0)

    steps: list[Step] = [(f"read {f.suffix}", partial(read_graph, f)) for f in files]
    steps += [
        (f"spread {m.kind}", partial(simulate, graph, m, start, runs=50, seed=1)) for m in models
    ]
    steps += [(f"seeds {m.kind}", partial(seeds, m)) for m in models]
    steps += [
        ("seeds for a share", lambda: seeds(models[0], target=True)),
        ("seeds for a share, direct", lambda: seeds(models[3], target=True)),
        ("seeds among the consenting", lambda: seeds(models[0], some)),
        ("seeds with IMM", lambda: seeds(models[0], method="imm")),
        ("seeds counted exactly", lambda: seeds(Model("ic", p=1.0), target=True)),
        ("seeds' quick bound", partial(quick_bound, graph)),
        ("roles", roles),
        ("conversations", conversation),
    ]
    return steps


def compile_bytecode() -> None:
    """Write Groundswell's own bytecode (``.pyc``), as installers do for other packages:
    without it a process where Python may not write it (``PYTHONDONTWRITEBYTECODE``, a
    read-only install) compiles every module it imports, about 2 s a command."""
    import compileall

    import groundswell

    compileall.compile_dir(Path(groundswell.__file__).parent, quiet=1)


def warm(progress: Callable[[str], None] = lambda _: None) -> float:
    """Run every step once; the seconds it took. ``progress`` hears each step's name."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="groundswell-warm-") as tmp:
        for name, step in _steps(Path(tmp)):
            progress(name)
            step()
    return time.perf_counter() - started
