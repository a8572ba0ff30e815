"""Argon2id hashes verify and are replaced when weak; tokens, signatures and session expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from groundswell.auth import passwords, tokens
from groundswell.errors import InvalidInput

WEAK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_hash_verifies_and_rejects() -> None:
    stored = passwords.hash_password("three random words")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "three random words")
    assert not passwords.verify_password(stored, "three random word")
    assert not passwords.verify_password("not a hash", "three random words")
    assert not passwords.verify_password(stored, "x" * (passwords.MAX_LENGTH + 1))
    assert passwords.hash_password("same") != passwords.hash_password("same")  # salted


def test_weak_parameters_need_a_rehash() -> None:
    weak = passwords.hash_password("three random words", WEAK)
    assert passwords.verify_password(weak, "three random words")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("three random words"))
    assert passwords.needs_rehash("garbage")


@pytest.mark.parametrize("bad", ["short", "", "x" * (passwords.MAX_LENGTH + 1)])
def test_strength(bad: str) -> None:
    with pytest.raises(InvalidInput, match="password"):
        passwords.check_strength(bad)


def test_tokens_are_random_and_hashed() -> None:
    a, b = tokens.new_token(), tokens.new_token()
    assert a != b and len(a) >= 43  # 256 bits in URL-safe base64
    assert tokens.hash_token(a) == tokens.hash_token(a) != tokens.hash_token(b)
    assert len(tokens.hash_token(a)) == 64


def test_signatures_resist_tampering_and_reuse() -> None:
    key = b"k" * 32
    signed = tokens.sign(key, "visitor", "abc")
    assert tokens.unsign(key, "visitor", signed) == "abc"
    assert tokens.unsign(key, "csrf", signed) is None  # another purpose
    assert tokens.unsign(b"x" * 32, "visitor", signed) is None  # another key
    assert tokens.unsign(key, "visitor", "abd" + signed[3:]) is None
    for bad in (None, "", "abc", "a.b.c", ".sig"):
        assert tokens.unsign(key, "visitor", bad) is None
    with pytest.raises(ValueError):
        tokens.sign(key, "visitor", "a.b")
    assert tokens.same("t", "t") and not tokens.same("t", "u") and not tokens.same(None, None)


T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
LIMITS = {"idle": timedelta(minutes=60), "lifetime": timedelta(hours=12)}


@pytest.mark.parametrize(
    ("created", "seen", "now", "state"),
    [
        (T0, T0, T0 + timedelta(minutes=59), tokens.SessionState.ACTIVE),
        (T0, T0, T0 + timedelta(minutes=60), tokens.SessionState.IDLE),
        (T0, T0 + timedelta(hours=11), T0 + timedelta(hours=11, minutes=30), "active"),
        (T0, T0 + timedelta(hours=11, minutes=59), T0 + timedelta(hours=12), "expired"),
    ],
)
def test_session_state(created: datetime, seen: datetime, now: datetime, state: str) -> None:
    assert tokens.session_state(created, seen, now, **LIMITS) == state
