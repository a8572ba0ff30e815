"""A newcomer's first calls: how long the first and second run of each heavy command and page take.

After a fresh set-up (an empty numba cache, then ``groundswell warm`` as
``make demo`` runs it, and the demo movement) it times, each in a new process
or against a newly started server:

* the commands ``seeds``, ``spread``, ``roles`` and ``conversations analyse``
  on the real data in ``data/`` (a first and a second run, each a new process);
* the pages ``/network/seeds`` (Find the 3%), ``/roles``, the closed demo
  conversation's report and ``/measures`` (first and second request to one
  ``groundswell serve``, which loads the kernels before it answers);
* ``groundswell --help``.

Targets (issue "a newcomer's first hour"): every first call under 3 s,
``--help`` under 0.5 s. ``--cold`` also times the first calls without the
warm-up, side by side: each command, and the server, with its own empty numba
cache (the kernels compiled on first use, as before ``groundswell warm``; the
server now compiles them before it answers, so there the cost moves to its
start). Times are wall-clock on this machine, shared by the server and
the client; run it on an idle machine to compare with the targets.

Usage::

    .venv/bin/python benchmarks/first_use.py [--cold]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "groundswell"
DATA = REPO / "data"
EMAIL = DATA / "networks" / "email-eu-core" / "email-Eu-core.txt.gz"
POLIS = DATA / "polis" / "scoop-hivemind.ubi"
FIRST_TARGET, HELP_TARGET = 3.0, 0.5

COMMANDS = {
    "seeds": ["seeds", str(EMAIL), "--model", "direct", "--target", "0.9", "--seed", "1"],
    "spread": ["spread", str(EMAIL), "--model", "ic", "--p", "0.05", "--random-seeds", "10"],
    "roles": ["roles", str(EMAIL), "--seed", "1"],
    "conversations analyse": ["conversations", "analyse", str(POLIS)],
}
PAGES = {
    "/network/seeds": "/network/seeds?model=ic&p=0.1&mode=target&target=90&seed=0",
    "/roles": "/roles",
    "conversation report": "/conversations/move-more-every-day/report",
    "/measures": "/measures",
}


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN), *argv], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_time(env: dict[str, str]) -> tuple[float, dict[str, tuple[float, float]]]:
    """Seconds until the server answers, and (first, second) seconds of each page."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.perf_counter() - started > 300:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            ready = time.perf_counter() - started
            out = {}
            for name, path in PAGES.items():
                pair = []
                for _ in range(2):
                    t = time.perf_counter()
                    answer = client.get(path)
                    pair.append(time.perf_counter() - t)
                    if answer.status_code != 200:
                        raise SystemExit(f"{path} answered {answer.status_code}")
                out[name] = (pair[0], pair[1])
    finally:
        server.terminate()
        server.wait(30)
    return ready, out


def measure(env: dict[str, str], fresh_cache: Path | None = None) -> dict[str, tuple[float, float]]:
    """(first, second) seconds of each command and page. With ``fresh_cache``, each
    command and the server start from their own empty numba cache (no warm-up)."""
    n = iter(range(100))

    def cache() -> dict[str, str]:
        return {} if fresh_cache is None else {"NUMBA_CACHE_DIR": str(fresh_cache / str(next(n)))}

    rows = {}
    for name, argv in COMMANDS.items():
        own = {**env, **cache()}
        rows[name] = (timed(argv, own), timed(argv, own))
    ready, pages = serve_and_time({**env, **cache()})
    rows.update(pages)
    rows["serve: start to answer"] = (ready, float("nan"))  # kernels loaded first: no target
    return rows


def line(name: str, first: float, second: float, target: float | None) -> str:
    verdict = "" if target is None else "ok" if first < target else "over"
    again = "" if second != second else f"second {second:6.2f} s"
    return f"{name:26s} first {first:6.2f} s {verdict:4s}  {again}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="also time without the warm-up")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="groundswell-first-use-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "GROUNDSWELL_DATA_DIR": str(folder / "data"),
            "GROUNDSWELL_COOKIE_SECURE": "false",
            "GROUNDSWELL_LOG_LEVEL": "warning",
        }
        env.pop("GROUNDSWELL_DATABASE_URL", None)
        subprocess.run([str(BIN), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [str(BIN), "demo", "--seed", "7"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        cores = os.cpu_count()
        print(f"first use on {cores} cores; targets: first call < {FIRST_TARGET:.0f} s, "
              f"--help < {HELP_TARGET} s")  # fmt: skip
        cold: dict[str, tuple[float, float]] = {}
        if args.cold:
            cold = measure(env, fresh_cache=folder / "cold")
        env["NUMBA_CACHE_DIR"] = str(folder / "cache")
        setup = timed(["warm"], env)
        print(f"set-up: groundswell warm on an empty cache {setup:6.1f} s")
        warm = measure(env)
        for name, (first, second) in warm.items():
            target = None if name.startswith("serve") else FIRST_TARGET
            text = line(name, first, second, target)
            if name in cold:
                text += f"   without warm-up: first {cold[name][0]:6.2f} s"
            print(text)
        helps = [timed(["--help"], env) for _ in range(2)]
        print(line("--help", helps[0], helps[1], HELP_TARGET))


if __name__ == "__main__":
    main()
