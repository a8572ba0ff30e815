"""Scopes in SQL: the one filter every list of people, members and stories goes through.

``groundswell.auth.permissions.scopes_for`` turns a principal's grants for an
action into a ``Scopes``; ``Scopes.covers`` decides one subject. This module
gives the same decision to queries (``person_in_scope``), so a list never
shows a row its single-item page would refuse, and loads one story's subject
for the single-item check (``require_story``: 404, never "exists but hidden").
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from groundswell.auth.permissions import Action, Principal, Scopes, Subject, scopes_for
from groundswell.errors import NotFound
from groundswell.store.models import Initiative, Membership, Person, Story

Ts = TypeVarTuple("Ts")  # the columns of a query that visible_people narrows


def person_in_scope(scopes: Scopes, person_id: Any) -> ColumnElement[bool]:
    """SQL: the person ``person_id`` (a column) lies within ``scopes``; NULL never does."""
    if scopes.everything:
        return true()
    if scopes.nothing:
        return false()
    conditions = []
    if scopes.towns:
        # correlate(None): a self-contained subquery, also inside a query over people.
        in_town = (
            select(Person.id)
            .where(func.lower(Person.town).in_(sorted(scopes.towns)))
            .correlate(None)
        )
        conditions.append(person_id.in_(in_town))
    if scopes.initiatives:
        members = (
            select(Membership.person_id)
            .join(Initiative, Initiative.id == Membership.initiative_id)
            .where(Initiative.slug.in_(sorted(scopes.initiatives)), Membership.left_on.is_(None))
            .correlate(None)
        )
        conditions.append(person_id.in_(members))
    return or_(*conditions)


def visible_people(
    query: Select[*Ts], principal: Principal | None, action: Action = Action.VIEW_PEOPLE
) -> Select[*Ts]:
    """Filter a query over ``Person`` to the people ``principal`` may ``action``."""
    return query.where(person_in_scope(scopes_for(principal, action), Person.id))


def subject_of_person(session: Session, person_id: int | None) -> Subject:
    """A person's town and initiatives (nobody: an empty subject, covered by ``*`` only)."""
    if person_id is None:
        return Subject()
    town = session.scalar(select(Person.town).where(Person.id == person_id))
    slugs = session.scalars(
        select(Initiative.slug)
        .join(Membership, Membership.initiative_id == Initiative.id)
        .where(Membership.person_id == person_id, Membership.left_on.is_(None))
    ).all()
    return Subject(town=town, initiatives=frozenset(slugs))


def require_story(session: Session, story_id: int, scopes: Scopes) -> Story:
    """The story, if ``scopes`` cover its storyteller; NotFound either way it is not."""
    story = session.get(Story, story_id)
    if story is None or not scopes.covers(subject_of_person(session, story.person_id)):
        raise NotFound(f"there is no story {story_id}; check the number")
    return story
