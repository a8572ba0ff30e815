"""Campaigns: create a challenge, join it, log days (one at a time, CSV or GPX), report.

A day is a local date in the campaign's time zone. A log stores a person's
total for that day; logging a day already logged is refused unless
``update=True`` replaces it, so importing the same file twice never counts a
walk twice. Imports are all or nothing with file, line and field errors, like
``groundswell import people``.

Activity CSV columns: ``person``, ``campaign`` (slug), ``date`` (YYYY-MM-DD, a
local date; or a date-time with offset, counted on its local date) and
``amount`` (miles, minutes, or yes/no), with optional ``team`` and ``origin``.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell import csvsafe
from groundswell.actions import Database
from groundswell.actions import csvfiles as cf
from groundswell.actions.import_rows import (
    ImportSummary,
    Progress,
    check_once,
    finish_summary,
    new_summary,
    person_id_of,
    person_ids_by_ref,
    write_rows,
)
from groundswell.campaigns import gpx, streaks, totals
from groundswell.errors import Conflict, InputFileError, InvalidInput, NotFound
from groundswell.measures import suppression
from groundswell.store.models import (
    ActivityLog,
    Campaign,
    CampaignMember,
    CampaignUnit,
    Person,
    utcnow,
)

LOG_REQUIRED = ("person", "campaign", "date", "amount")
LOG_OPTIONAL = ("team", "origin")
UNITS = [u.value for u in CampaignUnit]
# Most a person can do in one day; more is a typing slip (a mile as 1000 metres, say).
DAILY_MAX = {CampaignUnit.MILES: 100.0, CampaignUnit.MINUTES: 1440.0, CampaignUnit.YES_NO: 1.0}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass(frozen=True)
class CampaignInfo:
    slug: str
    name: str
    unit: str
    daily_target: float
    group_goal: float | None
    starts_on: date
    ends_on: date | None
    timezone: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }


def _info(c: Campaign) -> CampaignInfo:
    return CampaignInfo(
        c.slug, c.name, c.unit.value, c.daily_target, c.group_goal, c.starts_on, c.ends_on,
        c.timezone,
    )  # fmt: skip


def do_create_campaign(
    app: Database,
    *,
    slug: str,
    name: str,
    unit: str,
    starts_on: date,
    ends_on: date | None = None,
    daily_target: float = 1.0,
    group_goal: float | None = None,
    timezone: str = streaks.DEFAULT_TZ,
) -> CampaignInfo:
    """Create a challenge: e.g. a mile a day (miles, target 1) or cooking together (yes/no)."""
    if not SLUG.match(slug):
        raise InvalidInput(
            f"slug '{slug}' is not valid; use lower-case letters, digits and hyphens, "
            "e.g. mile-a-day"
        )
    if not name.strip() or len(name) > 160:
        raise InvalidInput("give the campaign a name of 1 to 160 characters")
    if unit not in UNITS:
        raise InvalidInput(f"unit '{unit}' is not one of {', '.join(UNITS)}")
    kind = CampaignUnit(unit)
    if kind is CampaignUnit.YES_NO and daily_target != 1:
        raise InvalidInput("a yes/no campaign's daily target is 1 (done that day); leave it out")
    if not 0 < daily_target <= DAILY_MAX[kind]:
        raise InvalidInput(
            f"daily target {daily_target:g} is out of range; give more than 0 and at most "
            f"{DAILY_MAX[kind]:g} {unit}"
        )
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(f"the campaign ends ({ends_on}) before it starts ({starts_on})")
    if group_goal is not None and group_goal <= 0:
        raise InvalidInput(f"group goal {group_goal:g} must be more than 0, or left out")
    streaks.zone(timezone)
    with app.transaction() as session:
        if session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is not None:
            raise Conflict(f"there is already a campaign '{slug}'; choose another slug")
        campaign = Campaign(
            slug=slug, name=name.strip(), unit=kind, daily_target=daily_target,
            group_goal=group_goal, starts_on=starts_on, ends_on=ends_on, timezone=timezone,
        )  # fmt: skip
        session.add(campaign)
    return _info(campaign)


def list_campaigns(app: Database) -> list[CampaignInfo]:
    with app.reading() as session:
        return [_info(c) for c in session.scalars(select(Campaign).order_by(Campaign.starts_on))]


def _campaign(session: Session, slug: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise NotFound(f"there is no campaign '{slug}'; see 'groundswell campaigns list'")
    return campaign


def _person_id(session: Session, ref: str) -> int:
    pid = session.scalar(select(Person.id).where(Person.ref == ref))
    if pid is None:
        raise NotFound(f"'{ref}' is not a person in the database; check the id")
    return pid


def check_amount(campaign: Campaign, amount: float) -> float:
    """``amount`` for one day, or ``InvalidInput`` giving the range for the unit."""
    top = DAILY_MAX[campaign.unit]
    if campaign.unit is CampaignUnit.YES_NO and amount not in (0, 1):
        raise InvalidInput(f"'{amount:g}' is not yes or no; write yes/no or 1/0")
    if not 0 <= amount <= top:
        raise InvalidInput(
            f"{amount:g} {campaign.unit.value} in a day is out of range; "
            f"give 0 to {top:g} {campaign.unit.value}"
        )
    return float(amount)


def check_day(campaign: Campaign, day: date, today: date | None = None) -> date:
    """``day`` inside the campaign's dates and not after today (local to the campaign)."""
    today = today or streaks.local_date(utcnow(), campaign.timezone)
    if day < campaign.starts_on or (campaign.ends_on is not None and day > campaign.ends_on):
        until = f" to {campaign.ends_on}" if campaign.ends_on else ""
        raise InvalidInput(
            f"{day} is outside the campaign '{campaign.slug}' ({campaign.starts_on}{until})"
        )
    if day > today:
        raise InvalidInput(f"{day} is in the future (today is {today} in {campaign.timezone})")
    return day


