"""Pledges: a person commits to something, shares it, and marks it done.

A pledge is a person's own (``person``), optionally made as part of an
initiative or a campaign. It moves made -> shared -> done, one step at a time
and never back, each step dated (``do_share_pledge``, ``do_complete_pledge``
in ``groundswell.actions.initiatives`` keep that rule; these wrap them with
the owner's check for the web). Marking done only after sharing follows the
commitment literature the ladder of engagement cites: a public commitment is
the one more often kept (Cialdini, *Influence*, ch. 3, "commitment and
consistency"), so "commitments kept" counts shared pledges carried out.

Counts by month for organisers (``pledges_by_month``) are shown to them
exactly, within their scope: they may already read the people behind them.
Anything shown to anyone else goes through ``groundswell.measures.suppression``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions import initiatives as ia
from groundswell.actions.audit import operator, record_access
from groundswell.actions.scopes import person_in_scope
from groundswell.auth.permissions import Scopes
from groundswell.errors import NotFound
from groundswell.measures import suppression as sup
from groundswell.store.models import Campaign, Initiative, Person, Pledge, PledgeStatus

MOST_LISTED = 500


@dataclass(frozen=True)
class PledgeView:
    """One pledge as pages and commands show it (``person`` is the person's id, their ref)."""

    id: int
    person: str
    text: str
    status: str
    initiative: str | None
    campaign: str | None
    made_at: datetime
    shared_at: datetime | None
    done_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "made_at": self.made_at.isoformat(),
            "shared_at": self.shared_at.isoformat() if self.shared_at else None,
            "done_at": self.done_at.isoformat() if self.done_at else None,
        }


# Every listing reads the same columns: the pledge, whose it is, and what it is part of.
VIEWS = (
    select(
        Pledge.id,
        Person.ref,
        Pledge.text,
        Pledge.status,
        Initiative.slug,
        Campaign.slug,
        Pledge.made_at,
        Pledge.shared_at,
        Pledge.done_at,
    )
    .join(Person, Person.id == Pledge.person_id)
    .outerjoin(Initiative, Initiative.id == Pledge.initiative_id)
    .outerjoin(Campaign, Campaign.id == Pledge.campaign_id)
)


def _view(row: Any) -> PledgeView:
    pid, ref, text, status, initiative, campaign, made, shared, done = row
    return PledgeView(pid, ref, text, PledgeStatus(status).value, initiative, campaign, made,
                      shared, done)  # fmt: skip


def _person_id(session: Session, ref: str) -> int:
    pid = session.scalar(select(Person.id).where(Person.ref == ref.strip()))
    if pid is None:
        raise NotFound(f"'{ref}' is not a person in the database; check the id")
    return pid


def do_make_pledge(
    db: Database,
    *,
    person: str,
    text: str,
    initiative: str | None = None,
    campaign: str | None = None,
    actor: str | None = None,
) -> PledgeView:
    """``person`` (their id) pledges ``text``, for themselves or an initiative or campaign."""
    text = ia._text(text, "pledge", 280)
    with db.transaction() as session:
        pid = _person_id(session, person)
        iid = ia._initiative(session, initiative.strip()).id if initiative else None
        cid = None
        if campaign:
            cid = session.scalar(select(Campaign.id).where(Campaign.slug == campaign.strip()))
            if cid is None:
                raise NotFound(f"there is no campaign '{campaign}'; see /campaigns")
        pledge = Pledge(person_id=pid, text=text, initiative_id=iid, campaign_id=cid)
        session.add(pledge)
        session.flush()
        record_access(session, actor or operator(), "pledges.make", "pledge", pledge.id,
                      {"person": person.strip()})  # fmt: skip
        return _view(session.execute(VIEWS.where(Pledge.id == pledge.id)).one())


def get_pledge(db: Database, pledge_id: int) -> PledgeView:
    with db.reading() as session:
        row = session.execute(VIEWS.where(Pledge.id == pledge_id)).first()
    if row is None:
        raise NotFound(f"there is no pledge {pledge_id}; 'groundswell pledges list' shows them")
    return _view(row)


