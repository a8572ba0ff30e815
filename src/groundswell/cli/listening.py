"""``groundswell listening ...``: listening events, their hosts and notes, imported comments."""

from __future__ import annotations

from pathlib import Path

import typer

from groundswell.actions.audit import operator
from groundswell.actions.listening import (
    ListeningDetails,
    do_add_host,
    do_add_tables,
    do_create_listening,
    list_listening,
    listening_view,
    parse_day,
)
from groundswell.actions.listening_comments import (
    comment_counts,
    do_review_comment,
    held_comments,
)
from groundswell.actions.listening_imports import (
    ImportedTexts,
    do_import_comments,
    do_import_notes,
)
from groundswell.actions.listening_notes import do_review_note, event_notes
from groundswell.cli.database import opened_app
from groundswell.cli.listening_themes import themes_app
from groundswell.cli.main import app
from groundswell.cli.options import FILE_ARGUMENT, JSON_OPTION
from groundswell.cli.output import print_json, say

listening_app = typer.Typer(
    help="Listening events: set one up, its tables and hosts, harvest notes, imported comments.",
    no_args_is_help=True,
)
app.add_typer(listening_app, name="listening")
listening_app.add_typer(themes_app, name="themes")

SLUG_ARGUMENT = typer.Argument(..., help="The listening event's slug.")
RELEASE_OPTION = typer.Option([], "--release", help="Show this held one (repeat for more).")
REJECT_OPTION = typer.Option([], "--reject", help="Reject this held one (repeat for more).")


