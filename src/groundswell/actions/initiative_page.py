"""One initiative's page: what it is, its members (to those who may see them), its record.

Anyone may read the purpose, hand and power mode, the co-production log,
pledge progress (small counts suppressed) and published story titles; member
names go only to organisers and admins whose scope covers the initiative, a
page at a time, and each such read is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select

from groundswell.actions import Database
from groundswell.actions import initiatives as ia
from groundswell.actions.accounts import linked_person
from groundswell.actions.audit import record_access
from groundswell.actions.memberships import is_member
from groundswell.actions.scopes import visible_people
from groundswell.auth.permissions import Action, Principal, Subject, can
from groundswell.errors import NotFound
from groundswell.measures import suppression
from groundswell.store.models import (
    Campaign,
    Conversation,
    CoproductionDecision,
    Initiative,
    InitiativeModeChange,
    MemberRole,
    Membership,
    Person,
    Pledge,
    PledgeStatus,
    Story,
    StoryStatus,
)

MEMBERS_PER_PAGE = 50


def may_edit(user: Principal | None, town: str | None, slug: str | None = None) -> bool:
    """Whether ``user`` may see members' names and edit the initiative (its town or itself)."""
    subject = Subject(town=town, initiatives=frozenset({slug} if slug else ()))
    return can(user, Action.VIEW_PEOPLE, subject)


def initiative_page(
    db: Database, slug: str, user: Principal | None, page: int = 1
) -> dict[str, Any]:
    """What the initiative's page shows to ``user``: a page of members' names only when
    their scope covers it (the read audited), aggregates for everyone else."""
    with db.reading() as s:
        i = s.scalar(select(Initiative).where(Initiative.slug == slug))
        if i is None:
            raise NotFound(f"no initiative {slug!r}; see the list at /initiatives")
        may = may_edit(user, i.town, i.slug)
        roles = dict(
            s.execute(
                select(Membership.role, func.count())
                .where(Membership.initiative_id == i.id, Membership.left_on.is_(None))
                .group_by(Membership.role)
            ).all()
        )
        # Names only of the members the reader's scopes cover (a town organiser
        # of a Leeds initiative does not see its York members), a page at a
        # time (641 names made a 26,000 px page), audited.
        members: Sequence[Row[MemberRole, str | None, str]] = []
        shown, pages = 0, 1
        if may and user is not None:
            named = (
                visible_people(select(Membership.role, Person.display_name, Person.ref), user)
                .join(Person, Person.id == Membership.person_id)
                .where(Membership.initiative_id == i.id, Membership.left_on.is_(None))
            )
            shown = int(s.scalar(select(func.count()).select_from(named.subquery())) or 0)
            pages = max(1, -(-shown // MEMBERS_PER_PAGE))
            page = min(page, pages)
            members = s.execute(
                named.order_by(Membership.role, Person.display_name, Person.ref)
                .offset((page - 1) * MEMBERS_PER_PAGE)
                .limit(MEMBERS_PER_PAGE)
            ).all()
        if members and user is not None:
            record_access(s, user.email, "initiatives.members", "initiative", i.slug,
                          {"members": len(members)})  # fmt: skip
            s.commit()
        member_ids = select(Membership.person_id).where(
            Membership.initiative_id == i.id, Membership.left_on.is_(None)
        )
        stories = s.scalars(
            select(Story.title)
            .where(Story.status == StoryStatus.PUBLISHED, Story.person_id.in_(member_ids))
            .order_by(Story.id)
            .limit(20)
        ).all()
        made = {str(getattr(k, "value", k)): (int(n), int(people)) for k, n, people in s.execute(
            select(Pledge.status, func.count(), func.count(func.distinct(Pledge.person_id)))
            .where(Pledge.initiative_id == i.id)
            .group_by(Pledge.status)
        )}  # fmt: skip
        statuses = [st.value for st in PledgeStatus]
        pledges = ia.counts_by({k: made.get(k, (0, 0))[0] for k in statuses},
                               {k: made.get(k, (0, 0))[1] for k in statuses})  # fmt: skip
        # The signed-in person's own membership, for the join or leave button.
        me = linked_person(db, user.user_id) if user is not None else None
        return {
            "i": i,
            "may_edit": may,
            "me": me,
            "me_member": me is not None and is_member(db, i.slug, me),
            "roles": {str(getattr(k, "value", k)): n for k, n in roles.items()},
            "members": members,
            "members_page": {
                "page": page,
                "pages": pages,
                "shown": shown,
                "first": (page - 1) * MEMBERS_PER_PAGE + 1,
            },
            "conversations": s.execute(
                select(Conversation.slug, Conversation.topic).where(
                    Conversation.initiative_id == i.id
                )
            ).all(),
            "campaigns": s.execute(
                select(Campaign.slug, Campaign.name).where(Campaign.initiative_id == i.id)
            ).all(),
            "stories": stories,
            # Pledges are people's: anyone may read the page, so small counts are suppressed.
            "pledges": {k: suppression.show(c) for k, c in pledges.items()},
            "decisions": s.scalars(
                select(CoproductionDecision)
                .where(CoproductionDecision.initiative_id == i.id)
                .order_by(CoproductionDecision.decided_on.desc(), CoproductionDecision.id.desc())
            ).all(),
            "changes": s.scalars(
                select(InitiativeModeChange)
                .where(InitiativeModeChange.initiative_id == i.id)
                .order_by(InitiativeModeChange.changed_on, InitiativeModeChange.id)
            ).all(),
        }
