"""Answers to a relationship survey collected on paper, imported from CSV, all or nothing.

Columns: ``respondent`` (the person's id), ``tie_kind`` (one of the survey's
questions' kinds) and ``nominee`` (a person's id, or a name as written). A
name that is exactly one person's is matched and writes a tie; any other
waits for an organiser like a typed name on the web, counted as *suggested*
when the roster has a likely match and *unmatched* when not. The paper form
asks consent first: each respondent's consent is recorded in the registry
(source ``import``) and their link marked answered, so response rates count
them. Any bad row refuses the whole file, naming its line and field, and
nothing is written.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.csvfiles import read_csv, required_text
from groundswell.actions.privacy import record_consent_event
from groundswell.actions.survey_common import (
    MAX_NAME,
    audience_names,
    clean_name,
    find_survey,
    in_audience,
    one_named,
    questions_of,
    write_tie,
)
from groundswell.auth.tokens import hash_token
from groundswell.errors import Conflict
from groundswell.network.name_match import suggest
from groundswell.store.models import (
    ConsentPurpose,
    NominationStatus,
    Person,
    SurveyLink,
    SurveyNomination,
    SurveyStatus,
    utcnow,
)

COLUMNS = ("respondent", "tie_kind", "nominee")


@dataclass(frozen=True)
class ImportSummary:
    respondents: int
    matched: int  # nominations matched to a person (each wrote a tie unless already there)
    suggested: int  # waiting, with at least one likely person on the roster
    unmatched: int  # waiting, with no likely person on the roster

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_answers(
    app: Database, slug: str, path: str | Path, *, actor: str = "unknown"
) -> ImportSummary:
    """Import paper answers to the survey ``slug`` (see the module docstring)."""
    table = read_csv(path, required=COLUMNS, optional=())
    now = utcnow()
    with app.transaction() as session:
        survey = find_survey(session, slug)
        if survey.status is SurveyStatus.CLOSED:
            raise Conflict(f"the survey '{survey.slug}' is closed: it takes no more answers")
        questions = {q.tie_kind: q for q in questions_of(session, survey.id)}
        answered = set(
            session.scalars(
                select(SurveyLink.person_id).where(
                    SurveyLink.survey_id == survey.id, SurveyLink.answered_at.is_not(None)
                )
            )
        )
        people: dict[str, Person] = {}
        given: dict[tuple[int, str], dict[object, str]] = {}  # (respondent, kind) -> names
        index: dict[str, list[tuple[int, bool]]] | None = None
        for line, row in table:
            ref = required_text(table, line, row, "respondent", 64)
            respondent = people.get(ref) or session.scalar(select(Person).where(Person.ref == ref))
            if respondent is None:
                raise table.error(line, "respondent", f"there is no person with id '{ref}'",
                                  "use the id of someone already imported")  # fmt: skip
            if not in_audience(session, survey, respondent.id):
                raise table.error(line, "respondent", f"'{ref}' is not in this survey's audience",
                                  "answers come only from the people the survey asks")  # fmt: skip
            if respondent.id in answered:
                raise table.error(line, "respondent", f"'{ref}' has already answered this survey",
                                  "each person answers once; remove their rows")  # fmt: skip
            people[ref] = respondent
            kind = required_text(table, line, row, "tie_kind", 32)
            if kind not in questions:
                raise table.error(line, "tie_kind", f"'{kind}' is not asked in this survey",
                                  f"use one of {', '.join(questions)}")  # fmt: skip
            text = required_text(table, line, row, "nominee", MAX_NAME)
            nominee = session.scalar(select(Person).where(Person.ref == text))
            if nominee is None:
                if index is None:  # the audience's names, read once for the whole file
                    index = audience_names(session, survey)
                found = one_named(index, clean_name(text), besides=respondent.id)
                nominee = None if found is None else session.get(Person, found)
            if nominee is not None and nominee.id == respondent.id:
                raise table.error(line, "nominee", "this is the respondent themselves",
                                  "a person cannot name themselves; remove the row")  # fmt: skip
            names = given.setdefault((respondent.id, kind), {})
            names.setdefault(nominee.id if nominee else clean_name(text).casefold(),
                             "" if nominee else clean_name(text))  # fmt: skip
            cap = questions[kind].max_answers
            if cap is not None and len(names) > cap:
                raise table.error(line, "nominee", f"'{ref}' names more than {cap} people for "
                                  f"{kind}", f"the question asks for up to {cap}")  # fmt: skip
        matched = 0
        waiting: list[str] = []
        for (respondent_id, kind), names in given.items():
            question = questions[kind]
            for key, name in names.items():
                is_person = isinstance(key, int)
                session.add(
                    SurveyNomination(
                        survey_id=survey.id, question_id=question.id,
                        respondent_id=respondent_id,
                        nominee_id=key if is_person else None,
                        nominee_text=None if is_person else name,
                        status=NominationStatus.MATCHED if is_person else NominationStatus.PENDING,
                        created_at=now,
                    )
                )  # fmt: skip
                if isinstance(key, int):
                    matched += 1
                    write_tie(session, respondent_id, key, kind, now)
                else:
                    waiting.append(name)
        for respondent in people.values():
            _answered_on_paper(session, survey.id, respondent, survey.slug, actor, now)
        suggested = _with_suggestions(session, waiting)
        record_access(
            session, actor, "survey_answers_imported", "relationship_survey", survey.slug,
            {"respondents": len(people), "rows": len(table)},
        )  # fmt: skip
    return ImportSummary(len(people), matched, suggested, len(waiting) - suggested)


def _answered_on_paper(
    session: Session, survey_id: int, person: Person, slug: str, actor: str, now: datetime
) -> None:
    record_consent_event(
        session, person, ConsentPurpose.NETWORK_SURVEY, True,
        actor=actor, source="import", note=f"paper answers to survey {slug}", at=now,
    )  # fmt: skip
    link = session.scalar(
        select(SurveyLink).where(
            SurveyLink.survey_id == survey_id, SurveyLink.person_id == person.id
        )
    )
    if link is None:
        # A link that was never given out: it records the answer and can open nothing.
        link = SurveyLink(
            survey_id=survey_id, person_id=person.id,
            token_hash=hash_token(secrets.token_urlsafe(32)), created_at=now,
        )  # fmt: skip
        session.add(link)
    link.answered_at = now
    link.consent_at = now


def _with_suggestions(session: Session, names: list[str]) -> int:
    """How many of ``names`` have at least one likely person on the roster."""
    if not names:
        return 0
    roster = list(session.scalars(select(Person.display_name).order_by(Person.id)))
    return sum(1 for found in suggest(names, roster, limit=1) if found)
