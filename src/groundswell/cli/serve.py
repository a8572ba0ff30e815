"""``groundswell serve``: the web app on uvicorn, after checking the database is ready."""

from __future__ import annotations

from pathlib import Path

import typer

from groundswell.app import App
from groundswell.cli.common import build_app, console
from groundswell.cli.main import app
from groundswell.errors import ConfigError, DatabaseError
from groundswell.store import migrate

WEB_FACTORY = "groundswell.web:serve_app"


def check_database(gs: App) -> None:
    """Refuse to serve a database that is missing or behind the code's schema."""
    database = gs.engine.url.database
    # Checked first so serving never creates an empty SQLite file as a side effect.
    if gs.is_sqlite and database and database != ":memory:" and not Path(database).exists():
        raise DatabaseError(f"there is no database at {database}; run groundswell init")
    current, head = migrate.current_revision(gs.engine), migrate.head_revision(gs.engine)
    if current != head:
        state = "has no Groundswell tables" if current is None else f"is at revision {current}"
        raise DatabaseError(
            f"database {gs.database_url} {state}, this version needs revision {head}; "
            "run groundswell init"
        )


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
        check_database(gs)
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
