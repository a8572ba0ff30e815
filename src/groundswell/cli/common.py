"""Shared helpers for CLI commands: the app, JSON output and progress bars."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from groundswell.app import App

console = Console(highlight=False)
JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON on stdout.")


def build_app() -> App:
    # Imported on use: the database stack is not needed for --help or pure commands.
    from groundswell.app import App

    return App.build()


def print_json(payload: Any) -> None:
    """Machine-readable output: one JSON document on stdout, nothing else."""
    print(json.dumps(payload, default=str))
