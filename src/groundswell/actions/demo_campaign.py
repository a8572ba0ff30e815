"""The demo's mile-a-day campaign with its logs, and the wellbeing surveys."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from groundswell.actions.bulk_insert import (
    as_rows,
    bulk_insert,
    dates,
    keys_at,
    names_at,
    utc_times,
)
from groundswell.demo import DemoMovement
from groundswell.demo import campaign as dc
from groundswell.demo import surveys as dsurveys
from groundswell.store.models import ActivityLog, Campaign, SurveyResponse


def write_campaign(
    session: Session, mv: DemoMovement, person: np.ndarray, initiative_id: int
) -> None:
    """The campaign, running on the demo's today, and its logs up to yesterday."""
    camp, at = mv.campaign, mv.period
    campaign = bulk_insert(
        session,
        Campaign,
        as_rows(
            1,
            slug=dc.SLUG,
            name=dc.NAME,
            unit="miles",
            daily_target=1.0,
            group_goal=float(camp.participants.size * dc.LENGTH // 2),
            starts_on=at.on(camp.start),
            ends_on=at.on(camp.end),
            initiative_id=initiative_id,
        ),
        ids=True,
    )
    bulk_insert(
        session,
        ActivityLog,
        as_rows(
            camp.log_person.size,
            campaign_id=int(campaign[0]),
            person_id=keys_at(person, camp.log_person),
            day=dates(at, camp.log_day),
            amount=camp.log_amount.tolist(),
            origin=names_at(dc.ORIGINS, camp.log_origin),
            logged_at=utc_times(at, camp.log_time),
        ),
    )


def write_surveys(session: Session, mv: DemoMovement, person: np.ndarray) -> None:
    sv, at = mv.surveys, mv.period
    bulk_insert(
        session,
        SurveyResponse,
        as_rows(
            sv.person.size,
            person_id=keys_at(person, sv.person),
            instrument=names_at(dsurveys.INSTRUMENTS, sv.instrument),
            answered_on=dates(at, sv.day),
            mode=names_at(dsurveys.MODES, sv.mode),
            created_at=utc_times(at, sv.day + 0.75),  # typed in that evening
            answers=[list(a) for a in sv.answers],
        ),
    )
