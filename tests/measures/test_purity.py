"""The measures and campaigns engines stay pure: no database, web, CLI or cluster imports."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "sqlalchemy", "fastapi", "typer", "dask", "distributed",
    "groundswell.store", "groundswell.actions", "groundswell.app", "groundswell.web",
    "groundswell.cli",
)  # fmt: skip


def test_engines_import_nothing_impure() -> None:
    code = (
        "import sys, groundswell.measures, groundswell.campaigns\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} "
        f"or any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r}))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
