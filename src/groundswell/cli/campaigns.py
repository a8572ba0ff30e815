"""``groundswell campaigns create|edit|list|join|log|import|report``: challenges and their logs."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table

from groundswell.actions.campaigns import (
    campaign_report,
    do_create_campaign,
    do_import_activity,
    do_import_gpx,
    do_join_campaign,
    do_log_activity,
    list_campaigns,
    progress_csv,
    progress_rows,
)
from groundswell.actions.measures import parse_day
from groundswell.cli.database import opened_app
from groundswell.cli.importing import run_import
from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION, UPDATE_OPTION
from groundswell.cli.output import console, print_json, say
from groundswell.csvsafe import write_private, writer
from groundswell.errors import InvalidInput

campaigns_app = typer.Typer(
    help="Challenges such as a mile a day: create, log days, import CSV or GPX, report.",
    no_args_is_help=True,
)
app.add_typer(campaigns_app, name="campaigns")


@campaigns_app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short name, e.g. mile-a-day."),
    name: str = typer.Option(..., "--name", help="Name shown to people."),
    unit: str = typer.Option("miles", "--unit", help="miles, minutes or yes_no."),
    starts: str = typer.Option(..., "--starts", help="First day, YYYY-MM-DD."),
    ends: str | None = typer.Option(None, "--ends", help="Last day, YYYY-MM-DD."),
    target: float = typer.Option(1.0, "--target", help="Daily target (yes_no: 1)."),
    goal: float | None = typer.Option(None, "--goal", help="Group goal: the total together."),
    timezone: str = typer.Option("Europe/London", "--timezone", help="Time zone of a day."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Create a challenge (a mile a day, cook and eat together, ...)."""
    with opened_app() as instance:
        info = do_create_campaign(
            instance, slug=slug, name=name, unit=unit, starts_on=parse_day(starts, "--starts"),
            ends_on=parse_day(ends, "--ends") if ends else None, daily_target=target,
            group_goal=goal, timezone=timezone,
        )  # fmt: skip
    if json_out:
        print_json(info.to_dict())
    else:
        say(f"Created campaign {info.slug} ({info.name}), {info.unit}, from {info.starts_on}.")


