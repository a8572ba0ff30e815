"""How long the "find the 3%" page takes on the demo movement, request by request.

Builds the demo movement (``groundswell demo --seed 7``, 20,000 people) into a
temporary SQLite file unless ``--database`` names one, then requests
``/network/seeds`` in process (httpx over ASGI, no network) for each question
below, ``--repeat`` times after one warm-up request, and prints the median
wall time (and CPU time of this process, all threads: the steadier figure on a
shared machine) with the proven lower bound the page showed and how it was
proven.
Each question runs twice in the same process: with the page's time limits on
the bound, and with the command line's (the integer program 10 s, the LP 120
s, at any size: what the page used before it had limits of its own), so the
two sit side by side on the same machine and load.

Usage::

    .venv/bin/python benchmarks/seeds_page.py [--database sqlite:////tmp/demo.db] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUESTIONS = {
    "direct p=1, target 90%": "model=direct&p=1&mode=target&target=90&seed=0",
    "direct p=1, target 90%, consented only": (
        "model=direct&p=1&mode=target&target=90&seed=0&consented=yes"
    ),
    "direct p=0.5, target 90%": "model=direct&p=0.5&mode=target&target=90&seed=0",
    "ic p=0.1, target 90%": "model=ic&p=0.1&mode=target&target=90&seed=0",
}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


async def measure(url: str, repeat: int, page_only: bool = False) -> None:
    from groundswell.actions import seeds as page
    from groundswell.app import App
    from groundswell.seeds import exact
    from groundswell.settings import load_settings
    from groundswell.web import create_app

    gs = App.build(load_settings({}, database_url=url))
    web = create_app(gs)
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as c:
        limits = {
            "page limits": (page.BOUND_SECONDS, page.LP_SECONDS, page.LP_MAX_PEOPLE),
            "command-line limits": (exact.MILP_SECONDS, exact.LP_SECONDS, 10**9),
        }
        if page_only:
            del limits["command-line limits"]
        for name, query in QUESTIONS.items():
            for label, (bound_s, lp_s, lp_people) in limits.items():
                if name.startswith("ic") and label != "page limits":
                    continue  # sampled: no bound, the limits change nothing
                page.BOUND_SECONDS, page.LP_SECONDS, page.LP_MAX_PEOPLE = bound_s, lp_s, lp_people
                await c.get(f"/network/seeds?{query}")  # warm-up: kernels, caches
                times, cpus, text = [], [], ""
                for _ in range(repeat):
                    start, cpu = time.perf_counter(), time.process_time()
                    r = await c.get(f"/network/seeds?{query}")
                    times.append(time.perf_counter() - start)
                    cpus.append(time.process_time() - cpu)
                    text = r.text
                    assert r.status_code == 200, (name, r.status_code)
                bound = re.search(r'id="lower-bound">(.*?)</p>', text, re.S)
                said = re.sub(r"<[^>]+>|\s+", " ", bound.group(1)).strip() if bound else "no bound"
                said = said.replace("&#39;", "'")
                median, cpu = statistics.median(times), statistics.median(cpus)
                print(
                    f"{name:40s} {label:20s} median {median:6.2f} s (CPU {cpu:6.2f} s) | {said}",
                    flush=True,
                )
    gs.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a database holding the demo movement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-only", action="store_true", help="only the page's own limits")
    args = parser.parse_args()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "|", machine())
    url = args.database
    if url is None:
        folder = tempfile.mkdtemp(prefix="gs-seeds-page-")
        url = f"sqlite:///{folder}/demo.db"
        env = {**os.environ, "GROUNDSWELL_DATABASE_URL": url, "GROUNDSWELL_DATA_DIR": folder}
        binary = Path(sys.executable).parent / "groundswell"
        subprocess.run([str(binary), "demo", "--seed", "7"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    asyncio.run(measure(url, args.repeat, args.page_only))


if __name__ == "__main__":
    main()
