"""``groundswell backup FILE`` and ``groundswell restore FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from groundswell.actions.audit import operator
from groundswell.actions.backup import do_backup, do_restore
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import ACTOR_OPTION, JSON_OPTION
from groundswell.cli.output import print_json, say
from groundswell.cli.privacy import erasure_ledger, server_secret
from groundswell.errors import InvalidInput


@app.command("backup")
def backup(
    file: Path = typer.Argument(..., help="File to write the backup to."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Back up the database to FILE (SQLite: online backup; PostgreSQL: pg_dump -Fc)."""
    with opened_app() as instance:
        summary = do_backup(instance, file, actor=actor or operator(), overwrite=force)
    if json_out:
        print_json(summary.to_dict())
        return
    say(
        f"Backed up {summary.database} (revision {summary.revision}) to {summary.file} "
        f"({summary.bytes} bytes) in {summary.seconds:.2f} s."
    )


@app.command("restore")
def restore(
    file: Path = typer.Argument(..., help="A file written by 'groundswell backup'."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: the database is replaced."),
    replay_erasures: bool = typer.Option(
        False,
        "--replay-erasures",
        help="If the backup holds people erased since it was made, erase them again "
        "(without this the restore is refused).",
    ),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Replace the database's contents with a backup, once it is checked in a scratch copy.

    The backup must be a Groundswell backup this version knows; it is upgraded
    to the newest schema. People erased since it was made (the erasure ledger
    in the data folder) are never brought back: the restore is refused unless
    --replay-erasures erases them again."""
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput("restoring replaces everything in the database; add --yes")
        typer.confirm("Replace everything in the database with this backup?", abort=True)
    with opened_app(must_exist=False) as instance:
        summary = do_restore(
            instance, file, actor=actor or operator(),
            ledger=erasure_ledger(instance), replay_erasures=replay_erasures,
            secret=server_secret(instance),
        )  # fmt: skip
    if json_out:
        print_json(summary.to_dict())
        return
    say(f"Restored {summary.database} from {summary.file} (revision {summary.revision}).")
    if summary.erasures_replayed:
        say(f"Erased again the {summary.erasures_replayed} erased since the backup was made.")
