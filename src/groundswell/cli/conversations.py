"""``groundswell conversations analyse DIR``: Pol.is-class math on a Pol.is export."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from groundswell.cli.common import console, print_json
from groundswell.cli.main import app

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
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
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


def _show(summary: dict, texts: dict, title: str) -> None:
    console.print(
        f"[bold]{title}[/bold]: {summary['n_participants']} participants "
        f"({summary['n_in_conversation']} grouped), {summary['n_statements']} statements, "
        f"{summary['n_votes']} votes; {len(summary['groups'])} groups "
        f"in {summary['seconds']:.3f} s"
    )
    for group in summary["groups"]:
        table = Table(title=f"Group {group['id']} ({group['size']} people)", title_justify="left")
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
