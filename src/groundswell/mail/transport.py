"""Where messages go: an SMTP server (aiosmtplib) or, with none configured, ``.eml`` files.

Both take a batch and say, per message, None (accepted) or why not, so the
worker can mark each row on its own: one refused address does not fail the rest.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from groundswell.mail.compose import Mail
from groundswell.settings import Settings

__all__ = ["FileTransport", "SmtpTransport", "Transport", "smtp_transport", "transport_for"]


class Transport(Protocol):
    def send(self, messages: Sequence[Mail]) -> list[str | None]:
        """Deliver each message; per message None when accepted, else the reason."""
        ...


@dataclass
class FileTransport:
    """Write each message to ``folder/<Message-ID>.eml``, readable by its owner only (0600).

    The name comes from the Message-ID, so a resend after a crash overwrites
    the same file rather than adding a second copy. Each file is written under
    a temporary name and renamed into place, so whoever reads the folder (a
    mail tool, a person) never finds a message half written.
    """

    folder: Path

    def send(self, messages: Sequence[Mail]) -> list[str | None]:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        results: list[str | None] = []
        for message in messages:
            name = message.message_id.strip("<>").replace("/", "_") + ".eml"
            path = self.folder / name
            partial = self.folder / f".{name}.partial"
            try:
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(message.data)
                os.replace(partial, path)  # atomic on POSIX and Windows
                results.append(None)
            except OSError as exc:
                results.append(f"cannot write {path}: {exc.strerror}")
        return results


@dataclass
class SmtpTransport:
    """Send by SMTP over ``connections`` parallel connections (each message once).

    ``tls``: implicit TLS (smtps, port 465); ``starttls``: upgrade a plain
    connection (port 587). A message the server refuses is reported, not raised.
    """

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    connections: int = 4
    timeout: float = 30.0

    def send(self, messages: Sequence[Mail]) -> list[str | None]:
        return asyncio.run(self._send_all(messages))

    async def _send_all(self, messages: Sequence[Mail]) -> list[str | None]:
        results: list[str | None] = [None] * len(messages)
        lanes = max(1, min(self.connections, len(messages)))
        await asyncio.gather(
            *(self._lane(messages, range(i, len(messages), lanes), results) for i in range(lanes))
        )
        return results

    async def _lane(
        self, messages: Sequence[Mail], indices: range, results: list[str | None]
    ) -> None:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.tls,
            start_tls=self.starttls,
            timeout=self.timeout,
            username=self.user,
            password=self.password,
        )
        try:
            await client.connect()
        except aiosmtplib.SMTPAuthenticationError as exc:
            for i in indices:
                results[i] = (
                    f"the mail server {self.host}:{self.port} refused the user name or password "
                    f"({exc.code} {exc.message}); check GROUNDSWELL_SMTP_USER and _SMTP_PASSWORD"
                )
            return
        except (aiosmtplib.SMTPException, OSError) as exc:
            for i in indices:
                results[i] = f"cannot reach the mail server {self.host}:{self.port}: {exc}"
            return
        try:
            for i in indices:
                try:
                    mail = messages[i]
                    await client.sendmail(mail.sender, [mail.to], mail.data)
                except aiosmtplib.SMTPServerDisconnected as exc:
                    results[i] = f"the mail server hung up: {exc}"
                    for j in indices:
                        if j > i:
                            results[j] = "not sent: the mail server hung up"
                    return
                except aiosmtplib.SMTPException as exc:
                    results[i] = f"refused: {exc}"
        finally:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()


def smtp_transport(url: str, user: str | None, password: str | None) -> SmtpTransport:
    """An SmtpTransport from ``smtp://[user:pass@]host[:port][?starttls=1]`` or ``smtps://``."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    connections = int(query.get("connections", ["4"])[0])
    return SmtpTransport(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if tls else 587 if starttls else 25),
        tls=tls,
        starttls=starttls,
        user=unquote(parts.username) if parts.username else user,
        password=unquote(parts.password) if parts.password else password,
        connections=max(1, min(connections, 32)),
    )


OUTBOX_FOLDER = "outbox"  # in data_dir: where messages go with no mail server set


def transport_for(settings: Settings) -> Transport:
    """SMTP when ``GROUNDSWELL_SMTP_URL`` is set, else ``.eml`` files in data_dir/outbox."""
    if settings.smtp_url:
        return smtp_transport(settings.smtp_url, settings.smtp_user, settings.smtp_password)
    return FileTransport(settings.data_dir / OUTBOX_FOLDER)
