"""Initiatives: create, shift power mode, log decisions, move pledges, see the portfolio.

The portfolio shows the two hands side by side (the "ambidextrous" balance:
grassroots initiatives on the left, a re-humanised system on the right), how
power modes shift over time (keeping -> sharing -> ceding, per quarter) and
the share of logged decisions that were co-produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.measures import suppression as sup
from groundswell.store.models import (
    CoproductionDecision,
    DecisionMethod,
    Hand,
    Initiative,
    InitiativeModeChange,
    Membership,
    Pledge,
    PledgeStatus,
    PowerMode,
    utcnow,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
HANDS = [h.value for h in Hand]
MODES = [m.value for m in PowerMode]
METHODS = [m.value for m in DecisionMethod]


def _choice(value: str, options: list[str], what: str) -> str:
    if value not in options:
        raise InvalidInput(f"{what} must be one of {', '.join(options)}, not {value!r}")
    return value


def _text(value: str, what: str, most: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"enter the {what}")
    if len(value) > most:
        raise InvalidInput(f"{what} must be {most} characters or fewer")
    return value


def _initiative(session: Session, slug: str) -> Initiative:
    found = session.scalar(select(Initiative).where(Initiative.slug == slug))
    if found is None:
        raise NotFound(f"no initiative {slug!r}; see the list at /initiatives")
    return found


def do_create_initiative(
    db: Database,
    *,
    slug: str,
    name: str,
    hand: str,
    power_mode: str,
    purpose: str = "",
    town: str | None = None,
    started_on: date | None = None,
) -> str:
    """Create an initiative and record its first power mode; returns its slug."""
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput("slug must be lower-case letters, digits and hyphens, e.g. walk-to-work")
    name = _text(name, "name", 160)
    hand = _choice(hand, HANDS, "hand")
    power_mode = _choice(power_mode, MODES, "power mode")
    with db.transaction() as session:
        if session.scalar(select(Initiative.id).where(Initiative.slug == slug)) is not None:
            raise Conflict(f"an initiative called {slug!r} exists; choose another slug")
        initiative = Initiative(
            slug=slug,
            name=name,
            purpose=(purpose or "").strip(),
            hand=Hand(hand),
            power_mode=PowerMode(power_mode),
            town=(town or "").strip() or None,
            started_on=started_on,
        )
        session.add(initiative)
        session.flush()
        session.add(
            InitiativeModeChange(
                initiative_id=initiative.id,
                from_mode=None,
                to_mode=PowerMode(power_mode),
                changed_on=started_on or utcnow().date(),
                note="started",
            )
        )
    return slug


def do_change_power_mode(
    db: Database, slug: str, to_mode: str, *, changed_on: date | None = None, note: str = ""
) -> None:
    """Move an initiative to another power mode and record the shift, dated."""
    to_mode = _choice(to_mode, MODES, "power mode")
    with db.transaction() as session:
        initiative = _initiative(session, slug)
        if initiative.power_mode == to_mode:
            raise Conflict(f"{initiative.name} is already {to_mode}; choose another mode")
        session.add(
            InitiativeModeChange(
                initiative_id=initiative.id,
                from_mode=initiative.power_mode,
                to_mode=PowerMode(to_mode),
                changed_on=changed_on or utcnow().date(),
                note=(note or "").strip(),
            )
        )
        initiative.power_mode = PowerMode(to_mode)


def do_record_decision(
    db: Database,
    slug: str,
    *,
    what: str,
    by_whom: str,
    method: str,
    with_whom: str = "",
    decided_on: date | None = None,
) -> int:
    """Add one line to an initiative's co-production log; returns its id."""
    what = _text(what, "decision", 2000)
    by_whom = _text(by_whom, "who decided", 160)
    method = _choice(method, METHODS, "method")
    with_whom = (with_whom or "").strip()
    if len(with_whom) > 160:
        raise InvalidInput("who it was decided with must be 160 characters or fewer")
    with db.transaction() as session:
        initiative = _initiative(session, slug)
        row = CoproductionDecision(
            initiative_id=initiative.id,
            decided_on=decided_on or utcnow().date(),
            what=what,
            by_whom=by_whom,
            with_whom=with_whom,
            method=DecisionMethod(method),
        )
        session.add(row)
        session.flush()
        return row.id


def do_pledge(db: Database, person_id: int, text: str, *, slug: str | None = None) -> int:
    """A person makes a pledge (optionally for an initiative); returns its id."""
    text = _text(text, "pledge", 280)
    with db.transaction() as session:
        initiative_id = _initiative(session, slug).id if slug else None
        pledge = Pledge(person_id=person_id, text=text, initiative_id=initiative_id)
        session.add(pledge)
        session.flush()
        return pledge.id


def _step(db: Database, pledge_id: int, frm: PledgeStatus, to: PledgeStatus) -> datetime:
    with db.transaction() as session:
        pledge = session.get(Pledge, pledge_id)
        if pledge is None:
            raise NotFound(f"no pledge {pledge_id}")
        if pledge.status != frm:
            # made -> shared -> done, one step at a time and never back.
            raise Conflict(f"pledge {pledge_id} is {pledge.status.value}; only a {frm.value} "
                           f"pledge can become {to.value}")  # fmt: skip
        now = utcnow()
        pledge.status = to
        if to is PledgeStatus.SHARED:
            pledge.shared_at = now
        else:
            pledge.done_at = now
        return now


