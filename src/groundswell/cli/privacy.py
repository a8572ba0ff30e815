"""``groundswell privacy``: consent, subject access export, erasure, pseudonymised export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from groundswell.actions.audit import operator
from groundswell.actions.erasure import do_erase
from groundswell.actions.privacy import PURPOSES, consent_state, do_record_consent
from groundswell.actions.privacy_export import do_pseudonymised_export, do_subject_access_export
from groundswell.app import App
from groundswell.auth.tokens import SECRET_FILE_NAME
from groundswell.cli.database import opened_app
from groundswell.cli.main import app, err_console
from groundswell.cli.options import ACTOR_OPTION, FORCE_OPTION, JSON_OPTION
from groundswell.cli.output import print_json, say
from groundswell.errors import InvalidInput
from groundswell.privacy import KEY_FILE_NAME, load_key, write_key
from groundswell.privacy.ledger import LEDGER_FILE_NAME, ErasureLedger
from groundswell.settings import load_settings

privacy_app = typer.Typer(
    help="Consent registry, subject access exports, erasure and pseudonymised exports.",
    no_args_is_help=True,
)
app.add_typer(privacy_app, name="privacy")

PERSON = typer.Argument(..., help="The person's id (the 'id' column of the people import).")


def key_path(instance: App | None = None) -> Path:
    """GROUNDSWELL_PSEUDONYM_KEY_FILE, else pseudonym.key in the data folder."""
    settings = instance.settings if instance is not None else load_settings()
    return settings.pseudonym_key_file or settings.data_dir / KEY_FILE_NAME


def erasure_ledger(instance: App, *, create_key: bool = False) -> ErasureLedger | None:
    """The erasure ledger in the data folder, under the pseudonym key.

    Erasing creates the key if there is none yet (the ledger needs it); a
    restore with no ledger file has no erasures to replay.
    """
    path = key_path(instance)
    ledger = instance.settings.data_dir / LEDGER_FILE_NAME
    if not path.exists():
        if not create_key and not ledger.exists():
            return None
        if create_key:
            write_key(path)
            # On stderr: --json output stays one JSON document.
            err_console.print(
                f"Created the pseudonym key at {path} for the erasure ledger; back it up.",
                markup=False, soft_wrap=True,
            )  # fmt: skip
    return ErasureLedger(ledger, load_key(path))


def server_secret(instance: App) -> bytes | None:
    """The web server's signing key, which signed-in votes are keyed by; None if it has none."""
    if instance.settings.secret_key:
        return instance.settings.secret_key.encode("utf-8")
    path = instance.settings.data_dir / SECRET_FILE_NAME
    return path.read_text().strip().encode("utf-8") if path.exists() else None


@privacy_app.command("consent")
def consent(
    person: str = PERSON,
    purpose: str = typer.Argument(None, help=f"One of {', '.join(PURPOSES)}."),
    grant: bool = typer.Option(False, "--grant", help="Record that the person agreed."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Record a withdrawal."),
    note: str | None = typer.Option(None, "--note", help="Where or how it was given."),
    source: str = typer.Option("cli", "--source", help="cli, web, paper, phone, ..."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a grant or withdrawal of consent (append-only), or show the history.

    Without --grant or --withdraw, shows the person's current consent and every
    event. Contact and analytics consent also set the person's consent flags."""
    if grant and withdraw:
        raise InvalidInput("give one of --grant or --withdraw, not both")
    with opened_app() as instance:
        if grant or withdraw:
            if purpose is None:
                raise InvalidInput(f"name the purpose: one of {', '.join(PURPOSES)}")
            state = do_record_consent(
                instance, person, purpose, grant,
                actor=actor or operator(), source=source, note=note,
            )  # fmt: skip
        else:
            state = consent_state(instance, person)
    if json_out:
        print_json(state.to_dict())
        return
    if grant or withdraw:
        say(f"Recorded: {person} {'granted' if grant else 'withdrew'} consent for {purpose}.")
    for name in PURPOSES:
        if name in state.current:
            answer = "yes" if state.current[name] else "no (withdrawn)"
            say(f"{name}: {answer} since {state.since[name]}")
    if not state.current:
        say(f"No consent recorded for {person}.")


class Format(StrEnum):
    json = "json"
    csv = "csv"


@privacy_app.command("export")
def export(
    person: str = PERSON,
    fmt: Format = typer.Option(Format.json, "--format", help="One JSON file or CSV per table."),
    out: Path = typer.Option(
        Path("groundswell-subject-access"), "--out", help="Folder to write into."
    ),
    force: bool = FORCE_OPTION,
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Subject access: everything the database holds about one person (audited)."""
    with opened_app() as instance:
        summary = do_subject_access_export(
            instance, person, out, fmt=fmt.value, actor=actor or operator(),
            overwrite=force, secret=server_secret(instance),
        )  # fmt: skip
    if json_out:
        print_json(summary.to_dict())
        return
    rows = sum(summary.counts.values())
    say(f"Exported {rows} rows from {len(summary.counts)} tables to {', '.join(summary.files)}.")


@privacy_app.command("erase")
def erase(
    person: str = PERSON,
    yes: bool = typer.Option(False, "--yes", help="Confirm: this cannot be undone."),
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Erase a person everywhere in one transaction (see the policy in the docs).

    Their records are deleted; their conversation votes stay with an anonymous
    participant; the audit trail keeps a keyed hash of the id if a pseudonym key exists."""
    if not yes:
        raise InvalidInput(f"erasing {person} cannot be undone; add --yes to confirm")
    with opened_app() as instance:
        ledger = erasure_ledger(instance, create_key=True)
        assert ledger is not None
        summary = do_erase(
            instance, person, actor=actor or operator(), key=ledger.key,
            ledger=ledger, secret=server_secret(instance),
        )  # fmt: skip
    if json_out:
        print_json(summary.to_dict())
        return
    deleted = ", ".join(f"{n} {t}" for t, n in summary.deleted.items())
    say(f"Erased {person}: deleted {deleted}.")
    if summary.anonymised:
        kept = ", ".join(f"{n} {t}" for t, n in summary.anonymised.items())
        say(f"Anonymised (kept without the link to them): {kept}.")


@privacy_app.command("pseudonymise")
def pseudonymise(
    out: Path = typer.Option(..., "--out", help="Folder to write people.csv, ties.csv, ..."),
    force: bool = FORCE_OPTION,
    actor: str | None = ACTOR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Export people who consented to analytics, with ids replaced by keyed hashes (audited)."""
    with opened_app() as instance:
        key = load_key(key_path(instance))
        summary = do_pseudonymised_export(
            instance, out, key=key, actor=actor or operator(), overwrite=force
        )
    if json_out:
        print_json(summary.to_dict())
        return
    counts = ", ".join(f"{n} {name}" for name, n in summary.counts.items())
    say(f"Exported {counts} under pseudonyms to {out}.")


@privacy_app.command("new-key")
def new_key(json_out: bool = JSON_OPTION) -> None:
    """Create the pseudonym key (outside the database). Keep it safe: losing it breaks joins."""
    path = write_key(key_path())
    if json_out:
        print_json({"key_file": str(path)})
        return
    say(f"Created the pseudonym key at {path}. Back it up apart from the database.")
