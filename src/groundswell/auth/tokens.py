"""Random tokens, their stored hashes, HMAC signatures and session expiry, all pure.

Session tokens are 256 random bits (``secrets.token_urlsafe(32)``); the
database keeps SHA-256 of the token only. Signed values (the anonymous
visitor's cookie) use HMAC-SHA-256 with the server's secret key and are
compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

TOKEN_BYTES = 32  # 256 bits
SECRET_FILE_NAME = "secret.key"  # the server's signing key in data_dir, unless set


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token: what the database stores and looks up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _mac(key: bytes, purpose: str, value: str) -> str:
    # The purpose is part of the message so a signature for one use cannot serve another.
    # hmac.digest is the one-shot C path: several times faster than hmac.new(...).digest().
    digest = hmac.digest(key, f"{purpose}\x00{value}".encode(), "sha256")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def derive(key: bytes, purpose: str, value: str) -> str:
    """A stable, unguessable value derived from ``value`` for one ``purpose``."""
    return _mac(key, purpose, value)


def account_participant_key(key: bytes, user_id: int) -> str:
    """The participant key a signed-in account votes under, in every browser.

    Subject access and erasure derive it again to find the account's votes.
    """
    return derive(key, "participant", f"user:{user_id}")[:22]


def sign(key: bytes, purpose: str, value: str) -> str:
    """``value.signature``; ``value`` must not contain a dot."""
    if "." in value:
        raise ValueError("signed values must not contain '.'")
    return f"{value}.{_mac(key, purpose, value)}"


def unsign(key: bytes, purpose: str, signed: str | None) -> str | None:
    """The value inside ``signed`` when its signature is good, else None.

    A signature is bound to its key and its purpose: a visitor cookie's value
    is no use as a session's.

    >>> key = bytes(32)
    >>> cookie = sign(key, "visitor", "abc123")
    >>> unsign(key, "visitor", cookie), unsign(key, "session", cookie)
    ('abc123', None)
    >>> unsign(key, "visitor", "abc124" + cookie[6:]) is None
    True
    >>> unsign(key, "visitor", "abc123.é") is None  # not ASCII: refused, not an error
    True
    """
    if not signed or signed.count(".") != 1:
        return None
    value, signature = signed.split(".")
    # Bytes, not str: compare_digest raises TypeError on a non-ASCII str.
    if value and same(signature, _mac(key, purpose, value)):
        return value
    return None


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality for tokens; None never matches."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


class SessionState(StrEnum):
    ACTIVE = "active"
    IDLE = "idle"  # unused for longer than the idle timeout
    EXPIRED = "expired"  # older than the absolute lifetime, however busy


def session_state(
    created_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    *,
    idle: timedelta,
    lifetime: timedelta,
) -> SessionState:
    """Whether a session may still be used at ``now`` (OWASP session management: both limits)."""
    if now - created_at >= lifetime:
        return SessionState.EXPIRED
    if now - last_seen_at >= idle:
        return SessionState.IDLE
    return SessionState.ACTIVE