def do_share_pledge(db: Database, pledge_id: int) -> datetime:
    """Made -> shared, dated now."""
    return _step(db, pledge_id, PledgeStatus.MADE, PledgeStatus.SHARED)


def do_complete_pledge(db: Database, pledge_id: int) -> datetime:
    """Shared -> done, dated now (a pledge is shared before it is done)."""
    return _step(db, pledge_id, PledgeStatus.SHARED, PledgeStatus.DONE)


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass
class Portfolio:
    total: int = 0
    by_hand: dict[str, int] = field(default_factory=dict)
    by_mode: dict[str, int] = field(default_factory=dict)
    by_hand_and_mode: dict[str, dict[str, int]] = field(default_factory=dict)
    # quarter -> mode -> number of shifts into that mode
    shifts: dict[str, dict[str, int]] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def grassroots_share(self) -> float | None:
        """Share of initiatives on the grassroots hand (0.5 is an even balance)."""
        return self.by_hand.get("grassroots", 0) / self.total if self.total else None

    @property
    def co_produced_share(self) -> float | None:
        n = sum(self.decisions.values())
        return self.decisions.get("co_produced", 0) / n if n else None


def portfolio(session: Session) -> Portfolio:
    """Counts by hand and mode, mode shifts per quarter and how decisions were made."""
    p = Portfolio(
        by_hand={h: 0 for h in HANDS},
        by_mode={m: 0 for m in MODES},
        by_hand_and_mode={h: {m: 0 for m in MODES} for h in HANDS},
        decisions={m: 0 for m in METHODS},
    )
    rows = session.execute(
        select(Initiative.hand, Initiative.power_mode, func.count()).group_by(
            Initiative.hand, Initiative.power_mode
        )
    )
    for hand, mode, n in rows:
        h, m = Hand(hand).value, PowerMode(mode).value
        p.by_hand_and_mode[h][m] += int(n)
        p.by_hand[h] += int(n)
        p.by_mode[m] += int(n)
        p.total += int(n)
    for day, mode in session.execute(
        select(InitiativeModeChange.changed_on, InitiativeModeChange.to_mode).order_by(
            InitiativeModeChange.changed_on
        )
    ):
        row = p.shifts.setdefault(quarter(day), {m: 0 for m in MODES})
        row[PowerMode(mode).value] += 1
    for method, n in session.execute(
        select(CoproductionDecision.method, func.count()).group_by(CoproductionDecision.method)
    ):
        p.decisions[DecisionMethod(method).value] = int(n)
    return p


# --- counts shown to anyone: small numbers suppressed ---


def listing(session: Session) -> list[Row[str, str, Hand, PowerMode, str | None]]:
    """Every initiative by name: slug, name, hand, power mode and town (the portfolio's list)."""
    query = select(Initiative.slug, Initiative.name, Initiative.hand, Initiative.power_mode,
                   Initiative.town).order_by(Initiative.name, Initiative.id)  # fmt: skip
    return list(session.execute(query).all())


def member_counts(session: Session) -> dict[int, sup.Cell]:
    """Members of every initiative, suppressed (initiative id -> ``Cell``).

    Under ``MIN_CELL`` members the count is hidden; and since the Measures
    dashboard shows the members of each hand and power mode together, the
    initiatives of one hand and mode are one group with a published total
    (``suppression.protect``), so one hidden initiative's members are never
    that total minus the others.
    """
    rows = session.execute(
        select(Initiative.id, Initiative.hand, Initiative.power_mode, func.count(Membership.id))
        .outerjoin(
            Membership,
            (Membership.initiative_id == Initiative.id) & Membership.left_on.is_(None),
        )
        .group_by(Initiative.id, Initiative.hand, Initiative.power_mode)
        .order_by(Initiative.id)
    ).all()
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for iid, hand, mode, n in rows:
        groups.setdefault((Hand(hand).value, PowerMode(mode).value), []).append((iid, int(n)))
    out: dict[int, sup.Cell] = {}
    for items in groups.values():
        hidden = sup.protect([n for _, n in items]).hidden
        for i, (iid, n) in enumerate(items):
            out[iid] = sup.hide(sup.count_cell(n)) if i in hidden else sup.count_cell(n)
    return out


def counts_by(counts: dict[str, int], people: dict[str, int] | None = None) -> dict[str, sup.Cell]:
    """A split of one thing (pledges by status, say) whose total is implied.

    ``counts`` are shown where at least ``MIN_CELL`` people stand behind them
    (``people``, else the counts themselves), with secondary suppression as the
    split adds up to its total (``suppression.protect``).
    """
    keys = list(counts)
    behind = people or counts
    p = sup.protect([behind.get(k, 0) for k in keys])
    return {
        k: sup.hide(sup.cell(counts[k], behind.get(k, 0))) if i in p.hidden
        else sup.cell(counts[k], behind.get(k, 0))
        for i, k in enumerate(keys)
    }  # fmt: skip
