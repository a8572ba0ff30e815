"""What commands print: the console, one JSON document, one plain line."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

console = Console(highlight=False)


def print_json(payload: Any) -> None:
    """Machine-readable output: one JSON document on stdout, nothing else."""
    print(json.dumps(payload, default=str))


def say(message: str) -> None:
    # soft_wrap: paths and URLs must stay whole on one line for scripts and copy-paste.
    console.print(message, markup=False, soft_wrap=True)
