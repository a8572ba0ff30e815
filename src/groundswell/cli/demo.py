"""``groundswell demo``: build a synthetic Morecambe Bay movement into the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from groundswell.actions.demo import PHASES, DemoSummary, do_build_demo
from groundswell.actions.demo import Progress as PhaseReport
from groundswell.cli.database import build_app
from groundswell.cli.main import app, err_console
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import console, print_json


@contextmanager
def _phases(show: bool) -> Iterator[PhaseReport | None]:
    """A Rich progress bar on stderr that advances phase by phase."""
    if not show:
        yield None
        return
    columns = (
        TextColumn("{task.description:<14}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("starting", total=len(PHASES))

        def report(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=total)

        yield report


def _table(summary: DemoSummary, where: str) -> None:
    towns = Table(title="People per town", title_justify="left")
    towns.add_column("town")
    towns.add_column("people", justify="right")
    for town, count in summary.towns.items():
        towns.add_row(town, f"{count:,}")
    console.print(towns)
    rows = Table(title="Records written", title_justify="left")
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for table, count in summary.counts.items():
        rows.add_row(table.replace("_", " "), f"{count:,}")
    console.print(rows)
    replaced = f", replacing {summary.replaced:,} people" if summary.replaced else ""
    console.print(
        f"Built the demo movement (seed {summary.seed}, {summary.people:,} people"
        f"{replaced}) in {summary.seconds:.1f} s.",
        markup=False,
    )
    console.print(f"Its two years end on {summary.today} (--today).", markup=False)
    console.print(f"Database: {where}", markup=False, soft_wrap=True)


@app.command("demo")
def demo(
    seed: int = typer.Option(
        7, "--seed", min=0, help="Seed: the same seed builds the same movement."
    ),
    people: int | None = typer.Option(
        None,
        "--people",
        min=100,
        max=2_000_000,
        help="How many people (default: GROUNDSWELL_DEMO_PEOPLE, 20,000).",
    ),
    today: datetime | None = typer.Option(
        None,
        "--today",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="The last day of the demo's two years (default: today, in UTC).",
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Delete everything in the database first, even non-demo people."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Build a synthetic Morecambe Bay movement: people, ties, initiatives, votes, logs.

    Its two years end today, so its campaign is running and its dashboard
    current; --today fixes the day, and the same seed and --today build the
    same movement. Creates or upgrades the database first. A database holding
    only a previous demo is rebuilt; one holding other people is refused
    unless --replace.
    """
    instance = build_app()
    try:
        instance.upgrade()
        # A bar only where someone watches; in a pipe or a log it would be noise.
        with _phases(not json_out and err_console.is_terminal) as report:
            summary = do_build_demo(
                instance,
                seed,
                people,
                today=today.date() if today else None,
                replace=replace,
                progress=report,
            )
        where = instance.database_url
    finally:
        instance.close()
    if json_out:
        print_json({**summary.to_dict(), "database": where})
    else:
        _table(summary, where)
