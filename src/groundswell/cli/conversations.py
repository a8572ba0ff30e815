"""``groundswell conversations``: analyse a Pol.is export; import, export and report from the store.

* ``analyse DIR``: the math on a Pol.is export folder, without the database;
* ``import DIR``: a Pol.is export folder into the database as a new conversation;
* ``export SLUG DIR``: a conversation back out in the Pol.is export format;
* ``report SLUG [--csv FILE] [--json]``: groups, representative statements,
  consensus and divisive statements of a conversation in the database;
* ``close SLUG`` and ``link SLUG INITIATIVE``: what the moderation queue's
  forms do (the same actions, audited under the operator's name).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import console, print_json
from groundswell.csvsafe import write_private
from groundswell.wording import plural

if TYPE_CHECKING:
    from groundswell.app import App

conversations_app = typer.Typer(
    help="Opinion groups, representative statements and consensus from votes.",
    no_args_is_help=True,
)
app.add_typer(conversations_app, name="conversations")


@conversations_app.command("analyse")
def analyse_export(
    folder: Path = typer.Argument(
        ..., metavar="POLIS_EXPORT_DIR", help="Folder with votes.csv (and comments.csv)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same groups)."),
    max_groups: int = typer.Option(5, "--max-groups", help="Largest number of groups tried."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Groups, representative statements and consensus of a Pol.is export folder.

    Moderated-out comments (moderated = -1 in comments.csv) are left out of the
    math. "seconds" is the recompute time alone, without reading the files.
    """
    from groundswell.conversations import Options, analyse, read_export
    from groundswell.conversations.pipeline import warm_up

    export = read_export(folder)
    matrix = export.matrix()
    warm_up()  # compiled-kernel loading is not part of the recompute time
    result = analyse(
        matrix,
        moderated_out=export.moderated_out,
        meta=export.meta,
        seed=seed,
        options=Options(max_groups=max_groups),
    )
    summary = result.summary()
    if json_out:
        print_json(summary)
        return
    texts = {c.tid: c.text for c in export.comments}
    _show(summary, texts, export.summary.get("topic", folder.name))


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(summary: dict[str, Any], texts: dict[Hashable, str], title: str) -> None:
    console.print(
        f"[bold]{title}[/bold]: {summary['n_participants']} participants "
        f"({summary['n_in_conversation']} grouped), {summary['n_statements']} statements, "
        f"{summary['n_votes']} votes; {len(summary['groups'])} groups "
        f"in {summary['seconds']:.3f} s"
    )
    for group in summary["groups"]:
        size = plural(group["size"], "person", "people")
        table = Table(title=f"Group {group['id']} ({size})", title_justify="left")
        table.add_column("statement", justify="right")
        table.add_column("side")
        table.add_column("in group", justify="right")
        table.add_column("text")
        for r in group["repness"]:
            share = f"{r['n_success']}/{r['n_trials']}"
            table.add_row(str(r["tid"]), r["direction"], share, _short(texts.get(r["tid"], "")))
        console.print(table)
    for side in ("agree", "disagree"):
        tids = summary["consensus"][side]
        table = Table(title=f"Most people {side}", title_justify="left")
        table.add_column("statement", justify="right")
        table.add_column("text")
        for tid in tids:
            table.add_row(str(tid), _short(texts.get(tid, "")))
        console.print(table if tids else f"Most people {side}: none")
    if summary["divisive"]:
        console.print("Divisive: " + ", ".join(str(t) for t in summary["divisive"]))


@contextmanager
def _database() -> Iterator[App]:
    from groundswell.cli.database import build_app

    instance = build_app()
    try:
        yield instance
    finally:
        instance.close()


