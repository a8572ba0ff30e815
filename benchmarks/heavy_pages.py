"""45 visitors ask the "Find the 3%" page the same question at the same moment.

Run: ``.venv/bin/python benchmarks/heavy_pages.py [--people 20000] [--visitors 45]``

Builds the demo movement (seed 7) in a temporary SQLite file, warms the page
once, then sends ``--visitors`` identical requests at once through the app in
process (httpx over ASGI) and reports: how long until every visitor had a
page, the statuses they got, how long until the answer itself was ready, and
how many times the seeds use case ran. Two ways: as ``groundswell serve``
runs (a progress page after a second: ``heavy_inline_seconds = 1``) and as an
app built by ``create_app`` alone (every request waits for the answer).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from groundswell.actions.demo import do_build_demo
from groundswell.app import App
from groundswell.settings import load_settings
from groundswell.web import create_app
from groundswell.web.routes import network_seeds

QUERY = {"model": "ic", "p": "0.1", "mode": "target", "target": "50", "seed": "0"}


async def crowd(gs: App, visitors: int, inline: float | None, calls: list[int]) -> str:
    web = create_app(gs)
    web.state.heavy_inline_seconds = inline
    calls.clear()
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=600) as c:

        async def one() -> tuple[int, float]:
            started = time.perf_counter()
            response = await c.get("/network/seeds", params=QUERY)
            return response.status_code, time.perf_counter() - started

        started = time.perf_counter()
        answers = await asyncio.gather(*[one() for _ in range(visitors)])
        everyone = time.perf_counter() - started
        while (await c.get("/network/seeds", params=QUERY)).status_code == 202:
            await asyncio.sleep(0.2)
        ready = time.perf_counter() - started
    seconds = [s for _, s in answers]
    statuses = sorted({code for code, _ in answers})
    return (
        f"inline wait {inline}: every visitor had a page after {everyone:.2f} s "
        f"(median {statistics.median(seconds):.2f} s), statuses {statuses}, "
        f"the answer ready after {ready:.2f} s, seeds worked out {len(calls)} time(s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--visitors", type=int, default=45)
    args = parser.parse_args()
    calls: list[int] = []
    real = network_seeds.answer_seeds_question

    def counted(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return real(*a, **k)

    network_seeds.answer_seeds_question = counted  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gs = App.build(
            load_settings({}, data_dir=folder, database_url=f"sqlite:///{folder / 'gs.db'}")
        )
        gs.upgrade()
        do_build_demo(gs, seed=7, people=args.people)
        asyncio.run(crowd(gs, 1, None, calls))  # warm: kernels loaded, not counted
        print(f"{args.people:,} people, {args.visitors} identical requests at once")
        for inline in (1.0, None):
            print(asyncio.run(crowd(gs, args.visitors, inline, calls)))
        gs.close()


if __name__ == "__main__":
    main()