def _owned(db: Database, pledge_id: int, person: str | None) -> None:
    """Refuse a step on someone else's pledge (``person`` None: the operator, any pledge)."""
    found = get_pledge(db, pledge_id)
    if person is not None and found.person != person:
        # The same answer as a pledge that does not exist: ids are not secrets
        # to guess at, but whose pledge is which is nobody else's business.
        raise NotFound(f"there is no pledge {pledge_id} of yours; see /pledges")


def do_share_pledge(db: Database, pledge_id: int, *, person: str | None = None) -> PledgeView:
    """Made -> shared, dated now; ``person`` set: only their own pledge."""
    _owned(db, pledge_id, person)
    ia.do_share_pledge(db, pledge_id)
    return get_pledge(db, pledge_id)


def do_complete_pledge(db: Database, pledge_id: int, *, person: str | None = None) -> PledgeView:
    """Shared -> done, dated now; ``person`` set: only their own pledge."""
    _owned(db, pledge_id, person)
    ia.do_complete_pledge(db, pledge_id)
    return get_pledge(db, pledge_id)


def list_pledges(
    db: Database, *, person: str | None = None, actor: str | None = None
) -> list[PledgeView]:
    """Pledges, newest first (one person's with ``person``); the read is audited."""
    query = VIEWS.order_by(Pledge.made_at.desc(), Pledge.id.desc()).limit(MOST_LISTED)
    with db.transaction() as session:
        if person is not None:
            query = query.where(Pledge.person_id == _person_id(session, person))
        rows = session.execute(query).all()
        record_access(session, actor or operator(), "pledges.list", "person", person,
                      {"pledges": len(rows)})  # fmt: skip
    return [_view(r) for r in rows]


def shared_pledge(db: Database, pledge_id: int) -> PledgeView:
    """A pledge its maker has shared (or done): what the public share page shows."""
    found = get_pledge(db, pledge_id)
    if found.status == PledgeStatus.MADE.value:
        raise NotFound(f"there is no shared pledge {pledge_id}")
    return found


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    made: int
    shared: int
    kept: int


@dataclass(frozen=True)
class PledgeCounts:
    """Pledges per month for the people in an organiser's scope, and the totals."""

    months: list[MonthRow]
    made: int
    shared: int
    kept: int

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.made if self.made else None

    def public(self) -> dict[str, sup.Cell]:
        """The totals as anyone may see them: a count under ``MIN_CELL`` is hidden."""
        return {
            "made": sup.count_cell(self.made),
            "shared": sup.count_cell(self.shared),
            "kept": sup.count_cell(self.kept),
        }


def _month(at: datetime | None) -> str | None:
    return None if at is None else f"{at.year:04d}-{at.month:02d}"


def pledges_by_month(db: Database, scopes: Scopes) -> PledgeCounts:
    """Pledges made, shared and kept (done) per calendar month of each step (UTC).

    A pledge counts once in each month a step of it happened: made in March
    and kept in May adds to March's made and May's kept.
    """
    with db.reading() as session:
        rows = session.execute(
            select(Pledge.made_at, Pledge.shared_at, Pledge.done_at).where(
                person_in_scope(scopes, Pledge.person_id)
            )
        ).all()
    counts: dict[str, list[int]] = {}
    for row in rows:
        for step, at in enumerate(row):
            month = _month(at)
            if month is not None:
                counts.setdefault(month, [0, 0, 0])[step] += 1
    months = [MonthRow(m, *counts[m]) for m in sorted(counts)]
    return PledgeCounts(
        months,
        sum(r.made for r in months),
        sum(r.shared for r in months),
        sum(r.kept for r in months),
    )


__all__ = [
    "MonthRow",
    "PledgeCounts",
    "PledgeView",
    "do_complete_pledge",
    "do_make_pledge",
    "do_share_pledge",
    "get_pledge",
    "list_pledges",
    "pledges_by_month",
    "shared_pledge",
]
