"""``groundswell events create|list|attendance|ties``: events, sign-in sheets, attendance ties."""

from __future__ import annotations

from pathlib import Path

import typer

from groundswell.actions.attendance_sheet import do_import_attendance
from groundswell.actions.attendance_ties import DEFAULT_WINDOW_DAYS, do_link_attendees
from groundswell.actions.audit import operator
from groundswell.actions.events import (
    EventDetails,
    do_create_event,
    event_view,
    list_events,
    parse_when,
)
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import FILE_ARGUMENT, JSON_OPTION
from groundswell.cli.output import print_json, say

events_app = typer.Typer(
    help="Events: create one, list them, import a sign-in sheet, rebuild attendance ties.",
    no_args_is_help=True,
)
app.add_typer(events_app, name="events")

WINDOW_OPTION = typer.Option(
    DEFAULT_WINDOW_DAYS, "--window-days", help="Count events shared within this many days."
)


@events_app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short name for its address, e.g. prom-walk-may."),
    title: str = typer.Option(..., "--title", help="Title shown to people."),
    starts: str = typer.Option(..., "--starts", help="Start, ISO date-time (no offset: UK time)."),
    ends: str | None = typer.Option(None, "--ends", help="End, ISO date-time."),
    town: str | None = typer.Option(None, "--town", help="Town it is in."),
    host: list[str] = typer.Option([], "--host", help="A host's person id (repeat for more)."),
    place: str | None = typer.Option(None, "--place", help="Where to meet."),
    online: str | None = typer.Option(None, "--online", help="Link for an online event."),
    capacity: int | None = typer.Option(None, "--capacity", help="Places (empty: no limit)."),
    initiative: str | None = typer.Option(None, "--initiative", help="Initiative slug."),
    campaign: str | None = typer.Option(None, "--campaign", help="Campaign slug."),
    description: str | None = typer.Option(None, "--description", help="What it is about."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Create a scheduled event that people can RSVP to at /events/SLUG."""
    details = EventDetails(
        title=title,
        starts_at=parse_when(starts, "--starts"),
        ends_at=parse_when(ends, "--ends") if ends else None,
        town=town or "",
        hosts=host,
        place=place or "",
        online_url=online or "",
        capacity=capacity,
        initiative=initiative or "",
        campaign=campaign or "",
        description=description or "",
    )
    with opened_app() as instance:
        made = do_create_event(instance, slug, details, actor=operator())
        with instance.reading() as session:
            view = event_view(session, made)
    if json_out:
        print_json(view.to_dict())
    else:
        say(f"Created event {made} ({view.title}), starts {view.starts_at:%Y-%m-%d %H:%M %Z}.")


@events_app.command("list")
def list_(json_out: bool = JSON_OPTION) -> None:
    """Events with an address: upcoming first (soonest first), then past (latest first)."""
    with opened_app() as instance, instance.reading() as session:
        upcoming, past = list_events(session)
    if json_out:
        print_json(
            {"upcoming": [v.to_dict() for v in upcoming], "past": [v.to_dict() for v in past]}
        )
        return
    for heading, views in (("Upcoming", upcoming), ("Past", past)):
        say(f"{heading}: {len(views)}")
        for v in views:
            when = f"{v.starts_at:%Y-%m-%d %H:%M}" if v.starts_at else "undated"
            say(f"  {v.slug}\t{when}\t{v.title}\t{v.status}\tgoing {v.going}, came {v.checked_in}")


@events_app.command("attendance")
def attendance(
    slug: str = typer.Argument(..., help="The event's slug."),
    file: Path = FILE_ARGUMENT,
    window: int = WINDOW_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Import a sign-in sheet: column id for known people, or display_name (and optional
    email, phone, consent_contact) for people new to the movement; all or nothing."""
    with opened_app() as instance:
        summary = do_import_attendance(instance, slug, file, actor=operator(), window_days=window)
    if json_out:
        print_json(summary.to_dict())
        return
    for warning in summary.warnings:
        say(f"warning: {warning}")
    say(
        f"{slug}: {summary.matched} matched, {summary.new} new, {summary.already} already in; "
        f"{summary.ties} attended-together ties."
    )


@events_app.command("ties")
def ties(
    slug: str = typer.Argument(..., help="The event's slug."),
    window: int = WINDOW_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Rebuild the attended_together ties among an event's attendees."""
    with opened_app() as instance:
        made = do_link_attendees(instance, slug, window_days=window)
    if json_out:
        print_json({"event": slug, "ties": made, "window_days": window})
    else:
        say(f"{slug}: {made} attended-together ties (events shared within {window} days).")
