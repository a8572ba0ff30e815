"""The movement's public summaries as typed records: totals, lists, network, measures, stories.

``actions.public_summaries`` returns them with every figure already
suppressed; the JSON API (``/api/v1``) answers with them and the pages render
the same objects.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field


def _two_places(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# A sum of logged amounts carries binary noise (17549.40000000047 miles): two
# decimal places are more than anyone logs, and JSON readers show what is sent.
Rounded = Annotated[float, AfterValidator(_two_places)]


class Stats(BaseModel):
    """Counts of everything in the movement's database."""

    people: int
    ties: int
    initiatives: int
    initiatives_by_hand_and_mode: dict[str, dict[str, int]] = Field(
        description="hand (grassroots, system) -> power mode (keeping, sharing, ceding) -> count"
    )
    conversations: int
    participants: int
    statements: int
    votes: int
    campaigns: int
    activity_logs: int
    stories: int
    stories_by_status: dict[str, int | None] = Field(
        description="status -> stories; None under 10 (or beside a status that has under 10)"
    )
    survey_responses: int

    def initiatives_by_hand(self) -> dict[str, int]:
        by_hand = self.initiatives_by_hand_and_mode
        return {hand: sum(modes.values()) for hand, modes in by_hand.items()}

    def initiatives_by_mode(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for modes in self.initiatives_by_hand_and_mode.values():
            for mode, count in modes.items():
                totals[mode] = totals.get(mode, 0) + count
        return totals


class ConversationSummary(BaseModel):
    slug: str
    topic: str
    question: str
    open: bool
    participants: int
    statements: int
    votes: int


class InitiativeSummary(BaseModel):
    slug: str
    name: str
    hand: str
    power_mode: str
    town: str | None
    started_on: date | None
    members: int | None = Field(
        description="None (and suppressed) under 10 members, or beside an initiative of the"
        " same hand and power mode that has under 10"
    )
    suppressed: bool = False


class CampaignSummary(BaseModel):
    """A campaign's collective figures; ``None`` (and ``suppressed``) under 10 people."""

    slug: str
    name: str
    unit: str
    starts_on: date
    ends_on: date | None
    people_logging: int | None
    logs: int | None
    total: Rounded | None
    suppressed: bool = False


class DegreeBand(BaseModel):
    label: str
    people: int | None = Field(description="None under 10 people (or beside a band that has)")


class NetworkSummary(BaseModel):
    """People, ties and how ties spread over people (ties counted both ways)."""

    people: int
    ties: int
    isolated: int | None = Field(description="people with no tie; None as its band is")
    mean_degree: Rounded
    median_degree: Rounded
    max_degree: int | None = Field(
        description="top-coded: the most ties that at least 10 people have (never one"
        " person's count); None under 10 people"
    )
    bands: list[DegreeBand]


class ResponseCount(BaseModel):
    """Responses to one instrument by one mode; ``None`` when under 10 people answered."""

    instrument: str
    mode: str
    responses: int | None
    suppressed: bool = False


class MeasuresSummary(BaseModel):
    survey_responses: int | None
    respondents: int | None
    by_instrument_and_mode: list[ResponseCount]


class StoriesSummary(BaseModel):
    """Story counts only: no story text or title ever appears on a public page."""

    stories: int
    by_status: dict[str, int | None] = Field(description="None under 10 (or beside one)")
    by_consent: dict[str, int | None] = Field(description="None under 10 (or beside one)")
