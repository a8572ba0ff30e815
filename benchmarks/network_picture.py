"""The Network page on the 20,000-person demo: the picture cold and warm, and opening a community.

Run: ``.venv/bin/python benchmarks/network_picture.py [--people 20000] [--repeat 5]``

Builds the demo movement (seed 7) in a temporary SQLite file and asks the
page through the app in process (Starlette's TestClient; the answer is
worked out in the request, as an app built by ``create_app`` alone does).
Cold: the first request after start-up (reading the graph, Leiden until
every community can be opened, the roles report, the layout, the SVG).
Warm: the median of ``--repeat`` requests once the picture is kept. Then the
same for opening the largest community, and the seeds marked on the picture
(the 3% question, p = 0.1, 90%), cold and warm. Target: under 2 s warm.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from groundswell.actions.demo import do_build_demo
from groundswell.actions.network_picture import network_picture
from groundswell.app import App
from groundswell.network.picture import OTHER
from groundswell.settings import load_settings
from groundswell.web import create_app


def timed(client: TestClient, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[-500:])
    return time.perf_counter() - started, len(response.content)


def cold_and_warm(client: TestClient, url: str, repeat: int) -> str:
    cold, size = timed(client, url)
    warm = statistics.median(timed(client, url)[0] for _ in range(repeat))
    kb = size / 1024
    return f"cold {cold:6.2f} s   warm {warm:6.3f} s (median of {repeat})   page {kb:,.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'gs.db'}"
        gs = App.build(load_settings({}, data_dir=Path(folder), database_url=url))
        gs.upgrade()
        started = time.perf_counter()
        do_build_demo(gs, seed=7, people=args.people)
        took = time.perf_counter() - started
        print(f"demo movement: {args.people:,} people, built in {took:.1f} s")
        client = TestClient(create_app(gs))
        print(f"/network                      {cold_and_warm(client, '/network', args.repeat)}")
        pic = network_picture(gs)
        nodes, sizes = pic.overview.nodes, pic.overview.sizes
        small = int(sizes[nodes == OTHER].sum())
        print(f"  {pic.graph.n:,} people, {pic.graph.m:,} ties; {nodes.size} nodes drawn "
              f"(communities at resolution {pic.resolution:g}; {small} people in communities "
              f"under 10); picture worked out in {pic.seconds:.2f} s")  # fmt: skip
        named = nodes != OTHER
        largest = int(nodes[named][np.argmax(sizes[named])])
        opened = f"/network?community={largest + 1}"
        people = int(sizes[nodes == largest][0])
        print(f"{opened:<29} {cold_and_warm(client, opened, args.repeat)}   ({people:,} people)")
        seeds = "/network?seeds=target"
        print(f"{seeds:<29} {cold_and_warm(client, seeds, args.repeat)}")
        gs.close()


if __name__ == "__main__":
    main()
