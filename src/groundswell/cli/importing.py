"""Running a CSV import from the command line: a progress bar, warnings and the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from groundswell.actions.import_rows import ImportSummary
from groundswell.cli.database import opened_app
from groundswell.cli.main import err_console
from groundswell.cli.output import print_json, say

PROGRESS_FROM_ROWS = 20_000  # below this an import takes well under a second


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich bar on stderr for long imports on a terminal; nothing otherwise."""
    if not (show and err_console.is_terminal):
        yield None
        return
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bar = Progress(*columns, console=err_console, transient=True)
    task = bar.add_task("import", total=None)

    def report(done: int, total: int) -> None:
        if total < PROGRESS_FROM_ROWS:
            return  # short imports finish before a bar would help
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        bar.stop()


def run_import(
    action: Callable[..., ImportSummary], file: Path, update: bool, json_out: bool
) -> None:
    with opened_app() as instance, _progress(not json_out) as report:
        summary = action(instance, file, update=update, progress=report)
    for warning in summary.warnings:
        err_console.print(f"groundswell: warning: {warning}", markup=False)
    if json_out:
        print_json(summary.to_dict())
        return
    updated = f", {summary.updated} updated" if summary.updated else ""
    say(
        f"Imported {summary.rows} {summary.table} rows from {summary.path} "
        f"({summary.created} new{updated}) in {summary.seconds:.2f} s."
    )
