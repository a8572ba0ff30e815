"""Typed names an organiser resolves: match to a person, add as a new person, or dismiss.

A name typed in a survey that is not exactly one person's name waits
(``pending``) and writes no tie. The organiser sees each such name once per
tie kind, how many nominations carry it, and up to three people on the
roster it most resembles (``network.name_match``); confirming one writes the
ties of every nomination carrying that name in the survey.
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.scopes import visible_people
from groundswell.actions.survey_common import (
    PendingName,
    Suggestion,
    audience,
    clean_name,
    find_survey,
    write_tie,
)
from groundswell.auth.permissions import Action, Principal, Subject, scopes_for
from groundswell.errors import InvalidInput, NotFound
from groundswell.network.name_match import LIMIT, suggest
from groundswell.store.models import (
    NominationStatus,
    Person,
    RelationshipSurvey,
    SurveyNomination,
    SurveyQuestion,
    utcnow,
)

Ts = TypeVarTuple("Ts")  # the columns of a query that _seen_by narrows
LOOK_AT = 20  # candidates scored before the best LIMIT are chosen (see pending_names)


def pending_names(
    app: Database, slug: str, *, actor: str = "unknown", viewer: Principal | None = None,
    limit: int | None = None,
) -> list[PendingName]:  # fmt: skip
    """Each name waiting in a survey, per tie kind, with up to three suggestions.

    Most nominated first, the first ``limit`` only when given: only those are
    scored against the roster, so a page's time and memory stay bounded.
    The suggestions are read from the people ``viewer``
    may see (the whole roster for the operator, ``viewer`` None: a name may
    be someone outside the survey's audience), and the read is audited under
    ``actor``.
    """
    with app.transaction() as session:
        survey = find_survey(session, slug)
        rows = session.execute(
            select(SurveyNomination.nominee_text, SurveyQuestion.tie_kind)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyNomination.question_id)
            .where(
                SurveyNomination.survey_id == survey.id,
                SurveyNomination.status == NominationStatus.PENDING,
            )
            .order_by(SurveyNomination.id)
        ).all()
        counts: Counter[tuple[str, str]] = Counter()
        shown: dict[str, str] = {}  # a name's key -> as first typed
        for text, kind in rows:
            key = clean_name(text or "").casefold()
            shown.setdefault(key, clean_name(text or ""))
            counts[(key, kind)] += 1
        roster = session.execute(
            _seen_by(
                select(Person.id, Person.ref, Person.display_name, Person.town), viewer
            ).order_by(Person.id)
        ).all()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        keys = list(dict.fromkeys(key for (key, _), _ in ranked))
        found = suggest([shown[k] for k in keys], [r[2] for r in roster], limit=LOOK_AT)
        asked = _asked(session, survey, {roster[c.index][0] for cs in found for c in cs})
        offers = {}
        for key, cands in zip(keys, found, strict=True):
            # Of equally good matches, people the survey asked come first: most
            # people name others in their own town or team.
            best = sorted(cands, key=lambda c: (-c.score, roster[c.index][0] not in asked))
            offers[key] = [
                Suggestion(roster[c.index][1], roster[c.index][2] or "",
                           roster[c.index][3] or "", round(c.score, 1))
                for c in best[:LIMIT]
            ]  # fmt: skip
        out = [PendingName(shown[key], kind, n, offers[key]) for (key, kind), n in ranked]
        record_access(
            session, actor, "survey_pending_names", "relationship_survey", survey.slug,
            {"names": len(out)},
        )  # fmt: skip
    return out


def _seen_by(query: Select[*Ts], viewer: Principal | None) -> Select[*Ts]:
    """``query`` over people narrowed to those ``viewer`` may see; all for the operator."""
    return query if viewer is None else visible_people(query, viewer)


def _asked(session: Session, survey: RelationshipSurvey, ids: set[int]) -> set[int]:
    """Which of ``ids`` the survey asked."""
    if not (survey.audience_town or survey.audience_team):
        return ids
    ordered, asked = sorted(ids), set()
    for start in range(0, len(ordered), 500):  # below SQLite's bound-parameter limit
        part = ordered[start : start + 500]
        query = audience(survey).with_only_columns(Person.id).where(Person.id.in_(part))
        asked |= set(session.scalars(query))
    return asked


def _waiting(session: Session, survey: RelationshipSurvey, name: str) -> list[SurveyNomination]:
    key = clean_name(name).casefold()
    if not key:
        raise InvalidInput("name: give the name as it was typed")
    found = [
        n
        for n in session.scalars(
            select(SurveyNomination)
            .where(
                SurveyNomination.survey_id == survey.id,
                SurveyNomination.status == NominationStatus.PENDING,
            )
            .order_by(SurveyNomination.id)
        )
        if clean_name(n.nominee_text or "").casefold() == key
    ]
    if not found:
        raise NotFound(
            f"no name '{name}' waits in the survey '{survey.slug}'; "
            f"see 'groundswell surveys show {survey.slug}'"
        )
    return found


def _match(session: Session, survey: RelationshipSurvey, name: str, person: Person) -> int:
    kinds = dict(
        session.execute(
            select(SurveyQuestion.id, SurveyQuestion.tie_kind).where(
                SurveyQuestion.survey_id == survey.id
            )
        ).all()
    )
    now = utcnow()
    written = 0
    for nomination in _waiting(session, survey, name):
        nomination.status = NominationStatus.MATCHED
        nomination.nominee_id = person.id
        # The typed text served its purpose; the person it named is kept instead.
        nomination.nominee_text = None
        written += write_tie(
            session, nomination.respondent_id, person.id, kinds[nomination.question_id], now
        )
    return written


def do_match(
    app: Database, slug: str, name: str, person_ref: str, *, actor: str,
    viewer: Principal | None = None,
) -> int:  # fmt: skip
    """Match every nomination of ``name`` in the survey to a person ``viewer`` may
    see (anyone, for the operator); the ties written."""
    with app.transaction() as session:
        survey = find_survey(session, slug)
        query = _seen_by(select(Person), viewer)
        person = session.scalar(query.where(Person.ref == (person_ref or "").strip()))
        if person is None:
            among = "" if viewer is None else " among the people you may see"
            raise NotFound(
                f"there is no person with id '{person_ref}'{among}; check the id (the 'id' column)"
            )
        written = _match(session, survey, name, person)
        record_access(
            session, actor, "survey_name_matched", "person", person.ref,
            {"survey": survey.slug, "ties": written},
        )  # fmt: skip
    return written


def do_add_person(
    app: Database, slug: str, name: str, *, actor: str, town: str | None = None,
    viewer: Principal | None = None,
) -> str:  # fmt: skip
    """Add the name as a new person on the roster, then match it; the new person's id.

    The new person must lie within ``viewer``'s scope (any town, for the operator).
    """
    display = clean_name(name)
    town = (town or "").strip() or None
    if town is not None and len(town) > 80:
        raise InvalidInput("town: use 80 characters or fewer")
    if viewer is not None and not scopes_for(viewer, Action.VIEW_PEOPLE).covers(Subject(town)):
        raise InvalidInput("town: give a town you organise in, so you can see the person added")
    with app.transaction() as session:
        survey = find_survey(session, slug)
        _waiting(session, survey, display)  # refuse before adding anyone
        person = Person(ref=f"survey-{secrets.token_hex(5)}", display_name=display, town=town)
        session.add(person)
        session.flush()
        written = _match(session, survey, display, person)
        record_access(
            session, actor, "survey_person_added", "person", person.ref,
            {"survey": survey.slug, "ties": written},
        )  # fmt: skip
        return person.ref


def do_dismiss(app: Database, slug: str, name: str, *, actor: str) -> int:
    """Dismiss every nomination of ``name`` (it names nobody to record); how many."""
    with app.transaction() as session:
        survey = find_survey(session, slug)
        waiting = _waiting(session, survey, name)
        for nomination in waiting:
            nomination.status = NominationStatus.DISMISSED
            nomination.nominee_text = None
        record_access(
            session, actor, "survey_name_dismissed", "relationship_survey", survey.slug,
            {"nominations": len(waiting)},
        )  # fmt: skip
    return len(waiting)
