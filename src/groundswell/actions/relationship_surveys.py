"""Relationship surveys: who people talk to, asked through personal one-time links.

A name-generator survey (the method of organisational network analysis:
Borgatti, Everett & Johnson, *Analyzing Social Networks*, 2nd ed., Sage
2018, ch. 4 "Research design" on name generators) asks each person in its
audience questions such as "Who do you talk to about your health?". Each
question writes ties of its own kind (``health_talk``) from the person who
answered to each person they name, so ``seeds db --tie-kind health_talk``
answers the 3% question on those ties alone.

Honest about who did not answer: ties come only from people who answered;
nobody is recorded as naming anyone on someone else's behalf. A survey's
``both_ways`` flag says whether its nominations may be read as ties both ways
(a common repair for non-response, which then says so on every result).

Each person answers through their own link without an account, consent first
(recorded in the consent registry as ``network_survey``); the link answers
once. A name typed that matches exactly one person writes a tie at once;
otherwise it waits for an organiser (``actions.survey_names``) and writes
no tie until matched. This module re-exports those actions, the overview and
the import, so pages and commands import from one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.privacy import record_consent_event
from groundswell.actions.survey_common import (
    ALREADY,
    BOTH_WAYS_NOTE,
    LINK_ACTOR,
    REF_PREFIX,
    AnswerReceipt,
    IssuedLink,
    LinkView,
    PendingName,
    QuestionSpec,
    QuestionView,
    RosterEntry,
    Suggestion,
    SurveySummary,
    audience,
    check_slug,
    check_tie_kind,
    check_usable,
    clean_name,
    find_survey,
    names_to_people,
    questions_of,
    require_link,
    write_ties,
)
from groundswell.actions.survey_import import ImportSummary, import_answers
from groundswell.actions.survey_links import do_issue_links, open_link, roster_search
from groundswell.actions.survey_names import do_add_person, do_dismiss, do_match, pending_names
from groundswell.actions.survey_overview import (
    RateRow,
    SurveyOverview,
    list_surveys,
    survey_overview,
)
from groundswell.errors import Conflict, ConsentRequired, InvalidInput, LinkAlreadyUsed
from groundswell.measures.suppression import count_cell
from groundswell.network.name_match import normalise
from groundswell.store.models import (
    ConsentPurpose,
    NominationStatus,
    Person,
    RelationshipSurvey,
    SurveyLink,
    SurveyNomination,
    SurveyQuestion,
    SurveyStatus,
    utcnow,
)

__all__ = [
    "BOTH_WAYS_NOTE",
    "AnswerReceipt",
    "ImportSummary",
    "IssuedLink",
    "LinkView",
    "PendingName",
    "QuestionSpec",
    "QuestionView",
    "RateRow",
    "RosterEntry",
    "Suggestion",
    "SurveyOverview",
    "SurveySummary",
    "do_add_person",
    "do_answer",
    "do_close_survey",
    "do_create_survey",
    "do_dismiss",
    "do_issue_links",
    "do_match",
    "do_record_consent",
    "do_withdraw",
    "import_answers",
    "list_surveys",
    "open_link",
    "pending_names",
    "roster_search",
    "survey_overview",
]

MAX_QUESTIONS = 10


def do_create_survey(
    app: Database,
    *,
    slug: str,
    title: str,
    questions: Sequence[QuestionSpec],
    intro: str = "",
    audience_town: str | None = None,
    audience_team: str | None = None,
    both_ways: bool = False,
    actor: str,
) -> SurveySummary:
    """Create an open survey with its questions, each writing ties of its own kind."""
    slug = check_slug(slug)
    title = (title or "").strip()
    if not title or len(title) > 160:
        raise InvalidInput("title: give the survey a title of 1 to 160 characters")
    if len(intro or "") > 2000:
        raise InvalidInput("intro: use 2000 characters or fewer")
    if not questions:
        raise InvalidInput("questions: give at least one question, with its tie kind")
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(f"questions: ask at most {MAX_QUESTIONS} questions in one survey")
    checked = [_check_question(i, q) for i, q in enumerate(questions, start=1)]
    kinds = [q.tie_kind for q in checked]
    if len(set(kinds)) != len(kinds):
        raise InvalidInput(
            "tie kind: each question needs its own tie kind (two questions name the same); "
            "answers to one question are the ties of one kind"
        )
    town = (audience_town or "").strip() or None
    team = (audience_team or "").strip() or None
    for name, value in (("town", town), ("team", team)):
        if value is not None and len(value) > 80:
            raise InvalidInput(f"{name}: use 80 characters or fewer")
    with app.transaction() as session:
        if session.scalar(select(RelationshipSurvey.id).where(RelationshipSurvey.slug == slug)):
            raise Conflict(f"slug: there is already a survey '{slug}'; choose another slug")
        survey = RelationshipSurvey(
            slug=slug,
            title=title,
            intro=(intro or "").strip(),
            both_ways=both_ways,
            audience_town=town,
            audience_team=team,
            status=SurveyStatus.OPEN,
            created_at=utcnow(),
        )
        session.add(survey)
        session.flush()
        for position, q in enumerate(checked, start=1):
            session.add(
                SurveyQuestion(
                    survey_id=survey.id,
                    position=position,
                    text=q.text,
                    tie_kind=q.tie_kind,
                    max_answers=q.max_answers,
                )
            )
        record_access(session, actor, "survey_created", "relationship_survey", slug)
        session.flush()
        return _summary(survey, kinds, 0, 0)


def do_close_survey(app: Database, slug: str, *, actor: str, reopen: bool = False) -> SurveySummary:
    """Close a survey (its links then take no consent or answers), or open it again."""
    with app.transaction() as session:
        survey = find_survey(session, slug)
        survey.status = SurveyStatus.OPEN if reopen else SurveyStatus.CLOSED
        record_access(
            session, actor, "survey_reopened" if reopen else "survey_closed",
            "relationship_survey", survey.slug,
        )  # fmt: skip
        session.flush()
        kinds = [q.tie_kind for q in questions_of(session, survey.id)]
        links = session.scalars(
            select(SurveyLink.answered_at).where(SurveyLink.survey_id == survey.id)
        ).all()
        return _summary(survey, kinds, len(links), sum(1 for at in links if at is not None))


def _check_question(number: int, q: QuestionSpec) -> QuestionSpec:
    text = " ".join((q.text or "").split())
    if not text or len(text) > 300:
        raise InvalidInput(f"question {number}: write the question, 1 to 300 characters")
    kind = check_tie_kind(q.tie_kind, f"question {number}, tie kind")
    if q.max_answers is not None and not 1 <= q.max_answers <= 100:
        raise InvalidInput(
            f"question {number}, most answers: give a whole number from 1 to 100, or none"
        )
    return QuestionSpec(text, kind, q.max_answers)


def _summary(
    survey: RelationshipSurvey, kinds: list[str], links: int, answered: int
) -> SurveySummary:
    return SurveySummary(
        slug=survey.slug,
        title=survey.title,
        status=survey.status.value,
        both_ways=survey.both_ways,
        audience_town=survey.audience_town,
        audience_team=survey.audience_team,
        tie_kinds=kinds,
        links_issued=links,
        answered=count_cell(answered),
        created_at=survey.created_at,
    )


def do_record_consent(app: Database, token: str, *, consent: bool) -> None:
    """Record the person's answer to this survey's consent question.

    Consent is asked first, on its own step. Yes is recorded in the consent
    registry. No declines this link only: nothing is stored from it, and the
    registry and their answers to other surveys are left alone (a no to one
    survey is not a withdrawal from all; that is ``do_withdraw``).
    """
    now = utcnow()
    with app.transaction() as session:
        link, survey = require_link(session, token)
        if not consent:
            link.consent_at = None
            record_access(session, f"{LINK_ACTOR}:{link.id}", "survey_declined",
                          "relationship_survey", survey.slug)  # fmt: skip
            return
        check_usable(link, survey)
        person = session.get(Person, link.person_id)
        assert person is not None
        record_consent_event(
            session, person, ConsentPurpose.NETWORK_SURVEY, True,
            actor=f"{LINK_ACTOR}:{link.id}", source="web", note=f"survey {survey.slug}", at=now,
        )  # fmt: skip
        link.consent_at = now


def do_withdraw(app: Database, token: str) -> None:
    """Withdraw ``network_survey`` consent through a link: every survey's names they gave,
    and the ties those wrote, are deleted (``actions.survey_withdrawal``)."""
    with app.transaction() as session:
        link, survey = require_link(session, token)
        person = session.get(Person, link.person_id)
        assert person is not None
        record_consent_event(
            session, person, ConsentPurpose.NETWORK_SURVEY, False,
            actor=f"{LINK_ACTOR}:{link.id}", source="web", note=f"survey {survey.slug}",
            at=utcnow(),
        )  # fmt: skip


def do_answer(app: Database, token: str, answers: Mapping[int, Sequence[str]]) -> AnswerReceipt:
    """Record a person's answers; the link is spent after.

    ``answers`` maps a question's id to its entries: ``"ref:<ref>"`` for a
    person picked from the list, anything else a typed name. A typed name
    that is exactly one person's name (other than the person answering) is
    matched; any other waits for an organiser and writes no tie yet.
    """
    now = utcnow()
    with app.transaction() as session:
        link, survey = require_link(session, token)
        check_usable(link, survey)
        if link.consent_at is None:
            raise ConsentRequired(
                "answer the consent question first: names are kept only with your consent"
            )
        # Claim the link first: of two answers sent at once, the second finds it spent.
        claimed = session.execute(
            update(SurveyLink)
            .where(SurveyLink.id == link.id, SurveyLink.answered_at.is_(None))
            .values(answered_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            raise LinkAlreadyUsed(ALREADY)
        questions = {q.id: q for q in questions_of(session, survey.id)}
        for qid in answers:
            if qid not in questions:
                raise InvalidInput(f"question {qid} is not a question of this survey")
        entries = {qid: _entries(answers.get(qid, ())) for qid in questions}
        # Every name of the whole answer is looked up at once: two queries, not one a name.
        picked = _picked(session, survey, entries)
        typed = [e for es in entries.values() for e in es if not e.startswith(REF_PREFIX)]
        named = names_to_people(session, survey, typed, besides=link.person_id)
        matched = pending = 0
        for qid, question in questions.items():
            m, p = _record_question(
                session, survey, link.person_id, question, entries[qid], picked, named, now
            )
            matched, pending = matched + m, pending + p
        return AnswerReceipt(matched=matched, pending=pending)


def _entries(given: Sequence[str]) -> list[str]:
    """The entries given, blanks left out and typed names tidied (and refused when too long)."""
    entries = [e.strip() for e in given if e and e.strip()]
    return [e if e.startswith(REF_PREFIX) else clean_name(e) for e in entries]


def _record_question(
    session: Session,
    survey: RelationshipSurvey,
    respondent_id: int,
    question: SurveyQuestion,
    entries: Sequence[str],
    picked: Mapping[str, int],
    named: Mapping[str, int | None],
    now: datetime,
) -> tuple[int, int]:
    nominees: dict[int, None] = {}  # in order, once each
    typed: dict[str, str] = {}  # normalised -> as typed, once each
    for entry in entries:
        if entry.startswith(REF_PREFIX):
            nominees[picked[entry[len(REF_PREFIX) :].strip()]] = None
            continue
        person_id = named.get(normalise(entry))
        if person_id is not None:
            nominees[person_id] = None
        else:
            typed.setdefault(entry.casefold(), entry)
    nominees.pop(respondent_id, None)
    cap = question.max_answers
    if cap is not None and len(nominees) + len(typed) > cap:
        raise InvalidInput(
            f"'{question.text}': choose up to {cap} people "
            f"({len(nominees) + len(typed)} were given)"
        )
    session.add_all(
        SurveyNomination(
            survey_id=survey.id, question_id=question.id, respondent_id=respondent_id,
            nominee_id=nominee_id, status=NominationStatus.MATCHED, created_at=now,
        )
        for nominee_id in nominees
    )  # fmt: skip
    write_ties(session, respondent_id, list(nominees), question.tie_kind, now)
    session.add_all(
        SurveyNomination(
            survey_id=survey.id, question_id=question.id, respondent_id=respondent_id,
            nominee_text=name, status=NominationStatus.PENDING, created_at=now,
        )
        for name in typed.values()
    )  # fmt: skip
    return len(nominees), len(typed)


def _picked(
    session: Session, survey: RelationshipSurvey, entries: Mapping[int, Sequence[str]]
) -> dict[str, int]:
    """The people picked from the list, by ref; each must be someone the survey asks."""
    refs = {
        e[len(REF_PREFIX) :].strip()
        for es in entries.values()
        for e in es
        if e.startswith(REF_PREFIX)
    }
    if not refs:
        return {}
    found = {
        ref: pid
        for ref, pid in session.execute(
            audience(survey)
            .with_only_columns(Person.ref, Person.id)
            .where(Person.ref.in_(sorted(refs)))
        )
    }
    for ref in sorted(refs - set(found)):
        raise InvalidInput(
            f"'{ref}' is not someone on this survey's list; search for the name again"
        )
    return found
