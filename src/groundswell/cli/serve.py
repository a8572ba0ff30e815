"""``groundswell serve``: the web app on uvicorn, after checking the database is ready."""

from __future__ import annotations

import typer

from groundswell.cli.database import build_app, require_ready
from groundswell.cli.main import app
from groundswell.cli.output import console
from groundswell.errors import ConfigError

WEB_FACTORY = "groundswell.web:serve_app"


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1, min=1, max=64, help="Server processes (PostgreSQL only; about one per core)."
    ),
) -> None:
    """Run the web app: pages, JSON API (/api/v1) and health check (/healthz)."""
    import uvicorn

    gs = build_app()
    try:
        require_ready(gs)
        log_level = gs.settings.log_level
        if workers > 1 and gs.is_sqlite:
            raise ConfigError(
                "SQLite takes one writer at a time: serve it with --workers 1, "
                "or set GROUNDSWELL_DATABASE_URL to PostgreSQL for more processes"
            )
    finally:
        gs.close()
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Groundswell is running at http://{shown}:{port}", markup=False)
    console.print(
        "It answers once each server process has loaded the kernels (seconds; a minute "
        "if they were never compiled: groundswell warm). Press Ctrl+C to stop.",
        markup=False,
    )
    # The web app is named, not imported: cli and web are sibling layers, and the
    # factory builds its own App from the same environment.
    uvicorn.run(
        WEB_FACTORY, factory=True, host=host, port=port, log_level=log_level, workers=workers
    )
