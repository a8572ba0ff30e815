"""The top-level command: help without imports, and one line per command that matches it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import typer

from groundswell.cli import main as cli


def test_summary_lines_are_each_commands_own_help() -> None:
    for name in cli.COMMANDS:
        cli._register(name)
    real: Any = typer.main.get_command(cli.app)  # Typer's own copy of click's Group
    summary = cli.summary_group()
    assert list(summary.commands) == list(cli.COMMANDS)
    assert set(summary.commands) == set(real.commands)
    for name, command in summary.commands.items():
        own = real.commands[name]
        assert command.get_short_help_str() == own.get_short_help_str(), name


def test_help_lists_every_command_without_importing_them() -> None:
    probe = (
        "import sys\n"
        "from groundswell.cli.main import main\n"
        "code = main(['--help'])\n"
        "heavy = [m for m in ('sqlalchemy', 'numba', 'fastapi', 'scipy') if m in sys.modules]\n"
        "print('HEAVY', heavy, code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY [] 0" in out
    for name in cli.COMMANDS:
        assert f"\n  {name} " in out


def test_unknown_command_is_a_usage_error(capsys) -> None:
    assert cli.main(["bogus"]) == 2
    assert "No such command 'bogus'" in capsys.readouterr().err


def test_no_command_shows_the_list(capsys) -> None:
    assert cli.main([]) == 2
    captured = capsys.readouterr()
    assert "Commands:" in captured.out + captured.err


def test_every_command_that_reports_takes_json() -> None:
    """README: every command takes --json, except the two that only run (serve, warm)."""
    for name in cli.COMMANDS:
        cli._register(name)
    missing = []

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])
        if not getattr(command, "commands", None):
            options = {o for p in command.params for o in getattr(p, "opts", [])}
            if "--json" not in options and path not in (["serve"], ["warm"]):
                missing.append(" ".join(path))

    walk(typer.main.get_command(cli.app), [])
    assert missing == []
