"""Build one email from its outbox row: template parts, headers, Message-ID, unsubscribe link.

Headers follow RFC 5322 (``Message-ID``, ``From`` with a display name), RFC
2369 (``List-Unsubscribe``) and RFC 8058 (one-click unsubscribe: a POST with
``List-Unsubscribe=One-Click`` to the HTTPS link, which must carry all it needs).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from groundswell.auth.tokens import derive, sign, unsign
from groundswell.settings import Settings

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
UNSUBSCRIBE = "unsubscribe"  # the signing purpose of unsubscribe links

# Kinds a person cannot turn off: they answer something the person just asked for.
ESSENTIAL_KINDS = frozenset({"account", "safeguarding"})


@dataclass(frozen=True)
class MailConfig:
    """What every message needs from the site's settings."""

    key: bytes  # the site's signing key: Message-IDs and unsubscribe links
    base_url: str
    org_name: str
    mail_from: str

    @property
    def domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "localhost"


@dataclass(frozen=True)
class Outgoing:
    """An outbox row as the composer needs it."""

    id: int
    kind: str
    to: str
    subject: str
    template: str
    context: str  # JSON


def message_id(config: MailConfig, row_id: int) -> str:
    """A Message-ID that is the same every time row ``row_id`` is sent (so a resend after
    a crash is recognisably the same message) and cannot be guessed for another row."""
    return f"<{row_id}.{derive(config.key, 'message-id', str(row_id))[:16]}@{config.domain}>"


def backoff(attempts: int) -> timedelta:
    """Wait before try ``attempts + 1``: a minute, doubling, at most a day (exponential backoff)."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")


def unsubscribe_token(key: bytes, address: str, kind: str) -> str:
    """A signed token naming an address and a kind: the link itself is the permission."""
    return sign(key, UNSUBSCRIBE, f"{_b64(address.strip().lower())}~{_b64(kind)}")


def read_unsubscribe_token(key: bytes, token: str) -> tuple[str, str] | None:
    """(address, kind) inside a good token, else None."""
    value = unsign(key, UNSUBSCRIBE, token)
    if value is None or value.count("~") != 1:
        return None
    address, kind = value.split("~")
    try:
        return _unb64(address), _unb64(kind)
    except (ValueError, UnicodeDecodeError):
        return None


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """One Jinja environment for email: HTML parts autoescaped, text parts not."""
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
    return _ENV


def build(config: MailConfig, row: Outgoing) -> EmailMessage:
    """The whole message for ``row``: plain text and HTML parts, headers, unsubscribe."""
    context: dict[str, object] = json.loads(row.context)
    unsubscribe_url = preferences_url = ""
    if row.kind not in ESSENTIAL_KINDS:
        token = unsubscribe_token(config.key, row.to, row.kind)
        unsubscribe_url = f"{config.base_url}/unsubscribe/{token}"
        preferences_url = f"{config.base_url}/notifications/{token}"
    context.update(
        org_name=config.org_name,
        base_url=config.base_url,
        subject=row.subject,
        unsubscribe_url=unsubscribe_url,
        preferences_url=preferences_url,
    )
    env = environment()
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = Address(config.org_name, addr_spec=config.mail_from)
    message["To"] = row.to
    message["Message-ID"] = message_id(config, row.id)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["X-Groundswell-Kind"] = row.kind
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(env.get_template(f"email/{row.template}.txt").render(context))
    html = f"email/{row.template}.html"
    if (TEMPLATES / html).is_file():
        message.add_alternative(env.get_template(html).render(context), subtype="html")
    return message


def default_mail_from(base_url: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return f"noreply@{host if '.' in host else host + '.localdomain'}"


def mail_config(settings: Settings, key: bytes) -> MailConfig:
    """The site's mail settings with its signing key."""
    return MailConfig(
        key=key,
        base_url=settings.base_url,
        org_name=settings.org_name or "Groundswell",
        mail_from=settings.mail_from or default_mail_from(settings.base_url),
    )
