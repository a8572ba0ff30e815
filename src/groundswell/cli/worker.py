"""``groundswell worker [--once]`` and ``groundswell outbox list|retry ID``: the outbox's commands.

The worker sends due email and runs due jobs: ``--once`` does what is due
and exits (for cron and the tests); without it, it polls until stopped
(SIGTERM or Ctrl-C end it after the batch in hand).
"""

from __future__ import annotations

import json
import signal
import time
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING

import typer

from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION

if TYPE_CHECKING:
    from groundswell.actions.worker import WorkerConfig
    from groundswell.app import App


outbox_app = typer.Typer(help="The outbox: list messages, retry a dead one.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


def _app() -> App:
    from groundswell.app import App

    return App.build()


def site_key(instance: App) -> bytes:
    """The site's signing key, the one the web app uses (``groundswell.web.auth.secret_key``):
    the setting, else ``secret.key`` in data_dir, made here (0600) if the web has not yet."""
    import os
    import secrets

    from groundswell.auth.tokens import SECRET_FILE_NAME

    if instance.settings.secret_key:
        return instance.settings.secret_key.encode("utf-8")
    path = instance.settings.data_dir / SECRET_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # the web app made it meanwhile
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def worker_config(instance: App, *, lease_seconds: float = 300.0, batch: int = 200) -> WorkerConfig:
    """The worker's settings: mail from the site's settings, jobs from actions.jobs."""
    from groundswell.actions.jobs import run_job
    from groundswell.actions.worker import WorkerConfig
    from groundswell.mail.compose import mail_config
    from groundswell.mail.transport import transport_for

    settings = instance.settings
    return WorkerConfig(
        mail=mail_config(settings, site_key(instance)),
        transport=transport_for(settings),
        per_second=settings.mail_per_second,
        attempts=settings.mail_attempts,
        lease=timedelta(seconds=lease_seconds),
        batch=batch,
        run_job=run_job,
    )


@app.command("worker")
def worker(
    once: bool = typer.Option(False, "--once", help="Do what is due now, then exit."),
    poll: float = typer.Option(5.0, "--poll", min=0.1, help="Seconds between looks for work."),
    lease: float = typer.Option(
        300.0,
        "--lease",
        min=1.0,
        help="Seconds a claimed batch is this worker's before "
        "another may resend it (a worker killed mid-batch).",
    ),
    batch: int = typer.Option(200, "--batch", min=1, max=10_000, help="Messages per claim."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send due email and run scheduled jobs (digests, reminders, closing, purges)."""
    from groundswell.actions.jobs import do_schedule
    from groundswell.actions.worker import Pass, run_once
    from groundswell.store.models import utcnow

    instance = _app()
    config = worker_config(instance, lease_seconds=lease, batch=batch)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    if not once:
        signal.signal(signal.SIGTERM, stop)
    total = Pass()
    try:
        while True:
            do_schedule(instance, utcnow())
            done = run_once(instance, config)
            total.add(done)
            if once or stopping:
                break
            deadline = time.monotonic() + poll
            while time.monotonic() < deadline and not stopping:
                time.sleep(min(0.2, poll))
            if stopping:
                break
    except KeyboardInterrupt:
        pass
    finally:
        instance.close()
    if as_json:
        print(json.dumps(total.as_dict()))
    else:
        typer.echo(
            f"sent {total.sent}, to retry {total.retried}, dead {total.dead}, "
            f"turned off {total.skipped}; jobs done {total.jobs_done}, failed {total.jobs_failed}"
        )
        for error in total.errors[:5]:
            typer.echo(f"  {error}", err=True)


@outbox_app.command("list")
def list_messages(
    status: str | None = typer.Option(
        None, "--status", help="queued, sending, sent, dead or skipped (dead: the dead letters)."
    ),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the newest outbox messages."""
    from groundswell.actions.audit import do_record_access, operator
    from groundswell.actions.outbox import list_outbox

    instance = _app()
    try:
        rows = list_outbox(instance, status=status, limit=limit)
        # The list names addresses: who read them is recorded, as on /admin/outbox.
        do_record_access(instance, operator(), "outbox.list", detail={"rows": len(rows)})
    finally:
        instance.close()
    if as_json:
        print(json.dumps([r.as_dict() for r in rows]))
        return
    for r in rows:
        error = f"\t{r.last_error}" if r.last_error else ""
        typer.echo(f"{r.id}\t{r.status}\t{r.attempts}\t{r.kind}\t{r.to}\t{r.subject}{error}")


@outbox_app.command("retry")
def retry(
    message_id: int = typer.Argument(..., help="The message's id (see outbox list)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Queue a dead message again, now (it keeps its Message-ID)."""
    from groundswell.actions.outbox import do_retry

    instance = _app()
    try:
        row = do_retry(instance, message_id)
    finally:
        instance.close()
    if as_json:
        print(json.dumps(row.as_dict()))
    else:
        typer.echo(f"message {row.id} to {row.to} is queued again")
