"""Conversation math against red-dwarf's run_pipeline, side by side in one run.

Full recompute time (from the vote log to groups, representative statements
and consensus) of ``groundswell.conversations.analyse`` and red-dwarf's
``run_pipeline`` on the three real Pol.is exports in ``data/polis``
on a synthetic conversation of the shape where subspace iteration is slowest
(few voters, many statements, weakly separated groups: 540 x 310, 30,000
votes), and on a synthetic 100,000-participant x 2,000-statement conversation
with 5,000,000 votes (red-dwarf in a child process, given ``--rd-limit``
seconds); then an incremental update after 1,000 new votes.

Usage::

    .venv/bin/python benchmarks/conversations.py [--skip-big] [--rd-limit 600]

red-dwarf is benchmark- and test-only (``.venv/bin/uv pip install red-dwarf``).
Both sides start from the same deduplicated vote list and end with groups,
representative statements and consensus: ours builds the matrix from the
vote columns (integer codes for the synthetic cases), red-dwarf from its vote
dicts. On the real data sets and the small synthetic one both are warmed up
(one untimed run each), then run alternately in this process ``--repeats``
times and the medians are reported. The big synthetic case is one run each
after both sides have warmed up on the cases above (ours has its kernels
compiled; red-dwarf runs in a child process forked from this warmed one).
Times are wall seconds (CPU seconds of this process, all threads, in
brackets for ours). Polis data: CC BY
4.0, The Computational Democracy Project (see data/polis/LICENSE-DATA.txt).
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing as mp
import os
import queue
import time
import warnings
from pathlib import Path

import numpy as np

from groundswell.conversations import analyse, build_matrix, read_export, update
from groundswell.conversations.matrix import from_codes
from groundswell.conversations.pipeline import warm_up
from groundswell.conversations.synthetic import synthetic_votes

POLIS = Path(__file__).resolve().parents[1] / "data" / "polis"
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


def _run_red_dwarf(votes, mod_out) -> float:
    from reddwarf.implementations.polis import run_pipeline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
        return time.perf_counter() - started


def _red_dwarf_child(votes, mod_out, results) -> None:
    results.put(_run_red_dwarf(votes, mod_out))


def red_dwarf_cold(votes, mod_out, limit: float) -> str:
    """One red-dwarf run in a child process, stopped after ``limit`` seconds."""
    ctx = mp.get_context("fork")
    results: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_red_dwarf_child, args=(votes, mod_out, results))
    proc.start()
    try:
        seconds = results.get(timeout=limit)
    except queue.Empty:
        seconds = None
    stopped = proc.is_alive()
    if stopped:
        proc.kill()
    proc.join()
    if seconds is None:
        return f"> {limit:.0f} (stopped)" if stopped else f"failed (exit {proc.exitcode})"
    return f"{seconds:.3f}"


def _ours(build, mod_out):
    wall, cpu = time.perf_counter(), time.process_time()
    result = analyse(build(), moderated_out=mod_out, seed=0)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def paired(build, votes, mod_out, repeats: int):
    """Medians of ``repeats`` alternating runs of ours and red-dwarf, after one warm-up each.

    Alternating in one process exposes both sides to the same machine load.
    """
    _ours(build, mod_out)
    _run_red_dwarf(votes, mod_out)
    walls, cpus, theirs = [], [], []
    for _ in range(repeats):
        result, wall, cpu = _ours(build, mod_out)
        walls.append(wall)
        cpus.append(cpu)
        theirs.append(_run_red_dwarf(votes, mod_out))
    rd = f"{np.median(theirs):.3f}"
    return result, float(np.median(walls)), float(np.median(cpus)), rd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-big", action="store_true", help="Only the real data sets.")
    parser.add_argument("--rd-limit", type=float, default=600.0, help="Seconds red-dwarf gets.")
    parser.add_argument("--repeats", type=int, default=7, help="Timed runs per real data set.")
    parser.add_argument(
        "--only", help="Only the real data set with this name (or few-voters: the 540 x 310 case)."
    )
    args = parser.parse_args()
    print(f"cores available: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    warm_up()
    head = f"{'conversation':<26}{'votes':>10}{'ours s (cpu)':>18}{'red-dwarf s':>18}"
    print(f"{head}{'speed-up':>10}  groups")
    cases = []
    for name in DATASETS:
        if (POLIS / name).is_dir() and args.only in (None, name):
            export = read_export(POLIS / name)
            votes = _votes(export.matrix())
            columns = (
                [v["participant_id"] for v in votes],
                [v["statement_id"] for v in votes],
                [v["vote"] for v in votes],
            )
            cases.append(
                (
                    name,
                    lambda v=votes: v,
                    lambda c=columns: build_matrix(*c),
                    export.moderated_out,
                    args.repeats,
                )
            )
    if args.only in (None, "few-voters"):
        few = synthetic_votes(540, 310, 30_000, n_groups=2, seed=2)
        cases.append(
            (
                "synthetic 540 x 310",
                lambda f=few: _votes(f.matrix()),
                lambda f=few: f.matrix(),
                [],
                args.repeats,
            )
        )
    if not args.skip_big and args.only is None:
        sv = synthetic_votes(100_000, 2_000, 5_000_000, seed=1)
        n = sv.rows.shape[0]
        codes = (sv.rows[: n - 1000], sv.cols[: n - 1000], sv.votes[: n - 1000])
        ids = (list(range(sv.n_participants)), list(range(sv.n_statements)))
        cases.append(
            (
                "synthetic 100k x 2k",
                lambda: _votes(sv.matrix(n - 1000)),
                lambda: from_codes(*codes, *ids),
                [],
                0,
            )
        )
    have_rd = importlib.util.find_spec("reddwarf") is not None
    big = None
    for name, votes, build, mod_out, repeats in cases:
        if not have_rd:
            result, wall, cpu = _ours(build, mod_out)
            rd = "not installed"
        elif repeats:
            result, wall, cpu, rd = paired(build, votes(), mod_out, repeats)
        else:
            result, wall, cpu = _ours(build, mod_out)
            rd = red_dwarf_cold(votes(), mod_out, args.rd_limit)
        speed = f"{float(rd) / wall:.1f}x" if rd.replace(".", "").isdigit() else "-"
        sizes = "/".join(str(s) for s in result.group_sizes())
        n_votes = result.matrix.n_votes
        print(f"{name:<26}{n_votes:>10}{wall:>10.3f} ({cpu:.2f}){rd:>18}{speed:>10}  {sizes}")
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
