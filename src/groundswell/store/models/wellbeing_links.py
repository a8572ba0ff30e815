"""Personal links to the wellbeing survey, answered without an account.

A row stores only the SHA-256 of the token in the link (as account tokens and
RSVPs do), so a copy of the database cannot be used to answer for someone. A
link is answered once (``used_at``) and refused after ``expires_at``; one issued
for a campaign's before-and-after survey names the campaign.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.store.models.base import Base, UTCDateTime, utcnow

__all__ = ["WellbeingLink"]


class WellbeingLink(Base):
    """One person's link to the survey: used once, refused once expired."""

    __tablename__ = "wellbeing_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Erasing the person ends their links with them.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
