"""Options several commands take are declared once (cli.options) and read the same everywhere."""

from __future__ import annotations

import importlib
from typing import Any

import typer

from groundswell.cli import options
from groundswell.cli.main import COMMANDS, app

SHARED = {
    "--json": options.JSON_OPTION,
    "--update": options.UPDATE_OPTION,
    "--actor": options.ACTOR_OPTION,
    "--model": options.MODEL_OPTION,
    "--p": options.P_OPTION,
    "--threshold": options.THRESHOLD_OPTION,
    "--fraction": options.FRACTION_OPTION,
    "--recovery": options.RECOVERY_OPTION,
    "--max-steps": options.MAX_STEPS_OPTION,
    "--directed": options.DIRECTED_OPTION,
}


def _every_command() -> list[tuple[str, Any]]:
    for module in {m for m, _ in COMMANDS.values()}:
        importlib.import_module(f"groundswell.cli.{module}")
    found: list[tuple[str, Any]] = []

    # Typer >= 0.20 builds on its own copy of click: groups and options are told by shape.
    def walk(name: str, command: Any) -> None:
        found.append((name, command))
        if hasattr(command, "commands"):
            for sub, child in command.commands.items():
                walk(f"{name} {sub}", child)

    walk("groundswell", typer.main.get_command(app))
    return found


def test_a_shared_option_has_the_same_help_in_every_command() -> None:
    seen: dict[str, int] = {}
    for name, command in _every_command():
        for param in command.params:
            if param.param_type_name != "option":
                continue
            for flag in param.opts:
                if flag in SHARED:
                    seen[flag] = seen.get(flag, 0) + 1
                    assert param.help == SHARED[flag].help, f"{name} {flag}: use cli.options"
    # --json is on nearly every command; the model options on spread and seeds alike.
    assert seen["--json"] >= 20
    assert seen["--model"] >= 2 and seen["--directed"] >= 3
