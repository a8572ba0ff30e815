"""groundswell data commands."""

from groundswell.cli.main import app  # noqa: F401
