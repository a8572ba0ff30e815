"""What withdrawing consent to a relationship survey removes, in the caller's transaction.

Consent for ``network_survey`` covers keeping the names a person gave as
ties. When they withdraw it (``actions.privacy``), every nomination they made,
in every survey, and every tie those nominations wrote (origin ``survey``,
from them) are deleted; ties from other sources and other people's
nominations of them stay. Their links stay spent, and no longer count as
consented.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from groundswell.store.models import SurveyLink, SurveyNomination, Tie

SURVEY_ORIGIN = "survey"  # Tie.origin of the ties written by a survey's nominations


def forget_survey_answers(session: Session, person_id: int) -> int:
    """Delete ``person_id``'s nominations and the survey ties from them; the ties deleted."""
    ties = session.execute(
        delete(Tie).where(Tie.source_id == person_id, Tie.origin == SURVEY_ORIGIN)
    )
    session.execute(delete(SurveyNomination).where(SurveyNomination.respondent_id == person_id))
    session.execute(
        update(SurveyLink).where(SurveyLink.person_id == person_id).values(consent_at=None)
    )
    return int(getattr(ties, "rowcount", 0) or 0)