@campaigns_app.command("edit")
def edit(
    slug: str = typer.Argument(..., help="The campaign's short name."),
    name: str | None = typer.Option(None, "--name", help="A new name."),
    starts: str | None = typer.Option(None, "--starts", help="A new first day, YYYY-MM-DD."),
    ends: str | None = typer.Option(None, "--ends", help="A new last day; '-' for no end."),
    target: float | None = typer.Option(None, "--target", help="A new daily target."),
    goal: float | None = typer.Option(None, "--goal", help="A new group goal; 0 for none."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Change a campaign's name, dates, target or goal (what is not given stays)."""
    from groundswell.actions.campaign_admin import do_edit_campaign
    from groundswell.errors import NotFound

    with opened_app() as instance:
        now = next((c for c in list_campaigns(instance) if c.slug == slug), None)
        if now is None:
            raise NotFound(f"there is no campaign '{slug}'; see 'groundswell campaigns list'")
        info = do_edit_campaign(
            instance, slug, name=name if name is not None else now.name,
            starts_on=parse_day(starts, "--starts") if starts else now.starts_on,
            ends_on=now.ends_on if ends is None else None if ends == "-" else parse_day(
                ends, "--ends"),
            daily_target=target if target is not None else now.daily_target,
            group_goal=now.group_goal if goal is None else goal or None,
        )  # fmt: skip
    if json_out:
        print_json(info.to_dict())
    else:
        until = f" to {info.ends_on}" if info.ends_on else ""
        say(f"Campaign {info.slug} ({info.name}): from {info.starts_on}{until}, "
            f"target {info.daily_target:g}.")  # fmt: skip


@campaigns_app.command("list")
def list_(json_out: bool = JSON_OPTION) -> None:
    """The campaigns in the database."""
    with opened_app() as instance:
        found = list_campaigns(instance)
    if json_out:
        print_json([c.to_dict() for c in found])
        return
    for c in found:
        until = f" to {c.ends_on}" if c.ends_on else ""
        say(f"{c.slug}\t{c.name}\t{c.unit}, target {c.daily_target:g}\t{c.starts_on}{until}")


@campaigns_app.command("join")
def join(
    campaign: str = typer.Argument(..., help="Campaign slug."),
    person: str = typer.Argument(..., help="Person id."),
    team: str | None = typer.Option(None, "--team", help="Team or neighbourhood."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Join a person to a campaign, in a team if given."""
    with opened_app() as instance:
        do_join_campaign(instance, campaign=campaign, person=person, team=team)
    if json_out:
        print_json({"campaign": campaign, "person": person, "team": team})
        return
    say(f"{person} joined {campaign}" + (f" in team {team}." if team else "."))


def _when(text: str) -> date | datetime:
    if len(text) == 10:
        return parse_day(text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date; write YYYY-MM-DD or 2024-03-31T00:30:00+01:00"
        ) from None


@campaigns_app.command("log")
def log(
    campaign: str = typer.Argument(..., help="Campaign slug."),
    person: str = typer.Argument(..., help="Person id."),
    amount: str = typer.Argument(..., help="Miles or minutes, or yes/no."),
    on: str = typer.Option(
        None, "--date", help="Local date YYYY-MM-DD or date-time with offset (default today)."
    ),
    team: str | None = typer.Option(None, "--team", help="Team or neighbourhood."),
    update: bool = UPDATE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Log one person's amount for one day."""
    words = {"yes": 1.0, "no": 0.0, "true": 1.0, "false": 0.0}
    try:
        value = words[amount.lower()] if amount.lower() in words else float(amount)
    except ValueError:
        raise InvalidInput(f"amount '{amount}' is not a number or yes/no") from None
    with opened_app() as instance:
        when = _when(on) if on else datetime.now().astimezone()
        result = do_log_activity(
            instance, campaign=campaign, person=person, day=when, amount=value, team=team,
            origin="cli", update=update,
        )  # fmt: skip
    if json_out:
        print_json(result)
    else:
        say(f"Logged {result['amount']:g} for {person} on {result['day']} in {campaign}.")


@campaigns_app.command("import")
def import_logs(
    file: Path = typer.Argument(..., metavar="FILE", help="CSV of logs, or a GPX track."),
    campaign: str | None = typer.Option(None, "--campaign", help="GPX: campaign slug."),
    person: str | None = typer.Option(None, "--person", help="GPX: whose track it is."),
    update: bool = UPDATE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """CSV columns: person, campaign, date, amount (required), team, origin.
    A .gpx track needs --campaign and --person and logs the miles of each day."""
    if file.suffix.lower() != ".gpx":
        run_import(do_import_activity, file, update, json_out)
        return
    if not campaign or not person:
        raise InvalidInput("a GPX track needs --campaign SLUG and --person ID")
    with opened_app() as instance:
        result = do_import_gpx(instance, file, campaign=campaign, person=person, update=update)
    if json_out:
        print_json(result)
        return
    days = ", ".join(f"{d}: {m:g} mi" for d, m in result["days"].items())
    say(f"Imported {result['points']} points from {file}: {days}.")
    if result["skipped_steps"]:
        say(
            f"Left out {result['skipped_steps']} steps ({result['skipped_miles']:g} mi) "
            "faster than walking or running (GPS jumps or a vehicle)."
        )


@campaigns_app.command("report")
def report(
    campaign: str = typer.Argument(..., help="Campaign slug."),
    by: str = typer.Option("team", "--by", help="Group totals by team or town."),
    person: str | None = typer.Option(None, "--person", help="Also show this person's streaks."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Write the table to this CSV file."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Collective totals against the group goal, progress by day, totals by team or town.
    Cells under 10 people are suppressed; no one is ranked."""
    with opened_app() as instance:
        result = campaign_report(instance, campaign, by=by, person=person)
    if csv_out is not None:
        write_private(csv_out, progress_csv(result))
    if json_out:
        print_json(result.to_dict())
        return
    rows = progress_rows(result)
    if csv_out is None and not sys.stdout.isatty():
        writer(sys.stdout, lineterminator="\n").writerows(rows)
    else:
        table = Table(title=result.campaign.name, title_justify="left")
        for column in rows[0]:
            table.add_column(column.replace("_", " "))
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
    if result.mine:
        m = result.mine
        say(
            f"{m['person']}: {m['total']:g} {result.campaign.unit} over {m['days_logged']} days, "
            f"target met on {m['days_met']}; streak {m['current_streak']} "
            f"(longest {m['longest_streak']})."
        )