@listening_app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short name for its address, e.g. moving-more-may."),
    title: str = typer.Option(..., "--title", help="Title shown to hosts and organisers."),
    question: str = typer.Option(..., "--question", help="The question people talk about."),
    prompt: list[str] = typer.Option([], "--prompt", help="An extra prompt (repeat for more)."),
    event: str | None = typer.Option(None, "--event", help="The slug of the event it is part of."),
    table: list[str] = typer.Option([], "--table", help="A table or session (repeat for more)."),
    town: str | None = typer.Option(None, "--town", help="Town it is held in."),
    held_on: str | None = typer.Option(None, "--date", help="The day it is held, YYYY-MM-DD."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Set up a listening event with its question and tables; hosts add notes at
    /listening/SLUG/notes."""
    details = ListeningDetails(
        title=title,
        question=question,
        questions=prompt,
        event=event or "",
        town=town or "",
        held_on=parse_day(held_on or "", "--date"),
    )
    with opened_app() as instance:
        made = do_create_listening(instance, slug, details, tables=table, actor=operator())
        with instance.reading() as session:
            view = listening_view(session, made)
    if json_out:
        print_json(view.to_dict())
    else:
        tables = ", ".join(t.name for t in view.tables) or "no tables yet"
        say(f"Created listening event {made} ({view.title}): {tables}.")


@listening_app.command("list")
def list_(json_out: bool = JSON_OPTION) -> None:
    """Listening events, latest first."""
    with opened_app() as instance, instance.reading() as session:
        views = list_listening(session, None, operator=True)
    if json_out:
        print_json([v.to_dict() for v in views])
        return
    for v in views:
        day = v.held_on.isoformat() if v.held_on else "undated"
        say(f"{v.slug}\t{day}\t{v.status}\t{len(v.tables)} tables\t{v.title}")


@listening_app.command("tables")
def tables(
    slug: str = SLUG_ARGUMENT,
    add: list[str] = typer.Option([], "--add", help="A table or session to add (repeat)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Add tables or sessions to a listening event, and list them."""
    with opened_app() as instance:
        if add:
            do_add_tables(instance, slug, add, actor=operator())
        with instance.reading() as session:
            view = listening_view(session, slug)
    if json_out:
        print_json({"slug": slug, "tables": [t.name for t in view.tables]})
    else:
        say(f"{slug}: " + (", ".join(t.name for t in view.tables) or "no tables"))


@listening_app.command("hosts")
def hosts(
    slug: str = SLUG_ARGUMENT,
    add: list[str] = typer.Option([], "--add", help="A host's account email (repeat for more)."),
    table: str | None = typer.Option(None, "--table", help="The table they host."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Let accounts add notes to a listening event (at a table), and list its hosts."""
    with opened_app() as instance:
        for email in add:
            do_add_host(instance, slug, email, table=table, actor=operator())
        with instance.reading() as session:
            view = listening_view(session, slug)
    rows = [{"email": h.email, "name": h.display_name, "table": h.table} for h in view.hosts]
    if json_out:
        print_json({"slug": slug, "hosts": rows})
        return
    say(f"{slug}: {len(rows)} hosts")
    for h in view.hosts:
        say(f"  {h.email}\t{h.display_name}\t{h.table or 'any table'}")


@listening_app.command("notes")
def notes(slug: str = SLUG_ARGUMENT, json_out: bool = JSON_OPTION) -> None:
    """The notes shown, by table, and how many are held for review or rejected."""
    with opened_app() as instance:
        found = event_notes(instance, slug, actor=operator())
    if json_out:
        print_json({"slug": slug, **found.to_dict()})
        return
    for name, shown in found.by_table:
        say(f"{name}: {len(shown)} notes")
        for note in shown:
            say(f"  [{note.id}] {note.text}")
    say(f"{found.visible} shown, {len(found.pending)} held for review, {found.rejected} rejected.")


@listening_app.command("review")
def review(
    slug: str = SLUG_ARGUMENT,
    release: list[int] = RELEASE_OPTION,
    reject: list[int] = REJECT_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Notes held by the personal-data check, with why; --release or --reject them by number."""
    with opened_app() as instance:
        for note_id in release:
            do_review_note(instance, slug, note_id, "release", actor=operator())
        for note_id in reject:
            do_review_note(instance, slug, note_id, "reject", actor=operator())
        held = event_notes(instance, slug, actor=operator()).pending
    if json_out:
        print_json({"slug": slug, "pending": [n.to_dict() for n in held]})
        return
    say(f"{slug}: {len(held)} notes held for review")
    for note in held:
        where = note.table or "no table"
        say(f"  [{note.id}] {where}: {note.text}  (seems to contain {note.reason})")


def _summary(what: str, summary: ImportedTexts, json_out: bool) -> None:
    if json_out:
        print_json(summary.to_dict())
        return
    for warning in summary.warnings:
        say(f"warning: {warning}")
    extra = ""
    if summary.already or summary.empty:
        extra = f"; {summary.already} already imported, {summary.empty} without text"
    say(
        f"{summary.path}: {summary.visible + summary.held} {what} imported, "
        f"{summary.held} held for review{extra}."
    )
    for line in summary.held_lines:
        say(f"  held: {line}")


@listening_app.command("import-notes")
def import_notes(
    slug: str = SLUG_ARGUMENT, file: Path = FILE_ARGUMENT, json_out: bool = JSON_OPTION
) -> None:
    """Import typed-up notes: columns text, and optional table and town; all or nothing."""
    with opened_app() as instance:
        summary = do_import_notes(instance, slug, file, actor=operator())
    _summary("notes", summary, json_out)


@listening_app.command("import-comments")
def import_comments(
    file: Path = FILE_ARGUMENT,
    source: str = typer.Option(..., "--source", help="A short label for the channel, e.g. fft."),
    text_column: str = typer.Option(..., "--text-column", help="The column of comments."),
    id_column: str | None = typer.Option(None, "--id-column", help="A column of unique ids."),
    town_column: str | None = typer.Option(None, "--town-column", help="A column of towns."),
    date_column: str | None = typer.Option(None, "--date-column", help="A column of dates."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Import comments from another channel (e.g. Friends and Family Test answers); all or
    nothing, ids already imported are skipped."""
    with opened_app() as instance:
        summary = do_import_comments(
            instance,
            file,
            source=source,
            text_column=text_column,
            id_column=id_column,
            town_column=town_column,
            date_column=date_column,
            actor=operator(),
        )
    _summary("comments", summary, json_out)


@listening_app.command("comments")
def comments(
    source: str | None = typer.Option(None, "--source", help="Only this channel."),
    release: list[int] = RELEASE_OPTION,
    reject: list[int] = REJECT_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Imported comments by channel, and those held by the personal-data check, with why."""
    with opened_app() as instance:
        for comment_id in release:
            do_review_comment(instance, comment_id, "release", actor=operator())
        for comment_id in reject:
            do_review_comment(instance, comment_id, "reject", actor=operator())
        held, waiting = held_comments(instance, source=source, actor=operator())
        counts = comment_counts(instance)
    if json_out:
        print_json({"counts": counts, "held": [c.to_dict() for c in held], "waiting": waiting})
        return
    for label, by_status in counts.items():
        say(f"{label}: " + ", ".join(f"{n} {status}" for status, n in by_status.items()))
    say(f"{waiting} comments held for review")
    for c in held:
        say(f"  [{c.id}] {c.source}: {c.text}  (seems to contain {c.reason})")
