"""Organisers create and edit campaigns (the web's admin; the CLI has ``campaigns create``).

Creating goes through ``do_create_campaign``, the command line's action, so
both refuse the same things. Editing changes the name, the daily target, the
group goal and the dates, checked by the same rules; the unit and the time
zone stay as created, since the days already logged were counted in them (a
mile a day turned into minutes would misread every log). Both are audited.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from groundswell.actions import Database
from groundswell.actions.audit import operator, record_access
from groundswell.actions.campaigns import (
    DAILY_MAX,
    CampaignInfo,
    _campaign,
    _info,
    do_create_campaign,
)
from groundswell.campaigns import streaks
from groundswell.errors import InvalidInput
from groundswell.store.models import ActivityLog, CampaignUnit


def do_add_campaign(
    db: Database,
    *,
    slug: str,
    name: str,
    unit: str,
    starts_on: date,
    ends_on: date | None = None,
    daily_target: float = 1.0,
    group_goal: float | None = None,
    actor: str | None = None,
) -> CampaignInfo:
    """Create a campaign as ``groundswell campaigns create`` does, and audit who did."""
    info = do_create_campaign(
        db, slug=slug, name=name, unit=unit, starts_on=starts_on, ends_on=ends_on,
        daily_target=daily_target, group_goal=group_goal, timezone=streaks.DEFAULT_TZ,
    )  # fmt: skip
    with db.transaction() as session:
        record_access(session, actor or operator(), "campaigns.create", "campaign", slug)
    return info


def do_edit_campaign(
    db: Database,
    slug: str,
    *,
    name: str,
    starts_on: date,
    ends_on: date | None,
    daily_target: float,
    group_goal: float | None,
    actor: str | None = None,
) -> CampaignInfo:
    """Change a campaign's name, target, goal or dates (not its unit or time zone)."""
    if not name.strip() or len(name.strip()) > 160:
        raise InvalidInput("give the campaign a name of 1 to 160 characters")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(f"the campaign ends ({ends_on}) before it starts ({starts_on})")
    if group_goal is not None and group_goal <= 0:
        raise InvalidInput(f"group goal {group_goal:g} must be more than 0, or left out")
    with db.transaction() as session:
        campaign = _campaign(session, slug)
        kind = campaign.unit
        if kind is CampaignUnit.YES_NO and daily_target != 1:
            raise InvalidInput("a yes/no campaign's daily target is 1 (done that day)")
        if not 0 < daily_target <= DAILY_MAX[kind]:
            raise InvalidInput(
                f"daily target {daily_target:g} is out of range; give more than 0 and at most "
                f"{DAILY_MAX[kind]:g} {kind.value}"
            )
        # Days already logged must stay inside the campaign, or their totals would
        # silently drop out of its report.
        first, last = session.execute(
            select(func.min(ActivityLog.day), func.max(ActivityLog.day)).where(
                ActivityLog.campaign_id == campaign.id
            )
        ).one()
        if first is not None and starts_on > first:
            raise InvalidInput(f"days are logged from {first}; start on {first} or earlier")
        if last is not None and ends_on is not None and ends_on < last:
            raise InvalidInput(f"days are logged up to {last}; end on {last} or later")
        campaign.name, campaign.starts_on, campaign.ends_on = name.strip(), starts_on, ends_on
        campaign.daily_target, campaign.group_goal = daily_target, group_goal
        record_access(session, actor or operator(), "campaigns.edit", "campaign", slug)
        return _info(campaign)
