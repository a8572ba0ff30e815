"""Password hashing with Argon2id (RFC 9106), via argon2-cffi.

The parameters are argon2-cffi's defaults, which follow RFC 9106's second
recommended option (64 MiB memory, 3 passes, 4 lanes). A stored hash made with
weaker parameters still verifies; ``needs_rehash`` says when to replace it on
the next successful sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from groundswell.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 1024  # hashing cost grows with length; refuse absurd inputs early

_HASHER = PasswordHasher()


def check_strength(password: str) -> None:
    """Refuse passwords too short to resist guessing (NCSC: length beats complexity rules)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"password is {len(password)} characters; use at least {MIN_LENGTH} "
            "(three random words work well)"
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password is longer than {MAX_LENGTH} characters; use a shorter one")


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An encoded Argon2id hash (salt and parameters included) for storing."""
    return (hasher or _HASHER).hash(password)


def verify_password(stored: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """True when ``password`` matches ``stored``; False for a mismatch or an unreadable hash."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return (hasher or _HASHER).verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, hasher: PasswordHasher | None = None) -> bool:
    """True when ``stored`` was made with other parameters than today's."""
    try:
        return (hasher or _HASHER).check_needs_rehash(stored)
    except InvalidHashError:
        return True


_DUMMY: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so that a wrong email and
    a wrong password take the same time and cannot be told apart."""
    params = f"{_HASHER.time_cost}:{_HASHER.memory_cost}:{_HASHER.parallelism}"
    if params not in _DUMMY:
        _DUMMY[params] = hash_password("not a real password, only here to spend the same time")
    return _DUMMY[params]
