"""The ``groundswell`` command. All error -> exit-code mapping happens in ``main``."""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click
import typer
from rich.console import Console

from groundswell.errors import ExitStatus, GroundswellError

app = typer.Typer(
    name="groundswell",
    help="Grow, run and measure a health and care social movement.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@app.callback()
def _group() -> None:
    """Grow, run and measure a health and care social movement."""
    # A callback keeps `groundswell` a command group even when only one
    # command module is loaded (Typer would otherwise run that command bare).


# Each top-level command: the module that registers it, and its one-line help.
# Only the module for the command being run is imported, so `groundswell import
# ...` does not pay for numba, scipy or the web stack. Help, no command and an
# unknown command import none of them (they take ~2 s): the list below is
# printed instead, and a test checks every line against the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "data",
        "Create the database named by GROUNDSWELL_DATABASE_URL, or upgrade it; print where it is.",
    ),
    "db": ("data", "Check or upgrade the database schema."),
    "import": (
        "data",
        "Import people, ties and recruitment from CSV files (all or nothing).",
    ),
    "export": (
        "data",
        "Export people, ties and recruitment in the layout 'groundswell import' reads.",
    ),
    "demo": (
        "demo",
        "Build a synthetic Morecambe Bay movement: people, ties, initiatives, votes, logs.",
    ),
    "serve": (
        "serve",
        "Run the web app: pages, JSON API (/api/v1) and health check (/healthz).",
    ),
    "spread": (
        "spread",
        "Simulate how far adoption spreads from the seeds, with a 95% confidence interval.",
    ),
    "seeds": (
        "seeds",
        "Find the fewest people who reach --target of everyone, or the best --k people.",
    ),
    "roles": (
        "roles",
        "Find lone wolves, mobilisers, organisers and connectors; report movement indicators.",
    ),
    "network": ("network", "The network picture's data for Gephi or Kumu: export GraphML or GEXF."),
    "conversations": (
        "conversations",
        "Opinion groups, representative statements and consensus from votes.",
    ),
    "themes": (
        "themes",
        "Themes in free text: keywords, sizes and representative comments.",
    ),
    "measures": (
        "measures",
        "Score wellbeing instruments (SWEMWBS, ONS4), import answers, issue survey links, "
        "report change.",
    ),
    "campaigns": (
        "campaigns",
        "Challenges such as a mile a day: create, log days, import CSV or GPX, report.",
    ),
    "stories": ("stories", "Story bank: personal-data check, moderation and training packs."),
    "listening": (
        "listening",
        "Listening events: set one up, its tables and hosts, harvest notes, imported comments.",
    ),
    "events": (
        "events",
        "Events: create one, list them, import a sign-in sheet, rebuild attendance ties.",
    ),
    "surveys": (
        "surveys",
        "Relationship surveys: who people talk to, by personal link; links, answers, names.",
    ),
    "users": ("users", "Accounts: create users, grant and revoke roles, list them."),
    "people": ("people", "People: their personal join links."),
    "pledges": ("pledges", "Pledges: make one for a person, share it, mark it done, list them."),
    "initiatives": ("initiatives", "Initiatives' members: a person joins or leaves."),
    "privacy": (
        "privacy",
        "Consent registry, subject access exports, erasure and pseudonymised exports.",
    ),
    "warm": ("warm", "Compile the kernels once, so the first command or page answers at once."),
    "backup": (
        "backup",
        "Back up the database to FILE (SQLite: online backup; PostgreSQL: pg_dump -Fc).",
    ),
    "restore": (
        "backup",
        "Replace the database's contents with a backup, once it is checked in a scratch copy.",
    ),
    "worker": (
        "worker",
        "Send due email and run scheduled jobs (digests, reminders, closing, purges).",
    ),
    "outbox": ("worker", "The outbox: list messages, retry a dead one."),
}


def _command_of(argv: list[str] | None) -> str | None:
    """The first word of ``argv`` that is not an option: the command asked for."""
    args = sys.argv[1:] if argv is None else argv
    return next((a for a in args if not a.startswith("-")), None)


def _known(name: str | None) -> bool:
    return name in COMMANDS or any(c.name == name for c in app.registered_commands)


def _register(name: str) -> None:
    """Import the module that registers command ``name`` on ``app``."""
    import_module(f"groundswell.cli.{COMMANDS[name][0]}")


class _InOrder(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # the order of COMMANDS, not alphabetical


def summary_group() -> click.Group:
    """The top-level commands with their one-line help, importing none of them."""
    group = _InOrder("groundswell", help=_group.__doc__, no_args_is_help=True)
    for name, (_, line) in COMMANDS.items():
        group.add_command(click.Command(name, help=line))
    return group


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status; bad input is one line on stderr."""
    name = _command_of(argv)
    if name in COMMANDS:
        _register(name)
    try:
        if not _known(name):  # help, no command or an unknown one: the list, without imports
            summary_group().main(args=argv, standalone_mode=False, prog_name="groundswell")
        else:
            app(args=argv, standalone_mode=False, prog_name="groundswell")
    except GroundswellError as exc:
        return _fail(exc.message, exc.exit_code)
    except (click.exceptions.Exit, typer.Exit) as exc:
        return exc.exit_code
    except (click.ClickException, typer.TyperException) as exc:
        # Typer >= 0.20 raises its own copy of click's exceptions (typer._click).
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            _fail(str(exc), ExitStatus.USAGE)
        return int(ExitStatus.USAGE)
    except (click.exceptions.Abort, typer.Abort, KeyboardInterrupt):
        return _fail("interrupted", ExitStatus.ERROR)
    except Exception as exc:
        if _is_database_unavailable(exc):
            orig = getattr(exc, "orig", None)
            reason = str(orig).strip().splitlines()[0] if orig else str(exc)
            return _fail(f"database unavailable: {reason}", ExitStatus.DATABASE)
        if os.environ.get("GROUNDSWELL_LOG_LEVEL", "").lower() == "debug":
            raise
        return _fail(
            f"internal error ({type(exc).__name__}: {exc}); "
            "rerun with GROUNDSWELL_LOG_LEVEL=debug for details",
            ExitStatus.ERROR,
        )
    return 0


def _is_database_unavailable(exc: Exception) -> bool:
    # Imported here, not at the top: SQLAlchemy is slow to import and --help needs none of it.
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError)


def _fail(message: str, code: int) -> int:
    err_console.print(f"groundswell: error: {message}", markup=False)
    return int(code)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
