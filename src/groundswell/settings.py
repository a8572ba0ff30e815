"""Settings, declared once.

Every setting is read from an environment variable with the prefix
``GROUNDSWELL_`` (e.g. ``GROUNDSWELL_DATABASE_URL``). A malformed or unknown
``GROUNDSWELL_*`` variable stops start-up with a message that names it: a typo
such as ``GROUNDSWELL_DATABSE_URL`` must not silently fall back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from groundswell.errors import ConfigError

PREFIX = "GROUNDSWELL_"
# The longest session limits any server process may be set to: the sweep of
# old sessions waits this long, so no process sweeps another's live sessions.
MOST_SESSION_IDLE_MINUTES = 7 * 24 * 60
MOST_SESSION_HOURS = 30 * 24


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("groundswell", appauthor=False))


LOGO_BYTES = 512 * 1024
LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class Settings(BaseSettings):
    """Groundswell's settings. Field docs are the user-facing documentation."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, extra="forbid", frozen=True, case_sensitive=False
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the embedded database and exports.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file groundswell.db in data_dir.",
    )
    scheduler: str | None = Field(
        default=None,
        description="Dask scheduler address (tcp://host:port); default: in-process compute.",
    )
    threads: int = Field(
        default=0, ge=0, description="Threads for numba kernels; 0 means all cores."
    )
    secret_key: str | None = Field(
        default=None, description="Key for signing sessions; generated per data_dir if unset."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(default="info")
    pseudonym_key_file: Path | None = Field(
        default=None,
        description="Key for pseudonymised exports (HMAC-SHA256), kept outside the "
        "database; default: pseudonym.key in data_dir.",
    )
    demo_people: int = Field(
        default=20_000, ge=100, le=2_000_000, description="People in the demo movement."
    )
    session_idle_minutes: int = Field(
        default=60, ge=1, le=MOST_SESSION_IDLE_MINUTES,
        description="Sign out after this many minutes without a request (at most a week).",
    )  # fmt: skip
    session_max_hours: int = Field(
        default=12, ge=1, le=MOST_SESSION_HOURS,
        description="Sign out this many hours after signing in, however busy (at most 30 days).",
    )  # fmt: skip
    cookie_secure: bool = Field(
        default=True, description="Send cookies over HTTPS only; false only for local HTTP."
    )
    sign_in_per_minute: int = Field(
        default=5, ge=1, description="Sign-in attempts a minute per email and address."
    )
    votes_per_minute: int = Field(default=120, ge=1, description="Votes a minute per voter.")
    submissions_per_minute: int = Field(
        default=10, ge=1, description="Statements, stories and other submissions a minute."
    )
    heavy_pages_at_once: int = Field(
        default=4, ge=1, le=64,
        description="Threads per process working out network and conversation answers off "
        "the request path; past 8 waiting per thread a 503 'busy' page instead of exhausting "
        "the database connections.",
    )  # fmt: skip
    signup: bool = Field(
        default=True,
        description="Anyone may make an account by confirming their email address; "
        "false: accounts only by an admin's invitation.",
    )
    heavy_per_minute: int = Field(
        default=6, ge=1, le=10_000,
        description="New network or conversation answers a visitor without an account may "
        "start a minute from one address; answers already worked out cost nothing.",
    )  # fmt: skip
    hsts_seconds: int = Field(
        default=0, ge=0, le=63_072_000,
        description="Send Strict-Transport-Security with this max-age; 0 sends none. "
        "Set it only once the site is served over HTTPS alone.",
    )  # fmt: skip

    org_name: str | None = Field(
        default=None, min_length=1, max_length=80,
        description="The organisation running this site, shown in the header and page "
        "titles; default: Groundswell.",
    )  # fmt: skip
    org_logo: Path | None = Field(
        default=None,
        description="The organisation's logo for the header: an SVG, PNG or JPEG file "
        f"of at most {LOGO_BYTES // 1024} KB.",
    )
    nhs_identity: bool = Field(
        default=False,
        description="Show the NHS logo in the header: only for an NHS organisation "
        "entitled to use the NHS identity.",
    )

    smtp_url: str | None = Field(
        default=None,
        description="Mail server: smtp://host:587?starttls=1 or smtps://host:465 (user and "
        "password in the URL or in SMTP_USER / SMTP_PASSWORD); none: messages are written "
        "as .eml files to the outbox folder in data_dir.",
    )
    smtp_user: str | None = Field(default=None, description="User name for the mail server.")
    smtp_password: str | None = Field(default=None, description="Password for the mail server.")
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The site's public address, for links in email.",
    )
    mail_from: str | None = Field(
        default=None, max_length=254,
        description="The address email comes from, with the organisation's name as sender; "
        "default: noreply at base_url's host.",
    )  # fmt: skip
    mail_per_second: float = Field(
        default=50.0, gt=0, le=10_000,
        description="The most email the worker sends a second (the mail server's limit).",
    )  # fmt: skip
    mail_attempts: int = Field(
        default=8, ge=1, le=30,
        description="Tries before a message is dead (shown on /admin/outbox to retry); "
        "waits double from a minute between tries.",
    )  # fmt: skip

    swemwbs_wording: Path | None = Field(
        default=None,
        description="The SWEMWBS item wording your organisation holds under its Warwick "
        "licence: a TOML or JSON file with preamble, items (7), answers (5) and copyright "
        "(see the wellbeing guide). Unset or unreadable: the survey asks ONS4 only.",
    )

    @field_validator("org_logo")
    @classmethod
    def _check_logo(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"{value} is not an .svg, .png, .jpg or .jpeg file")
        try:
            size = value.stat().st_size
        except OSError as exc:
            raise ValueError(f"cannot read {value} ({exc.strerror})") from None
        if size > LOGO_BYTES:
            raise ValueError(f"{value} is {size:,} bytes; a logo may be {LOGO_BYTES:,} at most")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp(cls, value: str | None) -> str | None:
        if not value:
            return None
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("give smtp://host[:port][?starttls=1] or smtps://host[:port]")
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("give the site's address, such as https://groundswell.example.org")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL ({exc})") from None
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'groundswell.db'}"


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from the environment; raise ``ConfigError`` naming the variable."""
    env = os.environ if environ is None else environ
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    unknown = sorted(k for k in env if k.upper().startswith(PREFIX) and k.upper() not in known)
    if unknown:
        raise ConfigError(
            f"unknown setting {unknown[0]}; known settings are " + ", ".join(sorted(known))
        )
    values: dict[str, object] = {
        k[len(PREFIX) :].lower(): v for k, v in env.items() if k.upper().startswith(PREFIX)
    }
    values.update(overrides)
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = PREFIX + str(err["loc"][0]).upper() if err["loc"] else PREFIX
        message = str(err["msg"]).removeprefix("Value error, ")  # pydantic's prefix says nothing
        raise ConfigError(f"{name} is malformed: {message}") from None
