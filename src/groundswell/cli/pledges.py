"""``groundswell pledges make|share|done|list``: people's pledges, from the command line.

The same actions as the web's ``/pledges`` pages: a pledge moves made ->
shared -> done, one step at a time; a step out of turn exits 5 (conflict)
and an unknown person, initiative, campaign or pledge exits 4 (not found),
leaving the database as it was.
"""

from __future__ import annotations

import typer

from groundswell.actions.pledges import (
    PledgeView,
    do_complete_pledge,
    do_make_pledge,
    do_share_pledge,
    list_pledges,
)
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import print_json, say

pledges_app = typer.Typer(
    help="Pledges: make one for a person, share it, mark it done, list them.",
    no_args_is_help=True,
)
app.add_typer(pledges_app, name="pledges")


def _line(p: PledgeView) -> str:
    part = f" [{p.initiative}]" if p.initiative else ""
    part += f" [campaign {p.campaign}]" if p.campaign else ""
    return f"{p.id}\t{p.person}\t{p.status}\t{p.text}{part}"


def _show(p: PledgeView, json_out: bool, what: str) -> None:
    if json_out:
        print_json(p.to_dict())
    else:
        say(f"{what} pledge {p.id} of {p.person}: {p.text}")


@pledges_app.command("make")
def make(
    person: str = typer.Argument(..., help="The person's id, as imported."),
    text: str = typer.Argument(..., help="What they pledge to do (at most 280 characters)."),
    initiative: str | None = typer.Option(None, "--initiative", help="Part of this initiative."),
    campaign: str | None = typer.Option(None, "--campaign", help="Part of this campaign."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a pledge a person made, for themselves or an initiative or campaign."""
    with opened_app() as instance:
        made = do_make_pledge(
            instance, person=person, text=text, initiative=initiative, campaign=campaign
        )
    _show(made, json_out, "Made")


@pledges_app.command("share")
def share(
    pledge: int = typer.Argument(..., metavar="ID", help="The pledge's number."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Mark a pledge as shared with others (made -> shared)."""
    with opened_app() as instance:
        shared = do_share_pledge(instance, pledge)
    _show(shared, json_out, "Shared")


@pledges_app.command("done")
def done(
    pledge: int = typer.Argument(..., metavar="ID", help="The pledge's number."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Mark a shared pledge as carried out (shared -> done)."""
    with opened_app() as instance:
        kept = do_complete_pledge(instance, pledge)
    _show(kept, json_out, "Kept")


@pledges_app.command("list")
def list_(
    person: str | None = typer.Option(None, "--person", help="Only this person's pledges."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Pledges, newest first: id, person, status and text."""
    with opened_app() as instance:
        found = list_pledges(instance, person=person)
    if json_out:
        print_json([p.to_dict() for p in found])
        return
    for p in found:
        say(_line(p))
