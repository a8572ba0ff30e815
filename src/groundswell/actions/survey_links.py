"""Personal links to a relationship survey: issue them, open one, search the list from one.

Each person in a survey's audience gets one live link; only the SHA-256 of
its token is stored, and the plain token is given once, when issued. A link
opens the survey without an account and answers once.
"""

from __future__ import annotations

from sqlalchemy import case, func, insert, select, update

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.survey_common import (
    LINK_ACTOR,
    IssuedLink,
    LinkView,
    RosterEntry,
    audience,
    check_usable,
    find_survey,
    like_pattern,
    link_by_token,
    prefix_pattern,
    question_view,
    questions_of,
    require_link,
)
from groundswell.auth.tokens import hash_token, new_token
from groundswell.errors import Conflict
from groundswell.store.models import (
    Person,
    RelationshipSurvey,
    SurveyLink,
    SurveyStatus,
    utcnow,
)


def do_issue_links(
    app: Database, slug: str, *, actor: str, reissue: bool = False
) -> list[IssuedLink]:
    """A new link for everyone in the audience without one (everyone, with ``reissue``).

    A reissued link replaces the person's old one (the old one stops working)
    and keeps what they already did: an answered link stays answered.
    """
    now = utcnow()
    with app.transaction() as session:
        survey = find_survey(session, slug)
        if survey.status is SurveyStatus.CLOSED:
            raise Conflict(f"the survey '{survey.slug}' is closed: it takes no more answers")
        have = {
            pid: lid
            for pid, lid in session.execute(
                select(SurveyLink.person_id, SurveyLink.id).where(SurveyLink.survey_id == survey.id)
            )
        }
        people = session.execute(
            audience(survey)
            .with_only_columns(Person.id, Person.ref, Person.display_name, Person.town)
            .order_by(Person.id)
        ).all()
        issued: list[IssuedLink] = []
        new_rows: list[dict[str, object]] = []
        replaced: list[dict[str, object]] = []
        for pid, ref, name, town in people:
            if pid in have and not reissue:
                continue
            token = new_token()
            if pid in have:
                replaced.append(
                    {"id": have[pid], "token_hash": hash_token(token), "created_at": now}
                )
            else:
                new_rows.append(
                    {
                        "survey_id": survey.id,
                        "person_id": pid,
                        "token_hash": hash_token(token),
                        "created_at": now,
                    }
                )
            issued.append(IssuedLink(ref, name or "", town or "", token))
        if new_rows:
            session.execute(insert(SurveyLink), new_rows)
        if replaced:  # one executemany by primary key, not a statement a person
            session.execute(update(SurveyLink), replaced)
        # The names and towns of everyone given a link leave the database here.
        record_access(
            session, actor, "survey_links_issued", "relationship_survey", survey.slug,
            {"links": len(issued), "reissue": reissue},
        )  # fmt: skip
    return issued


def open_link(app: Database, token: str) -> LinkView | None:
    """What a personal link shows, or None for a link that is not known."""
    with app.reading() as session:
        link = link_by_token(session, token)
        if link is None:
            return None
        survey = session.get(RelationshipSurvey, link.survey_id)
        person = session.get(Person, link.person_id)
        assert survey is not None and person is not None  # foreign keys cascade
        return LinkView(
            slug=survey.slug,
            title=survey.title,
            intro=survey.intro,
            questions=[question_view(q) for q in questions_of(session, survey.id)],
            respondent=person.display_name or "",
            answered=link.answered_at is not None,
            consented=link.consent_at is not None,
            closed=survey.status is SurveyStatus.CLOSED,
        )


def roster_search(app: Database, token: str, query: str, *, limit: int = 10) -> list[RosterEntry]:
    """People in the survey's audience whose name contains ``query`` (2+ characters).

    Only names and towns, never the person answering; names starting with the
    query come first. Each search is audited under the link, as a read of
    names by someone without an account.
    """
    text = " ".join((query or "").split())
    if len(text) < 2:
        return []
    limit = max(1, min(limit, 50))
    with app.transaction() as session:
        link, survey = require_link(session, token)
        check_usable(link, survey)
        lowered = func.lower(Person.display_name)
        starts = case((lowered.like(prefix_pattern(text.lower()), escape="\\"), 0), else_=1)
        rows = session.execute(
            audience(survey)
            .with_only_columns(Person.ref, Person.display_name, Person.town)
            .where(
                Person.id != link.person_id,
                Person.display_name.ilike(like_pattern(text), escape="\\"),
            )
            .order_by(starts, Person.display_name, Person.id)
            .limit(limit)
        ).all()
        record_access(
            session, f"{LINK_ACTOR}:{link.id}", "survey_roster_search", "relationship_survey",
            survey.slug, {"results": len(rows)},
        )  # fmt: skip
    return [RosterEntry(ref, name or "", town or "") for ref, name, town in rows]