def do_log_activity(
    app: Database,
    *,
    campaign: str,
    person: str,
    day: date | datetime,
    amount: float,
    team: str | None = None,
    origin: str = "web",
    update: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Log one person's amount for one local day; a date-time counts on its local date."""
    with app.transaction() as session:
        c = _campaign(session, campaign)
        pid = _person_id(session, person)
        local = streaks.local_date(day, c.timezone) if isinstance(day, datetime) else day
        check_day(c, local, today)
        value = check_amount(c, amount)
        log = session.scalar(
            select(ActivityLog).where(
                ActivityLog.campaign_id == c.id,
                ActivityLog.person_id == pid,
                ActivityLog.day == local,
            )
        )
        if log is not None and not update:
            raise Conflict(
                f"'{person}' has already logged {log.amount:g} {c.unit.value} on {local}; "
                "use --update to replace it"
            )
        created = log is None
        log = log or ActivityLog(campaign_id=c.id, person_id=pid, day=local)
        log.amount, log.origin, log.logged_at = value, origin[:16], utcnow()
        session.add(log)
        _join(session, c.id, {pid: team})
    return {"campaign": campaign, "person": person, "day": local.isoformat(),
            "amount": value, "created": created}  # fmt: skip


def _join(session: Session, campaign_id: int, teams: dict[int, str | None]) -> None:
    """Make people members of the campaign; a team given replaces the one stored."""
    members = {
        m.person_id: m
        for m in session.scalars(
            select(CampaignMember).where(CampaignMember.campaign_id == campaign_id)
        )
    }
    for pid, team in teams.items():
        if pid not in members:
            session.add(CampaignMember(campaign_id=campaign_id, person_id=pid, team=team))
        elif team:
            members[pid].team = team
    session.flush()


def do_join_campaign(app: Database, *, campaign: str, person: str, team: str | None = None) -> None:
    """Join ``person`` to ``campaign``, in ``team`` if given."""
    if team is not None and not 0 < len(team) <= 80:
        raise InvalidInput("a team name is 1 to 80 characters")
    with app.transaction() as session:
        c = _campaign(session, campaign)
        _join(session, c.id, {_person_id(session, person): team})


def do_import_activity(
    app: Database,
    path: str | Path,
    *,
    update: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import activity logs from CSV, all or nothing (columns in the module docstring)."""
    started = time.perf_counter()
    table = cf.read_csv(path, required=LOG_REQUIRED, optional=LOG_OPTIONAL)
    summary = new_summary(table, "activity")
    now = utcnow()
    with app.transaction() as session:
        ids = person_ids_by_ref(session)
        campaigns = {c.slug: c for c in session.scalars(select(Campaign))}
        stored = {
            (c, p, d): i
            for i, c, p, d in session.execute(
                select(ActivityLog.id, ActivityLog.campaign_id, ActivityLog.person_id,
                       ActivityLog.day)
            )
        }  # fmt: skip
        created: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        teams: dict[int, dict[int, str | None]] = {}
        lines: dict[tuple[int, int, date], int] = {}
        for line, row in table:
            pid = person_id_of(table, line, row, "person", ids)
            c = _csv_campaign(table, line, row, campaigns)
            day = _field(table, line, "date", _csv_local_day, row, c, today)
            amount = _field(table, line, "amount", _csv_amount, row, c)
            team = cf.optional_text(table, line, row, "team", 80)
            key = (c.id, pid, day)
            what = f"a log of '{row['person']}' in {c.slug} on {day}"
            check_once(
                table, lines, key, line, "date", f"{what} appears twice", "keep one row per day"
            )
            log = {"campaign_id": c.id, "person_id": pid, "day": day, "amount": amount,
                   "origin": cf.optional_text(table, line, row, "origin", 16) or "import",
                   "logged_at": now}  # fmt: skip
            teams.setdefault(c.id, {})[pid] = team or teams.get(c.id, {}).get(pid)
            if key not in stored:
                created.append(log)
                continue
            if not update:
                raise table.error(
                    line, "date", f"{what} is already in the database",
                    "use --update to replace it, or remove this row",
                )  # fmt: skip
            changed.append({"id": stored[key], **log})
        write_rows(session, ActivityLog, created, changed, progress)
        for cid, members in teams.items():
            _join(session, cid, members)
    return finish_summary(summary, len(table), created, changed, started)


def _field(table: cf.CsvTable, line: int, column: str, parse: Any, *args: Any) -> Any:
    """Run ``parse(*args)``; an ``InvalidInput`` becomes a file error naming line and field."""
    try:
        return parse(*args)
    except InputFileError:
        raise
    except InvalidInput as exc:
        raise table.error(line, column, exc.message) from None


def _csv_campaign(
    table: cf.CsvTable, line: int, row: dict[str, str], campaigns: dict[str, Campaign]
) -> Campaign:
    slug = cf.required_text(table, line, row, "campaign", 80)
    if slug not in campaigns:
        known = ", ".join(sorted(campaigns)) or "none yet"
        raise table.error(
            line, "campaign", f"there is no campaign '{slug}'",
            f"use one of: {known} (or create it with 'groundswell campaigns create')",
        )  # fmt: skip
    return campaigns[slug]


def _csv_local_day(row: dict[str, str], c: Campaign, today: date | None) -> date:
    text = row["date"]
    if not text:
        raise InvalidInput("this value is empty; every row needs a date")
    try:
        if len(text) == 10:
            return check_day(c, date.fromisoformat(text), today)
        return check_day(c, streaks.local_date(datetime.fromisoformat(text), c.timezone), today)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date; write YYYY-MM-DD, or a date-time with its offset "
            "such as 2024-03-31T00:30:00+01:00"
        ) from None


def _csv_amount(row: dict[str, str], c: Campaign) -> float:
    text = row["amount"].lower()
    if c.unit is CampaignUnit.YES_NO:
        if text in cf.TRUE_WORDS:
            return 1.0
        if text in cf.FALSE_WORDS:
            return 0.0
        raise InvalidInput(f"'{row['amount']}' is not yes or no; write yes/no or 1/0")
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(
            f"'{row['amount']}' is not a number of {c.unit.value}; write e.g. 1.5"
        ) from None
    return check_amount(c, value)


def do_import_gpx(
    app: Database,
    path: str | Path,
    *,
    campaign: str,
    person: str,
    update: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Log the miles of a GPX track on each local day it covers, all or nothing."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"the file cannot be read ({exc.strerror})") from None
    with app.transaction() as session:
        c = _campaign(session, campaign)
        if c.unit is not CampaignUnit.MILES:
            raise InvalidInput(
                f"campaign '{campaign}' counts {c.unit.value}; GPX tracks give miles, "
                "so import them into a miles campaign"
            )
        pid = _person_id(session, person)
        track = gpx.distance_by_day(gpx.parse_gpx(data, name), tz=c.timezone, path=name)
        stored = {
            log.day: log
            for log in session.scalars(
                select(ActivityLog).where(
                    ActivityLog.campaign_id == c.id, ActivityLog.person_id == pid
                )
            )
        }
        for day, miles in track.miles_by_day.items():
            try:
                check_day(c, day, today)
                check_amount(c, miles)
            except InvalidInput as exc:
                raise InputFileError(name, f"the track on {day}: {exc.message}") from None
            if day in stored and not update:
                raise InputFileError(
                    name, f"'{person}' has already logged {stored[day].amount:g} miles on {day}",
                    fix="use --update to replace that day with this track",
                )  # fmt: skip
            log = stored.get(day) or ActivityLog(campaign_id=c.id, person_id=pid, day=day)
            log.amount, log.origin, log.logged_at = round(miles, 2), "gpx", utcnow()
            session.add(log)
        _join(session, c.id, {pid: None})
    return {
        "path": name, "campaign": campaign, "person": person, "points": track.points,
        "days": {d.isoformat(): round(m, 2) for d, m in track.miles_by_day.items()},
        "skipped_steps": track.skipped_steps, "skipped_miles": round(track.skipped_miles, 3),
    }  # fmt: skip


# --- reports ---


@dataclass(frozen=True)
class CampaignReport:
    campaign: CampaignInfo
    progress: totals.Progress
    grouped_by: str
    mine: dict[str, Any] | None = None  # a person's own streaks: theirs to see, not ranked

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.to_dict(),
            "grouped_by": self.grouped_by,
            **self.progress.to_dict(),
            "person": self.mine,
        }


def campaign_report(
    app: Database,
    campaign: str,
    *,
    by: str = "team",
    person: str | None = None,
    today: date | None = None,
) -> CampaignReport:
    """Collective totals, progress by day and totals by team or town (``by``), suppressed."""
    if by not in ("team", "town"):
        raise InvalidInput(f"group by '{by}' is not known; use team or town")
    with app.reading() as session:
        c = _campaign(session, campaign)
        today = today or streaks.local_date(utcnow(), c.timezone)
        rows = session.execute(
            select(ActivityLog.person_id, ActivityLog.day, ActivityLog.amount)
            .where(ActivityLog.campaign_id == c.id)
            .order_by(ActivityLog.day)
        ).all()
        if by == "team":
            query = select(CampaignMember.person_id, CampaignMember.team).where(
                CampaignMember.campaign_id == c.id
            )
        else:
            query = select(Person.id, Person.town)
        groups = dict(session.execute(query).all())
        mine = _mine(session, c, person, rows, today) if person else None
        info = _info(c)
    end = min(c.ends_on or today, today) if today >= c.starts_on else c.starts_on
    logs = [totals.Log(p, d, a) for p, d, a in rows]
    result = totals.progress(
        logs, starts_on=c.starts_on, ends_on=end, daily_target=c.daily_target,
        goal=c.group_goal, groups=groups,
    )  # fmt: skip
    return CampaignReport(info, result, by, mine)


def _mine(session: Session, c: Campaign, ref: str, rows: Any, today: date) -> dict[str, Any]:
    pid = _person_id(session, ref)
    amounts = {d: a for p, d, a in rows if p == pid}
    s = streaks.count_streaks(streaks.met_target(amounts, c.daily_target), today=today)
    return {
        "person": ref, "total": round(sum(amounts.values()), 3), "days_logged": len(amounts),
        "days_met": s.days_met, "current_streak": s.current, "longest_streak": s.longest,
    }  # fmt: skip


PROGRESS_HEADER = ("section", "key", "people", "amount", "cumulative", "share_of_goal", "days_met")


def progress_rows(report: CampaignReport) -> list[list[str]]:
    """Totals, progress by day and totals by group as text cells (suppressed cells say so)."""
    show = suppression.show
    p = report.progress
    rows = [list(PROGRESS_HEADER)]
    rows.append(["total", report.campaign.unit, show(p.people), show(p.total), "",
                 show(p.share_of_goal), show(p.days_met)])  # fmt: skip
    for d in p.days:
        rows.append(
            ["day", d.day.isoformat(), show(d.people), show(d.amount), show(d.cumulative), "", ""]
        )
    for g in p.groups:
        rows.append(
            [report.grouped_by, g.group, show(g.people), show(g.total), "", "", show(g.days_met)]
        )
    return rows


def progress_csv(report: CampaignReport) -> str:
    """The report as a CSV download; every aggregate under 10 people reads suppressed (<10)."""
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerows(progress_rows(report))
    return out.getvalue()
