"""The columns of the people, ties and recruitment files: what import reads and export writes.

One place, so that an export always imports back (``groundswell export`` then
``groundswell import``) and a new column cannot be added to one side only.
"""

from __future__ import annotations

PEOPLE_REQUIRED = ("id",)
PEOPLE_OPTIONAL = (
    "display_name",
    "town",
    "kind",
    "consent_contact",
    "consent_contact_at",
    "consent_analytics",
    "consent_analytics_at",
    "joined_at",
)
TIES_REQUIRED = ("source", "target")
TIES_OPTIONAL = ("kind", "weight", "observed_at", "origin")
RECRUITMENT_REQUIRED = ("recruiter", "recruit")
RECRUITMENT_OPTIONAL = ("at",)
