"""Conversation math against red-dwarf's run_pipeline, side by side in one run.

Full recompute time (from the vote log to groups, representative statements
and consensus) of ``groundswell.conversations.analyse`` and red-dwarf's
``run_pipeline`` on the three real Pol.is exports in ``../shared/data/polis``
and on a synthetic 100,000-participant x 2,000-statement conversation with
5,000,000 votes (red-dwarf in a child process, given ``--rd-limit`` seconds);
then an incremental update after 1,000 new votes.

Usage::

    .venv/bin/python benchmarks/conversations.py [--skip-big] [--rd-limit 600]

red-dwarf is benchmark- and test-only (``.venv/bin/uv pip install red-dwarf``).
Both sides get the same deduplicated votes; times are wall seconds (CPU
seconds of this process, all threads, in brackets for ours). Polis data: CC BY
4.0, The Computational Democracy Project (see shared/data/polis/LICENSE-DATA.txt).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
import warnings
from pathlib import Path

import numpy as np

from groundswell.conversations import analyse, read_export, update
from groundswell.conversations.pipeline import warm_up
from groundswell.conversations.synthetic import synthetic_votes

POLIS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polis"
DATASETS = ["london.youth.policing", "scoop-hivemind.ubi", "football-concussions"]


def _votes(matrix) -> list[dict]:
    rows, cols, vals = matrix.triples()
    return [
        {
            "participant_id": matrix.pids[r],
            "statement_id": matrix.tids[c],
            "vote": int(v),
            "modified": 0,
        }
        for r, c, v in zip(rows, cols, vals, strict=True)
    ]


def _red_dwarf(votes, mod_out, queue) -> None:
    warnings.simplefilter("ignore")
    from reddwarf.implementations.polis import run_pipeline

    started = time.perf_counter()
    run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
    queue.put(time.perf_counter() - started)


def red_dwarf_seconds(votes, mod_out, limit: float) -> str:
    try:
        import reddwarf  # noqa: F401
    except ImportError:
        return "not installed"
    queue: mp.Queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=_red_dwarf, args=(votes, mod_out, queue))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return f"> {limit:.0f} (stopped)"
    if proc.exitcode != 0:
        return f"failed (exit {proc.exitcode})"
    return f"{queue.get():.3f}"


def ours_seconds(matrix, mod_out, seed: int = 0):
    wall, cpu = time.perf_counter(), time.process_time()
    result = analyse(matrix, moderated_out=mod_out, seed=seed)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-big", action="store_true", help="Only the real data sets.")
    parser.add_argument("--rd-limit", type=float, default=600.0, help="Seconds red-dwarf gets.")
    args = parser.parse_args()
    print(f"cores available: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    warm_up()
    head = f"{'conversation':<26}{'votes':>10}{'ours s (cpu)':>18}{'red-dwarf s':>18}"
    print(f"{head}{'speed-up':>10}  groups")
    cases = []
    for name in DATASETS:
        if (POLIS / name).is_dir():
            export = read_export(POLIS / name)
            cases.append((name, export.matrix(), export.moderated_out))
    if not args.skip_big:
        sv = synthetic_votes(100_000, 2_000, 5_000_000, seed=1)
        n = sv.rows.shape[0]
        cases.append(("synthetic 100k x 2k", sv.matrix(n - 1000), []))
    big = None
    for name, matrix, mod_out in cases:
        result, wall, cpu = ours_seconds(matrix, mod_out)
        rd = red_dwarf_seconds(_votes(matrix), mod_out, args.rd_limit)
        speed = f"{float(rd) / wall:.1f}x" if rd.replace(".", "").isdigit() else "-"
        sizes = "/".join(str(s) for s in result.group_sizes())
        print(
            f"{name:<26}{matrix.n_votes:>10}{wall:>10.3f} ({cpu:.2f}){rd:>18}{speed:>10}  {sizes}"
        )
        big = result
    if not args.skip_big and big is not None:
        # Six batches of 1,000 votes (the log's last 6,000, voted again): the first
        # warms up the kernels the cold recompute never called; the median of the
        # other five, each applied to the state the previous one left, is reported.
        walls, cpus, state = [], [], big
        for b in range(6):
            lo, hi = n - 1000 * (b + 1), n - 1000 * b
            new = (list(sv.rows[lo:hi]), list(sv.cols[lo:hi]), sv.votes[lo:hi])
            wall, cpu = time.perf_counter(), time.process_time()
            after = update(state, *new)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            state = after
        print(
            f"incremental update, 1,000 new votes: {np.median(walls[1:]):.3f} s wall median of 5 "
            f"({np.median(cpus[1:]):.2f} s cpu; first call {walls[0]:.3f} s), "
            f"PCA {after.pca.iterations} warm iterations, k {big.k} -> {after.k}"
        )


if __name__ == "__main__":
    main()
