"""groundswell spread command."""

from groundswell.cli.main import app  # noqa: F401
