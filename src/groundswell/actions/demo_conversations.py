"""The demo's conversations: the closed one with its votes, and the live one visitors join."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from groundswell.actions.bulk_insert import (
    as_rows,
    bulk_insert,
    keys_at,
    names_at,
    optional_keys,
    utc_times,
)
from groundswell.demo import DemoMovement, places
from groundswell.demo import conversation as dconv
from groundswell.store.models import Conversation, Participant, Statement, Vote


def write_conversation(
    session: Session, mv: DemoMovement, person: np.ndarray, initiative_id: int
) -> None:
    """The closed conversation: participants (most linked to people), statements, votes."""
    cv, at = mv.conversation, mv.period
    opened, closed = utc_times(at, np.array([cv.opened_day, cv.closed_day]))
    conversation_id = _conversation(
        session,
        slug=dconv.SLUG,
        topic=dconv.TOPIC,
        question=dconv.QUESTION,
        moderation="post",
        initiative_id=initiative_id,
        opened_at=opened,
        closed_at=closed,
    )
    count = cv.participant_person.size
    participant = bulk_insert(
        session,
        Participant,
        as_rows(
            count,
            conversation_id=conversation_id,
            pid=list(range(count)),
            person_id=optional_keys(person, cv.participant_person),
            created_at=utc_times(at, cv.participant_day),
        ),
        ids=True,
    )
    statement = bulk_insert(
        session,
        Statement,
        as_rows(
            len(cv.statement_text),
            conversation_id=conversation_id,
            tid=list(range(len(cv.statement_text))),
            author_id=optional_keys(participant, cv.statement_author),
            text=list(cv.statement_text),
            status=names_at(dconv.STATEMENT_STATUSES, cv.statement_status),
            is_seed=cv.statement_seed.tolist(),
            created_at=utc_times(at, cv.statement_day),
        ),
        ids=True,
    )
    bulk_insert(
        session,
        Vote,
        as_rows(
            cv.vote_pid.size,
            conversation_id=conversation_id,
            participant_id=keys_at(participant, cv.vote_pid),
            statement_id=keys_at(statement, cv.vote_tid),
            value=cv.vote_value.tolist(),
            created_at=utc_times(at, cv.vote_day),
        ),
    )


def write_live_conversation(session: Session, period: places.Period, initiative_id: int) -> None:
    """The movement's next conversation, open for visitors' votes (``dconv.LIVE_SLUG``)."""
    (opened,) = utc_times(period, np.array([dconv.LIVE_OPENS]))
    conversation_id = _conversation(
        session,
        slug=dconv.LIVE_SLUG,
        topic=dconv.LIVE_TOPIC,
        question=dconv.LIVE_QUESTION,
        moderation="pre",
        initiative_id=initiative_id,
        opened_at=opened,
        closed_at=None,
    )
    seeds = len(dconv.LIVE_SEEDS)
    bulk_insert(
        session,
        Statement,
        as_rows(
            seeds,
            conversation_id=conversation_id,
            tid=list(range(seeds)),
            author_id=None,
            text=list(dconv.LIVE_SEEDS),
            status="accepted",
            is_seed=True,
            created_at=opened,
        ),
    )


def _conversation(session: Session, **columns: Any) -> int:
    """Insert one conversation row; its id."""
    return int(bulk_insert(session, Conversation, as_rows(1, **columns), ids=True)[0])
