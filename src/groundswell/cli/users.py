"""``groundswell users create|grant|revoke|link|list|invite``: accounts and the roles they hold.

Passwords are read from standard input (``--password-stdin``, for scripts) or
asked for twice at a hidden prompt; they are never taken as an argument,
where they would land in shell history and process lists.
"""

from __future__ import annotations

import sys

import typer

from groundswell.actions.accounts import (
    UserInfo,
    do_create_user,
    do_grant_role,
    do_link_person,
    do_revoke_role,
    list_users,
)
from groundswell.actions.invitations import do_invite
from groundswell.cli.database import opened_app
from groundswell.cli.main import app
from groundswell.cli.options import JSON_OPTION
from groundswell.cli.output import print_json, say
from groundswell.errors import InvalidInput

users_app = typer.Typer(
    help="Accounts: create users, grant and revoke roles, list them.", no_args_is_help=True
)
app.add_typer(users_app, name="users")

SCOPE_HELP = "What the role covers: '*' (everything), 'town:<Town>' or 'initiative:<slug>'."
ROLE_HELP = "participant, organiser, moderator or admin."


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidInput("no password on standard input; pipe one line with the password")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput("no terminal to ask for a password; use --password-stdin")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _describe(info: UserInfo) -> str:
    roles = ", ".join(f"{g['role']} ({g['scope']})" for g in info.grants) or "no roles"
    state = " [disabled]" if info.disabled else ""
    return f"{info.email}\t{info.display_name}\t{roles}{state}"


@users_app.command("create")
def create(
    email: str = typer.Argument(..., help="Email address; used to sign in."),
    name: str = typer.Option(..., "--name", help="Name shown to people."),
    role: str | None = typer.Option(None, "--role", help="A first role: " + ROLE_HELP),
    scope: str = typer.Option("*", "--scope", help=SCOPE_HELP),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Create a user who can sign in (the password is asked for, never shown)."""
    password = _password(password_stdin)
    with opened_app() as instance:
        info = do_create_user(
            instance, email=email, display_name=name, password=password, role=role, scope=scope
        )
    if json_out:
        print_json(info.to_dict())
    else:
        say(f"Created user {_describe(info)}.")


@users_app.command("grant")
def grant(
    email: str = typer.Argument(..., help="The user's email address."),
    role: str = typer.Argument(..., help=ROLE_HELP),
    scope: str = typer.Option("*", "--scope", help=SCOPE_HELP),
    json_out: bool = JSON_OPTION,
) -> None:
    """Give a user a role over a scope (doing it twice changes nothing)."""
    with opened_app() as instance:
        info = do_grant_role(instance, email=email, role=role, scope=scope)
    if json_out:
        print_json(info.to_dict())
    else:
        say(f"Granted. {_describe(info)}")


@users_app.command("link")
def link(
    email: str = typer.Argument(..., help="The user's email address."),
    person: str = typer.Argument(..., help="The person's id, as imported; '-' unlinks."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Link a user to the person they are, so they can log their own days and surveys."""
    with opened_app() as instance:
        linked = do_link_person(instance, email=email, person=None if person == "-" else person)
    if json_out:
        print_json({"email": email, "person": linked})
    else:
        say(f"{email} is now linked to {linked}." if linked else f"{email} is unlinked.")


@users_app.command("revoke")
def revoke(
    email: str = typer.Argument(..., help="The user's email address."),
    role: str = typer.Argument(..., help=ROLE_HELP),
    scope: str = typer.Option("*", "--scope", help=SCOPE_HELP),
    json_out: bool = JSON_OPTION,
) -> None:
    """Take a role over a scope away from a user."""
    with opened_app() as instance:
        info = do_revoke_role(instance, email=email, role=role, scope=scope)
    if json_out:
        print_json(info.to_dict())
    else:
        say(f"Revoked. {_describe(info)}")


@users_app.command("list")
def list_(json_out: bool = JSON_OPTION) -> None:
    """Everyone who can sign in, with their roles."""
    with opened_app() as instance:
        found = list_users(instance)
    if json_out:
        print_json([u.to_dict() for u in found])
        return
    for info in found:
        say(_describe(info))


@users_app.command("invite")
def invite(
    email: str = typer.Argument(..., help="Their email address; the invitation goes there."),
    role: str | None = typer.Option(None, "--role", help="The role they start with: " + ROLE_HELP),
    scope: str = typer.Option("*", "--scope", help=SCOPE_HELP),
    person: str | None = typer.Option(
        None, "--person", help="The id of the person they are in the movement, to link to."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Email an invitation: they choose a name and password, and get the role and link given."""
    from datetime import UTC, datetime

    from groundswell.actions.audit import operator

    with opened_app() as instance:
        settings = instance.settings
        # Links need the site's public address; without one, the address 'serve' listens on.
        base_url = getattr(settings, "base_url", None) or "http://127.0.0.1:8000"
        sent = do_invite(
            instance, email=email, role=role, scope=scope, person=person, actor=operator(),
            now=datetime.now(UTC), base_url=str(base_url),
            org_name=settings.org_name or "Groundswell",
        )  # fmt: skip
    if json_out:
        print_json(sent.to_dict())
        return
    to = f" as {sent.role} ({sent.scope})" if sent.role else ""
    link = f", linked to person {sent.person}" if sent.person else ""
    until = f"{sent.expires_at:%Y-%m-%d %H:%M} UTC"
    say(f"Invited {sent.email}{to}{link}; the link works until {until}.")
