"""Cheap Argon2 parameters for tests: the real ones cost 64 MiB and tens of milliseconds a hash."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from groundswell.auth import passwords

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_HASHER", FAST)
