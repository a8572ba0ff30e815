"""Build one email from its outbox row: template parts, headers, Message-ID, unsubscribe link.

Headers follow RFC 5322 (``Message-ID``, ``From`` with a display name), RFC
2369 (``List-Unsubscribe``) and RFC 8058 (one-click unsubscribe: a POST with
``List-Unsubscribe=One-Click`` to the HTTPS link, which must carry all it needs).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime, formataddr
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


@dataclass(frozen=True)
class Mail:
    """One message ready to send: its envelope and its bytes (RFC 5322, CRLF line ends)."""

    message_id: str
    sender: str
    to: str
    data: bytes


def _header(value: str) -> str:
    # No header may carry a line break (header injection); non-ASCII text is encoded
    # as RFC 2047 words.
    value = " ".join(value.split())
    return value if value.isascii() else Header(value, "utf-8").encode()


def _part(text: str, subtype: str) -> bytes:
    # Quoted-printable (RFC 2045): readable, 7-bit safe, and it writes "=" as "=3D", so
    # the body can never contain the boundary, which starts with "=_".
    body = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + body.replace(b"\n", b"\r\n")


def build(config: MailConfig, row: Outgoing) -> Mail:
    """The whole message for ``row``: plain text and HTML parts, headers, unsubscribe.

    Written out directly rather than through ``email.message.EmailMessage``,
    whose header objects cost about ten times as much (profiled on the 20,000
    digests of ``benchmarks/digest.py``); the tests parse it back with the
    standard library's parser.
    """
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
    mid = message_id(config, row.id)
    headers = [
        ("From", formataddr((_header(config.org_name), config.mail_from))),
        ("To", _header(row.to)),
        ("Subject", _header(row.subject)),
        ("Date", format_datetime(datetime.now(UTC))),
        ("Message-ID", mid),
        ("MIME-Version", "1.0"),
        ("X-Groundswell-Kind", _header(row.kind)),
    ]
    if unsubscribe_url:
        headers.append(("List-Unsubscribe", f"<{unsubscribe_url}>"))
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    text = _part(env.get_template(f"email/{row.template}.txt").render(context), "plain")
    html_name = f"email/{row.template}.html"
    if (TEMPLATES / html_name).is_file():
        html = _part(env.get_template(html_name).render(context), "html")
        boundary = "=_" + derive(config.key, "boundary", str(row.id))[:24]
        headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
        b = boundary.encode("ascii")
        body = b"".join(
            (b"--", b, b"\r\n", text, b"\r\n--", b, b"\r\n", html, b"\r\n--", b, b"--\r\n")
        )
    else:
        headers += [
            ("Content-Type", 'text/plain; charset="utf-8"'),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ]
        body = text.split(b"\r\n\r\n", 1)[1]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("utf-8")
    return Mail(mid, config.mail_from, row.to, head + b"\r\n" + body)


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
