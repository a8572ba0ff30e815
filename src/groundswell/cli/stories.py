"""``groundswell stories``: the personal-data check, and the story bank from the command line."""

from __future__ import annotations

import sys

import typer

from groundswell.cli.common import console, print_json
from groundswell.cli.main import app
from groundswell.errors import InvalidInput
from groundswell.stories import detect

stories_app = typer.Typer(
    help="Story bank: personal-data check, moderation and training packs.",
    no_args_is_help=True,
)
app.add_typer(stories_app, name="stories")

JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON on stdout.")


@stories_app.command("check-text")
def check_text(
    text: str = typer.Argument(..., help="The text to check; '-' reads it from stdin."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Flag names, NHS numbers, phones, emails, postcodes and dates of birth in TEXT.

    The same check runs on every story before it may leave 'private'."""
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise InvalidInput("the text is empty; give the story text to check, or '-' to read stdin")
    flags = detect(text)
    if json_out:
        print_json({"flags": [f.to_dict() for f in flags]})
        return
    if not flags:
        console.print("no personal data found", markup=False)
        return
    for f in flags:
        console.print(f"{f.kind:14s} {f.start:>5d}-{f.end:<5d} {f.text}", markup=False)
