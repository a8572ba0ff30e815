"""How a relationship survey is going: links, answers, response rates, ties and names waiting.

Response rates are aggregates about people, so the small-number rule applies
(``measures.suppression``): a town's or team's count of links or answers
under 10 is not shown, nor its rate, and within the towns (which add up to
the whole) one more is hidden where needed so that no small count can be
found by subtraction. People can be in several teams (campaign teams), so
teams do not add up to the whole and each is only checked on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.survey_common import (
    BOTH_WAYS_NOTE,
    QuestionView,
    SurveySummary,
    find_survey,
    question_view,
    questions_of,
)
from groundswell.measures.suppression import (
    MIN_CELL,
    SMALL_CELL,
    Cell,
    cell,
    count_cell,
    hide,
    protect,
)
from groundswell.store.models import (
    CampaignMember,
    NominationStatus,
    Person,
    RelationshipSurvey,
    SurveyLink,
    SurveyNomination,
    SurveyQuestion,
)

NO_TOWN = "no town given"
NO_TEAM = "no team"


@dataclass(frozen=True)
class RateRow:
    """One town's or team's links issued, answers and response rate (or why hidden)."""

    group: str
    issued: Cell
    answered: Cell
    rate: Cell

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "issued": self.issued.to_dict(),
            "answered": self.answered.to_dict(),
            "rate": self.rate.to_dict(),
        }


@dataclass(frozen=True)
class SurveyOverview:
    slug: str
    title: str
    intro: str
    status: str
    both_ways: bool
    both_ways_note: str  # how the survey's nominations are to be read, said on every result
    audience_town: str | None
    audience_team: str | None
    questions: list[QuestionView]
    links_issued: int
    answered: Cell
    response_rate: Cell
    by_town: list[RateRow]
    by_team: list[RateRow]
    ties_by_kind: dict[str, int]
    pending_names: int
    nominations: dict[str, int] = field(default_factory=dict)  # by status

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("answered", "response_rate"):
            out[name] = getattr(self, name).to_dict()
        out["by_town"] = [r.to_dict() for r in self.by_town]
        out["by_team"] = [r.to_dict() for r in self.by_team]
        return out


def list_surveys(app: Database) -> list[SurveySummary]:
    """Every survey, newest first, with its links issued and answers (counts under 10 hidden)."""
    with app.reading() as session:
        surveys = session.scalars(
            select(RelationshipSurvey).order_by(
                RelationshipSurvey.created_at.desc(), RelationshipSurvey.id.desc()
            )
        ).all()
        links = _per_survey(session)
        answered = _per_survey(session, answered_only=True)
        out = []
        for survey in surveys:
            kinds = [q.tie_kind for q in questions_of(session, survey.id)]
            out.append(
                SurveySummary(
                    slug=survey.slug, title=survey.title, status=survey.status.value,
                    both_ways=survey.both_ways, audience_town=survey.audience_town,
                    audience_team=survey.audience_team, tie_kinds=kinds,
                    links_issued=links.get(survey.id, 0),
                    answered=count_cell(answered.get(survey.id, 0)),
                    created_at=survey.created_at,
                )
            )  # fmt: skip
    return out


def _per_survey(session: Session, *, answered_only: bool = False) -> dict[int, int]:
    query = select(SurveyLink.survey_id, func.count()).group_by(SurveyLink.survey_id)
    if answered_only:
        query = query.where(SurveyLink.answered_at.is_not(None))
    return {sid: n for sid, n in session.execute(query)}


def survey_overview(app: Database, slug: str) -> SurveyOverview:
    """Links issued, answers, response rates overall, by town and by team, ties and names."""
    with app.reading() as session:
        survey = find_survey(session, slug)
        questions = questions_of(session, survey.id)
        links = session.execute(
            select(SurveyLink.person_id, SurveyLink.answered_at.is_not(None), Person.town)
            .join(Person, Person.id == SurveyLink.person_id)
            .where(SurveyLink.survey_id == survey.id)
        ).all()
        issued = len(links)
        answered = sum(1 for _, done, _ in links if done)
        towns_issued: Counter[str] = Counter(town or NO_TOWN for _, _, town in links)
        towns_answered: Counter[str] = Counter(town or NO_TOWN for _, done, town in links if done)
        teams = _teams(session, [pid for pid, _, _ in links])
        teams_issued: Counter[str] = Counter()
        teams_answered: Counter[str] = Counter()
        for pid, done, _ in links:
            for team in teams.get(pid, [NO_TEAM]):
                teams_issued[team] += 1
                teams_answered[team] += done
        return SurveyOverview(
            slug=survey.slug,
            title=survey.title,
            intro=survey.intro,
            status=survey.status.value,
            both_ways=survey.both_ways,
            both_ways_note=BOTH_WAYS_NOTE[survey.both_ways],
            audience_town=survey.audience_town,
            audience_team=survey.audience_team,
            questions=[question_view(q) for q in questions],
            links_issued=issued,
            answered=count_cell(answered),
            response_rate=_rate(answered, issued),
            by_town=rate_rows(towns_issued, towns_answered, adds_up=True),
            # Without campaign teams there is nothing to split by.
            by_team=rate_rows(teams_issued, teams_answered, adds_up=False) if teams else [],
            ties_by_kind=_ties_by_kind(session, survey, questions),
            pending_names=_pending(session, survey),
            nominations=_by_status(session, survey),
        )


def _rate(answered: int, issued: int) -> Cell:
    # The rate gives the answer count away (rate x links), so it needs both counts shown.
    if issued < MIN_CELL or answered < MIN_CELL:
        return Cell(None, None, SMALL_CELL)
    return cell(round(answered / issued, 3), issued)


def rate_rows(
    issued: Mapping[str, int], answered: Mapping[str, int], *, adds_up: bool
) -> list[RateRow]:
    """Rows of links, answers and rates per group, small counts suppressed.

    ``adds_up``: the groups partition the whole (towns), so secondary
    suppression protects the small cells against subtraction from the total.

    >>> rows = rate_rows({"A": 40, "B": 30, "C": 25}, {"A": 20, "B": 12, "C": 3}, adds_up=True)
    >>> [(r.group, r.issued.value, r.answered.value, r.rate.value) for r in rows]
    [('A', 40, 20, 0.5), ('B', 30, None, None), ('C', 25, None, None)]
    """
    groups = sorted(issued, key=lambda g: (-issued[g], str(g)))
    n_issued = [issued[g] for g in groups]
    n_answered = [answered.get(g, 0) for g in groups]
    hide_issued = protect(n_issued, total=adds_up).hidden
    hide_answered = protect(n_answered, total=adds_up).hidden
    rows = []
    for i, group in enumerate(groups):
        links = count_cell(n_issued[i])
        done = count_cell(n_answered[i])
        rate = _rate(n_answered[i], n_issued[i])
        if i in hide_issued:
            links, rate = hide(links), hide(rate)
        if i in hide_answered:
            done, rate = hide(done), hide(rate)
        rows.append(RateRow(str(group), links, done, rate))
    return rows


def _teams(session: Session, person_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    chunk = 900  # below SQLite's bound-parameter limit
    for start in range(0, len(person_ids), chunk):
        rows = session.execute(
            select(CampaignMember.person_id, CampaignMember.team)
            .distinct()
            .where(
                CampaignMember.person_id.in_(person_ids[start : start + chunk]),
                CampaignMember.team.is_not(None),
            )
            .order_by(CampaignMember.team)
        )
        for pid, team in rows:
            if team and team not in out.setdefault(pid, []):
                out[pid].append(team)
    return out


def _ties_by_kind(
    session: Session, survey: RelationshipSurvey, questions: list[SurveyQuestion]
) -> dict[str, int]:
    """Distinct ties the survey's matched nominations stand for, per kind."""
    rows = session.execute(
        select(SurveyQuestion.tie_kind, SurveyNomination.respondent_id, SurveyNomination.nominee_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyNomination.question_id)
        .where(
            SurveyNomination.survey_id == survey.id,
            SurveyNomination.status == NominationStatus.MATCHED,
            SurveyNomination.nominee_id != SurveyNomination.respondent_id,
        )
        .distinct()
    ).all()
    counts = Counter(kind for kind, _, _ in rows)
    return {q.tie_kind: counts.get(q.tie_kind, 0) for q in questions}


def _pending(session: Session, survey: RelationshipSurvey) -> int:
    texts = session.scalars(
        select(SurveyNomination.nominee_text).where(
            SurveyNomination.survey_id == survey.id,
            SurveyNomination.status == NominationStatus.PENDING,
        )
    )
    return len({" ".join((t or "").split()).casefold() for t in texts})


def _by_status(session: Session, survey: RelationshipSurvey) -> dict[str, int]:
    rows = session.execute(
        select(SurveyNomination.status, func.count())
        .where(SurveyNomination.survey_id == survey.id)
        .group_by(SurveyNomination.status)
    )
    found = {status.value: n for status, n in rows}
    return {s.value: found.get(s.value, 0) for s in NominationStatus}
