"""The ``groundswell`` command. All error -> exit-code mapping happens in ``main``."""

from __future__ import annotations

import os
import sys

import click
import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

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


def _register() -> None:
    # Each command group lives in its own module and registers itself on `app`.
    from groundswell.cli import campaigns, conversations, data, demo, measures, seeds, serve, spread  # noqa: F401
    from groundswell.cli import users  # noqa: F401
    from groundswell.cli import backup, privacy  # noqa: F401
    from groundswell.cli import roles  # noqa: F401
    from groundswell.cli import stories  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status; bad input is one line on stderr."""
    _register()
    try:
        app(args=argv, standalone_mode=False, prog_name="groundswell")
    except GroundswellError as exc:
        return _fail(exc.message, exc.exit_code)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return _fail(f"database unavailable: {reason}", ExitStatus.DATABASE)
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
        if os.environ.get("GROUNDSWELL_LOG_LEVEL", "").lower() == "debug":
            raise
        return _fail(
            f"internal error ({type(exc).__name__}: {exc}); "
            "rerun with GROUNDSWELL_LOG_LEVEL=debug for details",
            ExitStatus.ERROR,
        )
    return 0


def _fail(message: str, code: int) -> int:
    err_console.print(f"groundswell: error: {message}", markup=False)
    return int(code)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
