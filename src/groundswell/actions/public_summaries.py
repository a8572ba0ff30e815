"""The movement's public summaries: totals, lists, network shape, measures and stories.

Use cases that only read: the home page, the Network and Stories pages and
the JSON API (``/api/v1``) show what these return, every figure suppressed
here (``measures.suppression``), so no page or answer can show it another way.

Every count is computed by the database (``COUNT``/``SUM`` with ``GROUP BY``);
Python only reshapes the handful of grouped rows that come back.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Row, func, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.selectable import ScalarSelect

from groundswell.actions.initiatives import member_counts
from groundswell.actions.statement_check import shown_counts
from groundswell.actions.summary_models import (
    CampaignSummary,
    ConversationSummary,
    DegreeBand,
    InitiativeSummary,
    MeasuresSummary,
    NetworkSummary,
    ResponseCount,
    Stats,
    StoriesSummary,
)
from groundswell.measures import suppression as sup
from groundswell.measures.suppression import MIN_CELL
from groundswell.store.models import (
    ActivityLog,
    Base,
    Campaign,
    ConsentLevel,
    Conversation,
    Hand,
    Initiative,
    Participant,
    Person,
    PowerMode,
    Statement,
    Story,
    StoryStatus,
    SurveyResponse,
    Tie,
    Vote,
)

# Lists on a page or in one API answer stop here; the page says how many more there are.
LIST_LIMIT = 200

_COUNTED = {
    "people": Person,
    "ties": Tie,
    "initiatives": Initiative,
    "conversations": Conversation,
    "participants": Participant,
    "statements": Statement,
    "votes": Vote,
    "campaigns": Campaign,
    "activity_logs": ActivityLog,
    "stories": Story,
    "survey_responses": SurveyResponse,
}

# Degree bands for the network page: (label, lowest, highest or None).
_BANDS = [
    ("No ties", 0, 0),
    ("1 to 2", 1, 2),
    ("3 to 5", 3, 5),
    ("6 to 10", 6, 10),
    ("11 to 20", 11, 20),
    ("21 to 50", 21, 50),
    ("More than 50", 51, None),
]


def _count(model: type[Base]) -> ScalarSelect[int]:
    return select(func.count()).select_from(model).scalar_subquery()


def counts(session: Session) -> dict[str, int]:
    """Row counts of the main tables, in one round trip."""
    row = session.execute(
        select(*[_count(model).label(name) for name, model in _COUNTED.items()])
    ).one()
    return {name: int(value) for name, value in row._mapping.items()}


def initiatives_by_hand_and_mode(session: Session) -> dict[str, dict[str, int]]:
    table = {hand.value: {mode.value: 0 for mode in PowerMode} for hand in Hand}
    rows = session.execute(
        select(Initiative.hand, Initiative.power_mode, func.count()).group_by(
            Initiative.hand, Initiative.power_mode
        )
    )
    for hand, mode, count in rows:
        table[Hand(hand).value][PowerMode(mode).value] = int(count)
    return table


def _grouped(
    session: Session, column: InstrumentedAttribute[Any], values: list[str]
) -> dict[str, int]:
    found = {
        str(getattr(k, "value", k)): int(n)
        for k, n in session.execute(select(column, func.count()).group_by(column))
    }
    return {value: found.get(value, 0) for value in values}


def _protected(split: dict[str, int]) -> dict[str, int | None]:
    """A split of a published total, small counts (and one more beside them) as ``None``.

    Stories stand for their storytellers, so a status or consent level of fewer
    than ``MIN_CELL`` stories is hidden, with secondary suppression as the split
    adds up to the total shown (``suppression.protect``).
    """
    hidden = sup.protect(list(split.values())).hidden
    return {k: None if i in hidden else n for i, (k, n) in enumerate(split.items())}


def stats(session: Session) -> Stats:
    """Everything the home page and ``GET /api/v1/stats`` show."""
    by_status = _grouped(session, Story.status, [s.value for s in StoryStatus])
    return Stats(
        **counts(session),
        initiatives_by_hand_and_mode=initiatives_by_hand_and_mode(session),
        stories_by_status=_protected(by_status),
    )


def conversations(
    session: Session, limit: int = LIST_LIMIT, *, slug: str | None = None
) -> list[ConversationSummary]:
    """Conversations, newest first, with participant, statement and vote counts."""

    def per_conversation(model: type[Participant | Statement | Vote]) -> ScalarSelect[int]:
        return (
            select(func.count())
            .select_from(model)
            .where(model.conversation_id == Conversation.id)
            .scalar_subquery()
        )

    query = select(
        Conversation.id,
        Conversation.slug,
        Conversation.topic,
        Conversation.question,
        Conversation.closed_at.is_(None).label("open"),
        per_conversation(Participant).label("participants"),
        per_conversation(Vote).label("votes"),
    )
    if slug is not None:
        query = query.where(Conversation.slug == slug)
    rows = session.execute(
        query.order_by(Conversation.opened_at.desc(), Conversation.id.desc()).limit(limit)
    ).all()
    # Statements as the report counts them: never pending in pre-moderation, removed or held.
    shown = shown_counts(session, [row.id for row in rows])
    return [
        ConversationSummary.model_validate({**row._mapping, "statements": shown[row.id]})
        for row in rows
    ]


def initiatives(session: Session, limit: int = LIST_LIMIT) -> list[InitiativeSummary]:
    """Initiatives by name, with hand, power mode and member count (suppressed under 10)."""
    members = member_counts(session)
    rows = session.execute(
        select(
            Initiative.id,
            Initiative.slug,
            Initiative.name,
            Initiative.hand,
            Initiative.power_mode,
            Initiative.town,
            Initiative.started_on,
        )
        .order_by(Initiative.name, Initiative.id)
        .limit(limit)
    )
    out = []
    for row in rows:
        found = members[row.id]
        values = {k: v for k, v in row._mapping.items() if k != "id"}
        out.append(InitiativeSummary(
            **{**values, "hand": row.hand.value, "power_mode": row.power_mode.value},
            members=found.value, suppressed=found.suppressed,
        ))  # fmt: skip
    return out


def campaigns(session: Session, limit: int = LIST_LIMIT) -> list[CampaignSummary]:
    """Campaigns, newest first, with how many people log and the running total."""
    totals = (
        select(
            ActivityLog.campaign_id,
            func.count(func.distinct(ActivityLog.person_id)).label("people_logging"),
            func.count().label("logs"),
            func.coalesce(func.sum(ActivityLog.amount), 0.0).label("total"),
        )
        .group_by(ActivityLog.campaign_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Campaign.slug,
            Campaign.name,
            Campaign.unit,
            Campaign.starts_on,
            Campaign.ends_on,
            func.coalesce(totals.c.people_logging, 0).label("people_logging"),
            func.coalesce(totals.c.logs, 0).label("logs"),
            func.coalesce(totals.c.total, 0.0).label("total"),
        )
        .outerjoin(totals, totals.c.campaign_id == Campaign.id)
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
        .limit(limit)
    )
    return [_campaign_summary(row) for row in rows]


def _campaign_summary(row: Row[Any]) -> CampaignSummary:
    # Collective figures over fewer than MIN_CELL people are never shown, in
    # pages or the API (the small-number rule of groundswell.measures.suppression).
    values = {**row._mapping, "unit": row.unit.value}
    if values["people_logging"] < MIN_CELL:
        values.update(people_logging=None, logs=None, total=None, suppressed=True)
    return CampaignSummary(**values)


def network(session: Session) -> NetworkSummary:
    """People and ties, and the spread of ties per person (a tie counts for both ends)."""
    ends = union_all(
        select(Tie.source_id.label("person_id")), select(Tie.target_id.label("person_id"))
    ).subquery()
    per_person = select(func.count().label("degree")).select_from(ends).group_by(ends.c.person_id)
    # One column of small integers, read straight into an array (no per-row objects).
    connected = np.fromiter(session.scalars(per_person), dtype=np.int64)
    found = counts(session)
    people, ties = found["people"], found["ties"]
    isolated = max(people - connected.size, 0)
    degrees = np.concatenate([connected, np.zeros(isolated, dtype=np.int64)])
    in_band = []
    for _, low, high in _BANDS:
        inside = degrees >= low if high is None else (degrees >= low) & (degrees <= high)
        in_band.append(int(inside.sum()))
    # Bands add up to the people shown: small bands, and one more beside them, are hidden.
    shown = _protected({label: n for (label, _, _), n in zip(_BANDS, in_band, strict=True)})
    return NetworkSummary(
        people=people,
        ties=ties,
        isolated=shown[_BANDS[0][0]],
        mean_degree=float(degrees.mean()) if degrees.size else 0.0,
        median_degree=float(np.median(degrees)) if degrees.size else 0.0,
        max_degree=top_coded_max(degrees),
        bands=[DegreeBand(label=label, people=n) for label, n in shown.items()],
    )


def top_coded_max(degrees: np.ndarray) -> int | None:
    """The most ties that at least ``MIN_CELL`` people have (``None`` under that many people).

    The plain maximum is one person's tie count; top-coding it at the
    ``MIN_CELL``-th largest value is the usual treatment of extreme values
    (Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 3.4 top-coding).

    >>> top_coded_max(np.array([50, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1]))
    1
    """
    if degrees.size < MIN_CELL:
        return None
    return int(np.partition(degrees, degrees.size - MIN_CELL)[degrees.size - MIN_CELL])


def measures(session: Session) -> MeasuresSummary:
    """Survey responses by instrument and mode of collection."""
    rows = session.execute(
        select(
            SurveyResponse.instrument,
            SurveyResponse.mode,
            func.count(),
            func.count(func.distinct(SurveyResponse.person_id)),
        )
        .group_by(SurveyResponse.instrument, SurveyResponse.mode)
        .order_by(SurveyResponse.instrument, SurveyResponse.mode)
    ).all()
    # The responses shown add up to the total shown: a small group, and one more, are hidden.
    hidden = sup.protect([int(people) for *_, people in rows]).hidden
    groups = [
        ResponseCount(instrument=instrument.value, mode=mode.value, responses=int(n))
        if i not in hidden
        else ResponseCount(instrument=instrument.value, mode=mode.value, responses=None,
                           suppressed=True)
        for i, (instrument, mode, n, people) in enumerate(rows)
    ]  # fmt: skip
    respondents = int(
        session.scalar(select(func.count(func.distinct(SurveyResponse.person_id)))) or 0
    )
    responses = int(session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)
    few = 0 < respondents < MIN_CELL
    return MeasuresSummary(
        survey_responses=None if few else responses,
        respondents=None if few else respondents,
        by_instrument_and_mode=groups,
    )


def stories(session: Session) -> StoriesSummary:
    """Story counts by status and consent; never a title or a word of a story."""
    by_status = _grouped(session, Story.status, [s.value for s in StoryStatus])
    by_consent = _grouped(session, Story.consent_level, [c.value for c in ConsentLevel])
    return StoriesSummary(
        stories=sum(by_status.values()),
        by_status=_protected(by_status),
        by_consent=_protected(by_consent),
    )
