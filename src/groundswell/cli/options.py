"""Options and arguments that several commands take, declared once so they read the same."""

from __future__ import annotations

import typer

JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON on stdout.")
UPDATE_OPTION = typer.Option(
    False, "--update", help="Change records already in the database instead of refusing."
)
FILE_ARGUMENT = typer.Argument(..., metavar="FILE.csv", help="CSV file (UTF-8) with a header line.")
