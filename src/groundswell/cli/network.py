"""``groundswell network export``: the network as GraphML or GEXF, for Gephi and Kumu.

The same export as the Network page's (``/network/export.graphml|gexf``):
people by ref with their community, role and whether the 3% question
chooses them, ties with their kinds, origins and weight; no names. The
export is audited under the operating-system user running the command.
"""

from __future__ import annotations

from pathlib import Path

import typer

from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import print_json, say
from groundswell.errors import InvalidInput

network_app = typer.Typer(
    help="The network picture's data for Gephi or Kumu: export GraphML or GEXF.",
    no_args_is_help=True,
)
app.add_typer(network_app, name="network")


@network_app.command("export")
def export(
    fmt: str = typer.Option("graphml", "--format", help="graphml or gexf."),
    out: Path = typer.Option(..., "--out", help="The file to write (replaced if it exists)."),
    tie_kind: list[str] | None = typer.Option(
        None, "--tie-kind", help="Only ties of this kind (repeatable; default every kind)."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Write the people and ties with community, role and seed attributes."""
    from groundswell.actions.audit import operator
    from groundswell.actions.network_export import FORMATS, export_network

    if fmt not in FORMATS:
        raise InvalidInput(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    with opened_app() as instance:
        body = export_network(instance, fmt, actor=operator(), tie_kinds=tie_kind or None)
    try:
        out.write_bytes(body)
    except OSError as exc:
        problem = f"{out}: cannot write the file ({exc.strerror}); choose another --out"
        raise InvalidInput(problem) from None
    if json_out:
        print_json({"format": fmt, "out": str(out), "bytes": len(body)})
    else:
        say(f"Wrote the network as {fmt.upper()} to {out} ({len(body):,} bytes).")
