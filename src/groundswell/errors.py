"""One error hierarchy for the whole platform, mapped to HTTP and exit codes once.

Every message says what is wrong and what to change, e.g.
``people.csv, line 14, field 'kind': 'doctor' is not one of citizen, staff,
partner; use one of those``. The CLI prints the message on one line and exits
with ``exit_code``; the web app answers ``http_status`` with the message.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes of the ``groundswell`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INPUT = 3  # bad input file or value: fix the input and run again
    NOT_FOUND = 4
    CONFLICT = 5
    CONFIG = 6  # settings or environment
    DATABASE = 7


class GroundswellError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    http_status: int = 500
    exit_code: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(GroundswellError):
    """A value or argument is malformed or out of range."""

    http_status = 422
    exit_code = ExitStatus.INPUT


class InputFileError(InvalidInput):
    """A file could not be read or has a bad row; names file, line and field."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        where = path
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field '{field}'"
        message = f"{where}: {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)
        self.path = path
        self.line = line
        self.field = field


class NotFound(GroundswellError):
    http_status = 404
    exit_code = ExitStatus.NOT_FOUND


class Conflict(GroundswellError):
    http_status = 409
    exit_code = ExitStatus.CONFLICT


class PermissionDenied(GroundswellError):
    http_status = 403
    exit_code = ExitStatus.ERROR


class TooManyAttempts(GroundswellError):
    """Too many tries in a row (wrong passwords): wait ``retry_after`` seconds."""

    http_status = 429
    exit_code = ExitStatus.ERROR

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConfigError(GroundswellError):
    """A setting or environment variable is malformed; names the variable."""

    http_status = 500
    exit_code = ExitStatus.CONFIG


class DatabaseError(GroundswellError):
    """The database is unreachable, out of date or disagrees with the models."""

    http_status = 503
    exit_code = ExitStatus.DATABASE


class ExpiredLink(NotFound):
    """An emailed link (sign-up, invitation, password reset) that is unknown, used or expired."""


class LinkAlreadyUsed(Conflict):
    """A personal link that answers once (a relationship survey) has been used."""


class ConsentRequired(PermissionDenied):
    """Something that needs the person's consent first (answering a survey)."""