@conversations_app.command("import")
def import_export(
    folder: Path = typer.Argument(
        ..., metavar="POLIS_EXPORT_DIR", help="Folder with votes.csv and comments.csv."
    ),
    slug: str | None = typer.Option(None, "--slug", help="Address name (default: folder name)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Import a Pol.is export folder into the database as a new conversation (all or nothing)."""
    from groundswell.actions.conversation_polis import do_import_polis
    from groundswell.actions.conversation_report import report

    with _database() as gs:
        started = time.perf_counter()
        conv = do_import_polis(gs, folder, slug=slug)
        seconds = time.perf_counter() - started
        r = report(gs, conv.slug)
    n_statements = len(r.statements)
    payload = {"slug": conv.slug, "participants": r.n_participants, "statements": n_statements,
               "votes": r.n_votes, "seconds": round(seconds, 3)}  # fmt: skip
    if json_out:
        print_json(payload)
        return
    console.print(
        f"Imported '{conv.topic}' as {conv.slug}: {r.n_participants} participants, "
        f"{n_statements} statements, {r.n_votes} votes in {seconds:.1f} s",
        markup=False,
        soft_wrap=True,
    )


@conversations_app.command("export")
def export_conversation(
    slug: str = typer.Argument(..., help="The conversation's address name."),
    folder: Path = typer.Argument(..., metavar="OUT_DIR", help="Folder to write the files to."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Write a conversation as a Pol.is export folder (comments, votes, participants, summary)."""
    from groundswell.actions.conversation_polis import export_polis

    with _database() as gs:
        paths = export_polis(gs, slug, folder)
    if json_out:
        print_json({"slug": slug, "files": [str(p) for p in paths]})
        return
    console.print(
        f"Wrote {', '.join(p.name for p in paths)} to {folder}", markup=False, soft_wrap=True
    )


@conversations_app.command("report")
def report_conversation(
    slug: str = typer.Argument(..., help="The conversation's address name."),
    csv_out: Path | None = typer.Option(
        None, "--csv", help="Also write one row per statement to this CSV file."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """What we heard: groups, their representative statements, common ground and division."""
    from groundswell.actions.conversation_report import report, report_csv
    from groundswell.measures.suppression import MIN_CELL

    with _database() as gs:
        r = report(gs, slug)
    if csv_out is not None:
        write_private(csv_out, report_csv(r))
    if json_out:
        print_json(r.to_dict())
        return
    c = r.conversation
    console.print(f"[bold]{escape(c.topic)}[/bold]: {escape(c.question)}", soft_wrap=True)
    console.print(
        f"{plural(r.n_participants, 'participant')}, {plural(len(r.statements), 'statement')}, "
        f"{plural(r.n_votes, 'vote')}; {plural(len(r.groups), 'group')}"
        + (
            f" (fewer than {MIN_CELL} people in groups too small to show)"
            if r.in_small_groups is None
            else f" ({plural(r.in_small_groups, 'person', 'people')} in groups too small to show)"
            if r.in_small_groups
            else ""
        )
    )
    for group in r.groups:
        if group.get("reason") is not None:
            console.print(
                f"Group {group['label']} ({plural(group['size'], 'person', 'people')}): how it "
                f"voted is not shown, as fewer than {MIN_CELL} people are outside the groups "
                "shown and subtraction would give their votes away",
                soft_wrap=True,
            )
            continue
        table = Table(
            title=f"Group {group['label']} ({plural(group['size'], 'person', 'people')})",
            title_justify="left",
        )
        table.add_column("statement", justify="right")
        table.add_column("side")
        table.add_column("share", justify="right")
        table.add_column("text")
        for s in group["statements"]:
            table.add_row(str(s["tid"]), s["direction"], f"{s['pct']}%", _short(s["text"]))
        console.print(table)
    # Common ground says which way most people went (agreed or disagreed) and how many.
    if r.consensus:
        table = Table(title="Common ground", title_justify="left")
        table.add_column("statement", justify="right")
        table.add_column("most people")
        table.add_column("share", justify="right")
        table.add_column("text")
        for s in r.consensus:
            share = "-" if s["pct"] is None else f"{s['pct']}%"
            table.add_row(str(s["tid"]), f"{s['direction']}d", share, _short(s["text"]))
        console.print(table)
    else:
        console.print("Common ground: none")
    if r.divisive:
        table = Table(title="Divisive", title_justify="left")
        table.add_column("statement", justify="right")
        table.add_column("text")
        for s in r.divisive:
            table.add_row(str(s["tid"]), _short(s["text"]))
        console.print(table)
    else:
        console.print("Divisive: none")
    if csv_out is not None:
        console.print(f"Wrote {csv_out}", markup=False, soft_wrap=True)


@conversations_app.command("close")
def close(
    slug: str = typer.Argument(..., help="The conversation's short name."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Close a conversation: no more votes or statements; its report stays."""
    from groundswell.actions.conversation_admin import do_close_conversation
    from groundswell.cli.database import opened_app

    with opened_app() as instance:
        closed = do_close_conversation(instance, slug)
    if json_out:
        print_json({"slug": closed.slug, "open": closed.open})
    else:
        console.print(f"Closed {closed.slug}.", markup=False, soft_wrap=True)


@conversations_app.command("link")
def link(
    slug: str = typer.Argument(..., help="The conversation's short name."),
    initiative: str = typer.Argument(..., help="The initiative's short name; '-' for none."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Make a conversation part of an initiative, so its moderators find the queue."""
    from groundswell.actions.conversation_admin import do_link_conversation
    from groundswell.cli.database import opened_app

    wanted = None if initiative == "-" else initiative
    with opened_app() as instance:
        linked = do_link_conversation(instance, slug, wanted)
    if json_out:
        print_json({"slug": linked.slug, "initiative": wanted})
    else:
        where = f"part of {wanted}" if wanted else "part of no initiative"
        console.print(f"{linked.slug} is now {where}.", markup=False, soft_wrap=True)
