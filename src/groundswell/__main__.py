"""``python -m groundswell``: the same as the ``groundswell`` command."""

from groundswell.cli.main import run

run()
