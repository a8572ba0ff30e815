"""The SMTP client against a server that demands STARTTLS and a password, as providers do."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from tests.smtp_sink import free_port

from groundswell.mail.compose import MailConfig, Outgoing, build
from groundswell.mail.transport import smtp_transport

MAIL = MailConfig(key=b"k", base_url="https://gs.example.org", org_name="Bay Moves",
                  mail_from="hello@gs.example.org")  # fmt: skip


class Keeper:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        assert session.authenticated and server._tls_protocol is not None
        self.received.append(envelope.content)
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    good = isinstance(data, LoginPassword) and (data.login, data.password) == (b"gs", b"s3cret")
    return AuthResult(success=good, handled=False)  # aiosmtpd then answers 535 itself


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, Keeper]]:
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make the test server's certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
         "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this server only
    keeper, port = Keeper(), free_port()
    controller = Controller(keeper, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=_authenticate,
                            auth_require_tls=True)  # fmt: skip
    controller.start()
    yield port, keeper
    controller.stop()


def _one() -> list[Any]:
    row = Outgoing(1, "digest", "ann@example.org", "Your week", "pledge_nudge",
                   '{"text": "Walk", "days": 3, "path": "/"}')  # fmt: skip
    return [build(MAIL, row)]


def test_starttls_then_the_password_from_the_settings(tls_server: tuple[int, Keeper]) -> None:
    port, keeper = tls_server
    transport = smtp_transport(f"smtp://127.0.0.1:{port}?starttls=1", "gs", "s3cret")
    assert transport.send(_one()) == [None]
    assert len(keeper.received) == 1


def test_a_password_in_the_url_wins_and_a_wrong_one_is_reported_not_raised(
    tls_server: tuple[int, Keeper],
) -> None:
    port, keeper = tls_server
    good = smtp_transport(f"smtp://gs:s3cret@127.0.0.1:{port}?starttls=1", "gs", "wrong")
    assert good.send(_one()) == [None]
    [error] = smtp_transport(f"smtp://127.0.0.1:{port}?starttls=1", "gs", "wrong").send(_one())
    assert error is not None and "535" in error and "refused the user name or password" in error
    [plain] = smtp_transport(f"smtp://127.0.0.1:{port}", "gs", "s3cret").send(_one())
    assert plain is not None  # without STARTTLS the server refuses: no password in the clear
    assert len(keeper.received) == 1
