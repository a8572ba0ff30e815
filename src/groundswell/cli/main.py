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


# Which module registers each top-level command. Only the module for the command
# being run is imported, so `groundswell import ...` does not pay for numba,
# scipy or the web stack; help and unknown commands load them all.
COMMAND_MODULES = {
    "init": "data",
    "db": "data",
    "import": "data",
    "export": "data",
    "demo": "demo",
    "serve": "serve",
    "spread": "spread",
    "seeds": "seeds",
    "roles": "roles",
    "conversations": "conversations",
    "measures": "measures",
    "campaigns": "campaigns",
    "stories": "stories",
    "users": "users",
    "privacy": "privacy",
    "backup": "backup",
    "restore": "backup",
}


def _register(argv: list[str] | None = None) -> None:
    """Import the command modules (each registers its commands on ``app``)."""
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    wanted = [COMMAND_MODULES[first]] if first in COMMAND_MODULES else COMMAND_MODULES.values()
    for module in dict.fromkeys(wanted):
        import_module(f"groundswell.cli.{module}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status; bad input is one line on stderr."""
    _register(argv)
    try:
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
