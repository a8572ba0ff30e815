"""Accounts: users, the roles they are granted (with a scope), and server-side sign-in sessions.

A role grant's ``scope`` says which part of the movement it covers: ``*``
(everything), ``town:<Town>`` (the people in that town) or
``initiative:<slug>`` (the members of that initiative). ``groundswell.auth.permissions``
is the one place that interprets it.

A session row stores only the SHA-256 of the random token the browser holds,
so a copy of the database cannot be replayed as a cookie.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groundswell.auth.permissions import Role
from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow

__all__ = ["Role", "RoleGrant", "SignInThrottle", "User", "UserSession"]


class User(Base):
    """Someone who signs in. ``email`` is stored lower-cased so it is unique regardless of case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The person this user is in the movement, for logging their own days and surveys.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleGrant.id"
    )

    def __repr__(self) -> str:
        return f"User(email={self.email!r}, disabled={self.disabled!r})"


class RoleGrant(Base):
    """One role over one scope; a user may hold several."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    scope: Mapped[str] = mapped_column(String(160), default="*")
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")


class UserSession(Base):
    """A signed-in browser: the token's hash, its CSRF token and when it was made and last used."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class SignInThrottle(Base):
    """Wrong passwords in a row for one email address (``groundswell.auth.throttle``).

    Keyed by a hash of the address, known or not; forgotten a day after the
    last failure, and at once after a right password.
    """

    __tablename__ = "sign_in_throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
