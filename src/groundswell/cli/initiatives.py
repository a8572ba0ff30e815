"""``groundswell initiatives join|leave SLUG PERSON``: memberships, from the command line.

Leaving keeps the membership with the day it ended, as the web's Leave
button does. Joining twice exits 5 (conflict); an unknown initiative or
person, or leaving an initiative one is not in, exits 4 (not found).
"""

from __future__ import annotations

from datetime import date

import typer

from groundswell.actions.memberships import (
    MembershipView,
    do_join_initiative,
    do_leave_initiative,
)
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import print_json, say
from groundswell.errors import InvalidInput

initiatives_app = typer.Typer(
    help="Initiatives' members: a person joins or leaves.", no_args_is_help=True
)
app.add_typer(initiatives_app, name="initiatives")

ON_OPTION = typer.Option(None, "--on", help="The day (YYYY-MM-DD); default today (UTC).")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--on '{text}' is not a date; use YYYY-MM-DD") from None


def _show(m: MembershipView, json_out: bool, what: str) -> None:
    if json_out:
        print_json(m.to_dict())
    else:
        say(f"{m.person} {what} {m.initiative}.")


@initiatives_app.command("join")
def join(
    slug: str = typer.Argument(..., help="The initiative's short name."),
    person: str = typer.Argument(..., help="The person's id, as imported."),
    role: str = typer.Option("member", "--role", help="member, host, leader or sponsor."),
    on: str | None = ON_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """A person joins an initiative (or rejoins one they left)."""
    with opened_app() as instance:
        joined = do_join_initiative(instance, slug, person, role=role, on=_day(on))
    _show(joined, json_out, "joined")


@initiatives_app.command("leave")
def leave(
    slug: str = typer.Argument(..., help="The initiative's short name."),
    person: str = typer.Argument(..., help="The person's id, as imported."),
    on: str | None = ON_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """A person leaves an initiative; the membership is kept with the day it ended."""
    with opened_app() as instance:
        left = do_leave_initiative(instance, slug, person, on=_day(on))
    _show(left, json_out, "left")
