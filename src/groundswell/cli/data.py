"""Data commands: ``init``, ``db upgrade|check``, ``import people|ties|recruitment``, ``export``."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path

import typer

from groundswell.actions.export import do_export, export_document
from groundswell.actions.imports import do_import_people, do_import_recruitment, do_import_ties
from groundswell.app import App
from groundswell.cli.database import opened_app, where
from groundswell.cli.importing import run_import
from groundswell.cli.main import app, err_console
from groundswell.cli.options import FILE_ARGUMENT, FORCE_OPTION, JSON_OPTION, UPDATE_OPTION
from groundswell.cli.output import print_json, say
from groundswell.store import migrate

db_app = typer.Typer(help="Check or upgrade the database schema.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import people, ties and recruitment from CSV files (all or nothing).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")


def _upgrade(json_out: bool, verb: str) -> None:
    with opened_app(must_exist=False) as instance:
        before = migrate.current_revision(instance.engine)
        instance.upgrade()
        after = migrate.current_revision(instance.engine)
        result = {"database": where(instance), "revision": after, "previous": before}
        _warn_if_shared(instance)
        if json_out:
            print_json(result)
        elif before == after:
            say(f"Database {where(instance)} is up to date (revision {after}).")
        else:
            say(f"Database {where(instance)} {verb} to revision {after} (was {before or 'empty'}).")


def _warn_if_shared(instance: App) -> None:
    """A database file made before files were created private may still be readable by
    other users of the machine: say so (on stderr) rather than change its mode unasked."""
    database = instance.engine.url.database
    if not instance.is_sqlite or not database or database == ":memory:":
        return
    path = Path(database)
    if path.exists() and path.stat().st_mode & 0o077:
        mode = oct(path.stat().st_mode & 0o777)[2:]
        err_console.print(
            f"warning: {path} holds people's data and other users may read it (mode {mode}); "
            f"run: chmod 600 {path}",
            markup=False,
            soft_wrap=True,
        )


@app.command("init")
def init(json_out: bool = JSON_OPTION) -> None:
    """Create the database named by GROUNDSWELL_DATABASE_URL, or upgrade it; print where it is."""
    _upgrade(json_out, "set up")


@db_app.command("upgrade")
def db_upgrade(json_out: bool = JSON_OPTION) -> None:
    """Upgrade the database schema to this version of Groundswell."""
    _upgrade(json_out, "upgraded")


@db_app.command("check")
def db_check(json_out: bool = JSON_OPTION) -> None:
    """Fail unless the database is at the newest revision and matches the models."""
    with opened_app() as instance:
        instance.check()
        revision = migrate.current_revision(instance.engine)
        if json_out:
            print_json({"database": where(instance), "revision": revision, "ok": True})
        else:
            say(f"Database {where(instance)} is at revision {revision} and matches the models.")


@import_app.command("people")
def import_people(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import people from a CSV file, all or nothing.

    Columns: id (required, the person's pseudonymous id), display_name, town,
    kind (citizen|staff|partner), consent_contact, consent_analytics (true/false,
    yes/no, 1/0; empty is no), joined_at (YYYY-MM-DD or ISO date-time; UTC unless
    it has an offset). Someone already in the database is refused unless --update,
    which changes only the columns in the file."""
    run_import(do_import_people, file, update, json_out)


@import_app.command("ties")
def import_ties(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import ties between people from a CSV file, all or nothing.

    Columns: source, target (required, ids of people already imported), kind
    (default knows), weight (> 0, default 1), observed_at (YYYY-MM-DD)."""
    run_import(do_import_ties, file, update, json_out)


@import_app.command("recruitment")
def import_recruitment(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import who brought whom into the movement from a CSV file, all or nothing.

    Columns: recruiter, recruit (required, ids of people already imported; one
    recruiter per person, no loops), at (YYYY-MM-DD)."""
    run_import(do_import_recruitment, file, update, json_out)


@import_app.command("events")
def import_events(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import events from a CSV file (as 'groundswell export' writes it), all or nothing.

    Columns: event (its slug), title (required), starts_at, ends_at, held_on,
    kind, status (scheduled|cancelled|held), town, place, online_url, capacity,
    description, initiative, campaign, hosts (ids separated by ;), led_by."""
    from groundswell.actions.events_io import do_import_events

    run_import(do_import_events, file, update, json_out)


@import_app.command("rsvps")
def import_rsvps(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import RSVPs to events already imported, all or nothing.

    Columns: event, person (required), status (going|waiting|cancelled), email,
    phone, accessibility, walk_in, created_at, cancelled_at. Each gets a new
    private link."""
    from groundswell.actions.events_io import do_import_rsvps

    run_import(do_import_rsvps, file, update, json_out)


@import_app.command("attendance")
def import_attendance(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import who came to which event, all or nothing (a sign-in sheet for one event:
    'groundswell events attendance').

    Columns: event, person (required), role, source, checked_in_at, brought_by."""
    from groundswell.actions.events_io import do_import_attendance_rows

    run_import(do_import_attendance_rows, file, update, json_out)


@import_app.command("pledges")
def import_pledges(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import pledges (as 'groundswell export' writes them), all or nothing.

    Columns: person, text (required), initiative, campaign (slugs already in the
    database), status (made|shared|done), made_at, shared_at, done_at."""
    from groundswell.actions.pledges_io import do_import_pledges

    run_import(do_import_pledges, file, update, json_out)


@import_app.command("memberships")
def import_memberships(
    file: Path = FILE_ARGUMENT, update: bool = UPDATE_OPTION, json_out: bool = JSON_OPTION
) -> None:
    """Import who belongs to which initiative, all or nothing.

    Columns: initiative (its slug), person (required), role
    (member|host|leader|sponsor), joined_on, left_on (YYYY-MM-DD)."""
    from groundswell.actions.pledges_io import do_import_memberships

    run_import(do_import_memberships, file, update, json_out)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", help="csv files or one JSON."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Folder to write into (CSV default: ./groundswell-export; JSON default: stdout).",
    ),
    force: bool = FORCE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Export people, ties and recruitment in the layout 'groundswell import' reads.

    With --format json and no --out the export itself is the JSON on stdout;
    otherwise --json prints what was written (files and counts).
    """
    with opened_app() as instance:
        if fmt is ExportFormat.json and out is None:
            print_json(export_document(instance))
            return
        folder = out if out is not None else Path("groundswell-export")
        summary = do_export(instance, folder, fmt=fmt.value, overwrite=force)
    if json_out:
        print_json(asdict(summary))
        return
    counts = ", ".join(f"{n} {name}" for name, n in summary.counts.items())
    say(f"Exported {counts} to {', '.join(summary.files)}.")
