"""``groundswell people join-links --out links.csv``: everyone's personal join link.

Each person's link (``/join/<code>`` on ``GROUNDSWELL_BASE_URL``) is made the
first time it is asked for, here or on their account page; whoever joins
through it becomes their recruit. The file names people: it is written with
the permissions of a private file (0600) and the export is audited.
"""

from __future__ import annotations

from pathlib import Path

import typer

from groundswell.actions.audit import operator
from groundswell.actions.join_links import do_export_join_links
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import ACTOR_OPTION, JSON_OPTION
from groundswell.cli.output import print_json, say

people_app = typer.Typer(help="People: their personal join links.", no_args_is_help=True)
app.add_typer(people_app, name="people")


@people_app.command("join-links")
def join_links(
    out: Path = typer.Option(..., "--out", help="The CSV file to write."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Write everyone's join link, and how many joined through it, to a CSV file."""
    with opened_app() as instance:
        rows = do_export_join_links(
            instance, out, base_url=instance.settings.base_url, actor=actor or operator(),
            overwrite=force,
        )  # fmt: skip
    if json_out:
        print_json({"out": str(out), "people": rows})
    else:
        say(f"Wrote {rows} {'person' if rows == 1 else 'people'}'s join links to {out}")
