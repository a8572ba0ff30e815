"""One error hierarchy, mapped to exit codes in one place: one line, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from sqlalchemy.exc import OperationalError

from groundswell.cli.main import app, main
from groundswell.errors import (
    ConfigError,
    Conflict,
    DatabaseError,
    ExitStatus,
    GroundswellError,
    InputFileError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)


def test_input_file_error_names_file_line_field_and_fix() -> None:
    error = InputFileError(
        "ties.csv", "'abc' is not a number", line=14, field="weight", fix="write 1 or 0.5"
    )
    assert str(error) == "ties.csv, line 14, field 'weight': 'abc' is not a number; write 1 or 0.5"
    assert (error.path, error.line, error.field) == ("ties.csv", 14, "weight")
    assert str(InputFileError("a.csv", "no such file")) == "a.csv: no such file"
    assert str(InputFileError("a.csv", "empty", line=1)) == "a.csv, line 1: empty"
    assert isinstance(error, InvalidInput)


@pytest.mark.parametrize(
    ("error", "exit_code", "http_status"),
    [
        (GroundswellError("x"), ExitStatus.ERROR, 500),
        (InvalidInput("x"), ExitStatus.INPUT, 422),
        (InputFileError("f", "x"), ExitStatus.INPUT, 422),
        (NotFound("x"), ExitStatus.NOT_FOUND, 404),
        (Conflict("x"), ExitStatus.CONFLICT, 409),
        (PermissionDenied("x"), ExitStatus.ERROR, 403),
        (ConfigError("x"), ExitStatus.CONFIG, 500),
        (DatabaseError("x"), ExitStatus.DATABASE, 503),
    ],
)
def test_each_error_has_an_exit_code_and_http_status(error, exit_code, http_status) -> None:
    assert (error.exit_code, error.http_status) == (exit_code, http_status)


@pytest.fixture
def raising() -> Iterator[list[BaseException]]:
    """A hidden command that raises whatever the test puts in the list."""
    box: list[BaseException] = []

    def command() -> None:
        raise box[0]

    app.command("raise-for-test", hidden=True)(command)
    try:
        yield box
    finally:
        app.registered_commands[:] = [
            c for c in app.registered_commands if c.name != "raise-for-test"
        ]


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (InputFileError("p.csv", "bad", line=2, field="id"), ExitStatus.INPUT, "p.csv, line 2"),
        (NotFound("no person 'p9'"), ExitStatus.NOT_FOUND, "no person 'p9'"),
        (ConfigError("GROUNDSWELL_X is malformed"), ExitStatus.CONFIG, "GROUNDSWELL_X"),
        (
            OperationalError("SELECT 1", {}, Exception("connection refused\ndetail")),
            ExitStatus.DATABASE,
            "database unavailable: connection refused",
        ),
        (RuntimeError("boom"), ExitStatus.ERROR, "internal error (RuntimeError: boom)"),
    ],
)
def test_main_maps_errors_to_one_line_and_an_exit_code(
    raising, error, code, words, capsys, monkeypatch
) -> None:
    monkeypatch.delenv("GROUNDSWELL_LOG_LEVEL", raising=False)
    raising.append(error)
    assert main(["raise-for-test"]) == code
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("groundswell: error: ")
    assert words in captured.err and "Traceback" not in captured.err


def test_debug_log_level_shows_the_traceback_of_a_bug(raising, monkeypatch) -> None:
    monkeypatch.setenv("GROUNDSWELL_LOG_LEVEL", "debug")
    raising.append(RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        main(["raise-for-test"])


def test_usage_errors_exit_2_with_a_usage_message(capsys) -> None:
    assert main(["no-such-command"]) == ExitStatus.USAGE
    assert "No such command" in capsys.readouterr().err
    assert main(["export", "--format", "xml"]) == ExitStatus.USAGE
    assert "--format" in capsys.readouterr().err


def test_typer_exit_keeps_its_code(raising) -> None:
    raising.append(typer.Exit(0))
    assert main(["raise-for-test"]) == 0
