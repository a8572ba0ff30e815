"""Single-use tokens sent by email: confirm a sign-up, accept an invitation, reset a password.

A row stores only the SHA-256 of the token in the link (as sessions do), so a
copy of the database cannot be used to take over an account. A sign-up keeps
its name and password hash here until the address is confirmed: no account
exists for an address nobody has shown they read. An invitation carries the
role, scope and person the new account gets when it is accepted.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, enum_column, utcnow

__all__ = ["AccountToken", "TokenPurpose"]


class TokenPurpose(enum.StrEnum):
    VERIFY = "verify"  # a sign-up waiting for its address to be confirmed
    INVITE = "invite"  # an admin's invitation, accepted by choosing a password
    RESET = "reset"  # a forgotten password


class AccountToken(Base):
    """One emailed link; used once (``used_at``) and refused after ``expires_at``."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    email: Mapped[str] = mapped_column(String(254), index=True)
    # Reset: the account whose password it sets. Deleting the user ends its tokens.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Sign-up: the name and password chosen, used once the address is confirmed.
    display_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Invitation: what the new account gets.
    role: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str | None] = mapped_column(String(160))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
