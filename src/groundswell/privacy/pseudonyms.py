"""Keyed pseudonyms: HMAC-SHA256 of a person's ref under a key kept outside the database.

A plain hash of a ref can be reversed by hashing every likely ref (refs are
short and guessable); a keyed hash cannot without the key (RFC 2104, HMAC;
the ICO's guidance on pseudonymisation names keyed hashing for this use). The
key lives in a file, never in the database, so a database copy or an export
alone does not re-identify anyone, and the same key gives the same pseudonym
in every export, so exports made months apart still join.

Examples
--------
>>> key = bytes(32)
>>> pseudonym(key, "p1")
'ps-9241cf755cdfa1e282b744ce2c79c7d1'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from groundswell.errors import ConfigError, Conflict

KEY_BYTES = 32  # 256 bits, the HMAC-SHA256 block-safe key length (RFC 2104, section 3)
KEY_FILE_NAME = "pseudonym.key"
PREFIX = "ps-"
HEX_CHARS = 32  # 128 bits of the digest: collisions are negligible for any movement


def new_key() -> bytes:
    """A fresh random key from the operating system's secure generator."""
    return secrets.token_bytes(KEY_BYTES)


def write_key(path: Path, key: bytes | None = None) -> Path:
    """Write a new key as hex to ``path``, readable by its owner only; never overwrite."""
    key = new_key() if key is None else key
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: a second 'new-key' must not silently change every pseudonym.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise Conflict(
            f"a pseudonym key already exists at {path}; keep it (replacing it changes "
            "every pseudonym), or move it away first"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return path


def load_key(path: Path) -> bytes:
    """Read a key file written by ``write_key``; a missing or bad file says how to fix it."""
    fix = "create one with 'groundswell privacy new-key'"
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise ConfigError(f"there is no pseudonym key at {path}; {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the pseudonym key at {path} ({exc}); {fix}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise ConfigError(
            f"{path} is not a pseudonym key ({KEY_BYTES * 2} hex digits expected); {fix}"
        )
    return key


def pseudonym(key: bytes, ref: str) -> str:
    """The pseudonym of ``ref``: ``ps-`` and 32 hex digits of HMAC-SHA256(key, ref)."""
    digest = hmac.new(key, ref.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:HEX_CHARS]
