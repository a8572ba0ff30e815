"""``groundswell users invite``: an emailed invitation with a role and a person, from the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from groundswell.app import App
from groundswell.errors import ExitStatus
from groundswell.store.models import OutboxMessage, Person

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from datacli import point_cli_at, run_cli


@pytest.fixture
def cli(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    point_cli_at(monkeypatch, app, tmp_path)
    return monkeypatch


def test_invite_queues_one_email_and_says_what_the_account_gets(
    cli: pytest.MonkeyPatch, app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    with app.transaction() as session:
        session.add(Person(ref="p-9", town="Morecambe"))
    done = run_cli(
        capsys, "users", "invite", "Olu@Example.org", "--role", "organiser",
        "--scope", "town:Morecambe", "--person", "p-9", "--json",
    )  # fmt: skip
    assert done.code == 0, done.err
    info = json.loads(done.out)
    assert (info["email"], info["role"], info["scope"], info["person"]) == (
        "olu@example.org", "organiser", "town:Morecambe", "p-9",
    )  # fmt: skip
    with app.reading() as session:
        [sent] = session.scalars(select(OutboxMessage)).all()
    link = json.loads(sent.context)["link"]
    assert sent.to_address == "olu@example.org" and "/account/invitation/" in link
    assert link.split("/")[-1] not in done.out  # the token goes to the invitee only
    plain = run_cli(capsys, "users", "invite", "pat@example.org")
    assert plain.code == 0 and plain.out.startswith("Invited pat@example.org; the link works")


@pytest.mark.parametrize(
    ("args", "says", "code"),
    [
        (["not-an-address"], "is not an email address", ExitStatus.INPUT),
        (["a@example.org", "--role", "boss"], "boss", ExitStatus.INPUT),
        (["a@example.org", "--person", "p-404"], "'p-404' is not a person", ExitStatus.NOT_FOUND),
    ],
)
def test_a_refused_invitation_is_one_line_and_sends_nothing(
    cli: pytest.MonkeyPatch, app: App, capsys: pytest.CaptureFixture[str],
    args: list[str], says: str, code: int,
) -> None:  # fmt: skip
    result = run_cli(capsys, "users", "invite", *args)
    assert result.code == code and says in result.err and result.err.count("\n") == 1
    with app.reading() as session:
        assert session.scalars(select(OutboxMessage)).first() is None
