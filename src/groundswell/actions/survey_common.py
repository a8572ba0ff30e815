"""What the relationship-survey actions share: their answers' shapes and the lookups.

The actions themselves are in ``actions.relationship_surveys`` (surveys,
links, answers), ``actions.survey_names`` (typed names an organiser
resolves), ``actions.survey_overview`` (response rates) and
``actions.survey_import`` (answers from paper).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from groundswell.actions.attendance_ties import KIND as ATTENDED
from groundswell.actions.survey_withdrawal import SURVEY_ORIGIN
from groundswell.auth.tokens import hash_token
from groundswell.errors import Conflict, ExpiredLink, InvalidInput, LinkAlreadyUsed, NotFound
from groundswell.measures.suppression import Cell
from groundswell.network.name_match import normalise
from groundswell.store.models import (
    CampaignMember,
    Person,
    RelationshipSurvey,
    SurveyLink,
    SurveyQuestion,
    SurveyStatus,
    Tie,
)

TIE_KIND = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
REF_PREFIX = "ref:"  # an answer entry naming a person picked from the roster
MAX_NAME = 120  # characters in a typed name (SurveyNomination.nominee_text)
LINK_ACTOR = "survey-link"  # who acts when someone answers through their link
ALREADY = "this link has already been used to answer: thank you, your answers are in"
BOTH_WAYS_NOTE = {
    True: "nominations may be read both ways: a tie counts for both people",
    False: "nominations are read as given, one way: from the person who answered",
}


@dataclass(frozen=True)
class QuestionSpec:
    """A question as an organiser writes it: its text, tie kind and answer cap."""

    text: str
    tie_kind: str
    max_answers: int | None = None


@dataclass(frozen=True)
class QuestionView:
    id: int
    text: str
    tie_kind: str
    max_answers: int | None


@dataclass(frozen=True)
class SurveySummary:
    slug: str
    title: str
    status: str
    both_ways: bool
    audience_town: str | None
    audience_team: str | None
    tie_kinds: list[str]
    links_issued: int
    answered: Cell  # a head count: fewer than 10 is not shown
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["answered"] = self.answered.to_dict()
        out["created_at"] = self.created_at.isoformat()
        return out


@dataclass(frozen=True)
class IssuedLink:
    """A new personal link: the plain token is given here once and never stored."""

    person_ref: str
    display_name: str
    town: str
    token: str


@dataclass(frozen=True)
class LinkView:
    slug: str
    title: str
    intro: str
    questions: list[QuestionView]
    respondent: str  # the display name of the person the link is for
    answered: bool
    consented: bool
    closed: bool


@dataclass(frozen=True)
class RosterEntry:
    ref: str
    display_name: str
    town: str


@dataclass(frozen=True)
class AnswerReceipt:
    matched: int
    pending: int


@dataclass(frozen=True)
class Suggestion:
    ref: str
    display_name: str
    town: str
    score: float


@dataclass(frozen=True)
class PendingName:
    name: str
    tie_kind: str
    nominations: int
    suggestions: list[Suggestion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput(
            "slug: use lower-case letters, digits and hyphens (80 at most), e.g. health-talk-2026"
        )
    return slug


def check_tie_kind(kind: str, where: str = "tie kind") -> str:
    kind = (kind or "").strip()
    if not TIE_KIND.match(kind):
        raise InvalidInput(
            f"{where}: '{kind}' is not a tie kind; use 2 to 32 lower-case letters, digits "
            "and underscores, starting with a letter, e.g. health_talk"
        )
    if kind == ATTENDED:
        # Events rebuild these ties from attendance, which would delete a survey's.
        raise InvalidInput(f"{where}: '{kind}' is written by events; choose another kind")
    return kind


def clean_name(text: str) -> str:
    """A typed name with its spaces tidied; refused when too long to keep."""
    name = " ".join((text or "").split())
    if len(name) > MAX_NAME:
        raise InvalidInput(f"'{name[:40]}...': a name is at most {MAX_NAME} characters")
    return name


def find_survey(session: Session, slug: str) -> RelationshipSurvey:
    survey = session.scalar(
        select(RelationshipSurvey).where(RelationshipSurvey.slug == (slug or "").strip())
    )
    if survey is None:
        raise NotFound(f"there is no relationship survey '{slug}'; see 'groundswell surveys list'")
    return survey


def questions_of(session: Session, survey_id: int) -> list[SurveyQuestion]:
    return list(
        session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey_id)
            .order_by(SurveyQuestion.position)
        )
    )


def question_view(q: SurveyQuestion) -> QuestionView:
    return QuestionView(q.id, q.text, q.tie_kind, q.max_answers)


def link_by_token(session: Session, token: str) -> SurveyLink | None:
    if not token or len(token) > 128:
        return None
    return session.scalar(select(SurveyLink).where(SurveyLink.token_hash == hash_token(token)))


def require_link(session: Session, token: str) -> tuple[SurveyLink, RelationshipSurvey]:
    link = link_by_token(session, token)
    if link is None:
        raise ExpiredLink(
            "this survey link is not known: check it was copied whole, or ask the "
            "organiser who sent it for a new one"
        )
    survey = session.get(RelationshipSurvey, link.survey_id)
    assert survey is not None  # the foreign key cascades
    return link, survey


def check_usable(link: SurveyLink, survey: RelationshipSurvey) -> None:
    """Refuse a spent link, or a link to a closed survey."""
    if link.answered_at is not None:
        raise LinkAlreadyUsed(ALREADY)
    if survey.status is SurveyStatus.CLOSED:
        raise Conflict(f"the survey '{survey.title}' is closed: it takes no more answers")


def audience(survey: RelationshipSurvey) -> Select[Person]:
    """The people a survey asks: everyone, or those in its town and team."""
    query = select(Person)
    if survey.audience_town:
        query = query.where(Person.town == survey.audience_town)
    if survey.audience_team:
        query = query.where(
            exists().where(
                CampaignMember.person_id == Person.id, CampaignMember.team == survey.audience_team
            )
        )
    return query


def in_audience(session: Session, survey: RelationshipSurvey, person_id: int) -> bool:
    query = audience(survey).where(Person.id == person_id).with_only_columns(Person.id)
    return session.scalar(query) is not None


def audience_names(
    session: Session, survey: RelationshipSurvey
) -> dict[str, list[tuple[int, bool]]]:
    """Each ``name_match.normalise`` key of a name on the roster, to its people, each
    with whether the survey asks them.

    Compared in Python, not by the database's ``lower()``: SQLite's lower-cases
    ASCII only, and ``normalise`` also drops accents and punctuation.
    """
    asked = Person.id.in_(audience(survey).with_only_columns(Person.id))
    found: dict[str, list[tuple[int, bool]]] = {}
    for pid, display, in_it in session.execute(select(Person.id, Person.display_name, asked)):
        key = normalise(display or "")
        if key:
            found.setdefault(key, []).append((pid, bool(in_it)))
    return found


def one_named(
    index: Mapping[str, list[tuple[int, bool]]], name: str, *, besides: int
) -> int | None:
    """The one person (other than ``besides``) named ``name``, if the survey asks them.

    None where nobody is, where they are outside the audience, or where
    anyone else carries the name too: a namesake is never picked silently.
    """
    found = [(pid, asked) for pid, asked in index.get(normalise(name), ()) if pid != besides]
    return found[0][0] if len(found) == 1 and found[0][1] else None


def names_to_people(
    session: Session, survey: RelationshipSurvey, names: Sequence[str], *, besides: int
) -> dict[str, int | None]:
    """Each name (by its ``name_match.normalise`` key) to the one person, other than
    ``besides``, whose name it is, if the survey asks them (``one_named``)."""
    keys = {normalise(n) for n in names} - {""}
    if not keys:
        return {}
    index = audience_names(session, survey)
    return {key: one_named(index, key, besides=besides) for key in keys}


def prefix_pattern(text: str) -> str:
    """``text`` as a LIKE pattern matching what starts with it (escape character: backslash)."""
    return f"{_escape(text)}%"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(text: str) -> str:
    """``text`` as a LIKE pattern matching itself anywhere (escape character: backslash)."""
    return f"%{_escape(text)}%"


def write_ties(
    session: Session, source_id: int, target_ids: Sequence[int], kind: str, at: datetime
) -> int:
    """Survey ties ``source -> each target`` not already there (of that kind); how many new."""
    targets = [t for t in dict.fromkeys(target_ids) if t != source_id]
    if not targets:
        return 0
    there = set(
        session.scalars(
            select(Tie.target_id).where(
                Tie.source_id == source_id, Tie.kind == kind, Tie.target_id.in_(targets)
            )
        )
    )
    new = [t for t in targets if t not in there]
    session.add_all(
        Tie(source_id=source_id, target_id=t, kind=kind, weight=1.0, origin=SURVEY_ORIGIN,
            observed_at=at)
        for t in new
    )  # fmt: skip
    session.flush()
    return len(new)


def write_tie(session: Session, source_id: int, target_id: int, kind: str, at: datetime) -> bool:
    """A survey tie ``source -> target`` unless that tie of that kind is there; True if new."""
    return write_ties(session, source_id, [target_id], kind, at) == 1
