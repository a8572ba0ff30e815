"""``groundswell users create|grant|revoke|list``: passwords from stdin, never echoed."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from groundswell.app import App
from groundswell.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from datacli import point_cli_at, run_cli

PASSWORD = "three random words"


@pytest.fixture
def cli(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    point_cli_at(monkeypatch, app, tmp_path)
    return monkeypatch


def test_create_grant_list(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    made = run_cli(
        capsys, "users", "create", "Org@Example.org", "--name", "Olu", "--role", "organiser",
        "--scope", "town:Leeds", "--password-stdin", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert PASSWORD not in made.out + made.err
    info = json.loads(made.out)
    assert info["email"] == "org@example.org"
    assert info["grants"] == [{"role": "organiser", "scope": "town:Leeds"}]

    granted = run_cli(capsys, "users", "grant", "org@example.org", "moderator")
    assert granted.code == 0 and "moderator (*)" in granted.out
    listed = run_cli(capsys, "users", "list", "--json")
    assert json.loads(listed.out)[0]["grants"][1] == {"role": "moderator", "scope": "*"}
    revoked = run_cli(capsys, "users", "revoke", "org@example.org", "moderator", "--json")
    assert len(json.loads(revoked.out)["grants"]) == 1
    plain = run_cli(capsys, "users", "list")
    assert plain.out.split() == ["org@example.org", "Olu", "organiser", "(town:Leeds)"]


@pytest.mark.parametrize(
    ("args", "stdin", "message", "code"),
    [
        (["--password-stdin"], "short\n", "use at least 10", 3),
        (["--password-stdin"], "", "no password on standard input", 3),
        ([], "", "use --password-stdin", 3),
        (["--role", "boss", "--password-stdin"], PASSWORD + "\n", "is not one of", 3),
    ],
)
def test_create_errors_are_one_line(
    cli: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    message: str,
    code: int,
) -> None:
    cli.setattr("sys.stdin", io.StringIO(stdin))
    result = run_cli(capsys, "users", "create", "a@example.org", "--name", "A", *args)
    assert result.code == code
    assert message in result.err and result.err.count("\n") == 1


def test_duplicate_and_unknown_users(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        cli.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        result = run_cli(capsys, "users", "create", "a@example.org", "--name", "A",
                         "--password-stdin")  # fmt: skip
    assert result.code == 5 and "already exists" in result.err
    missing = run_cli(capsys, "users", "grant", "b@example.org", "admin")
    assert missing.code == 4 and "no user 'b@example.org'" in missing.err


def test_prompt_hides_the_password(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    import typer

    asked: dict[str, object] = {}

    def fake_prompt(text: str, **kwargs: object) -> str:
        asked.update(kwargs)
        return PASSWORD

    cli.setattr("sys.stdin", io.StringIO(""))
    cli.setattr(sys.stdin, "isatty", lambda: True)
    cli.setattr(typer, "prompt", fake_prompt)
    assert main(["users", "create", "a@example.org", "--name", "A"]) == 0
    assert asked == {"hide_input": True, "confirmation_prompt": True}
    assert PASSWORD not in capsys.readouterr().out
