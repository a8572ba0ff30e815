"""Who may do what: the rules as one table, and ``can`` that reads it. The only place they live.

Roles
    ``participant`` takes part with an account; ``organiser`` runs part of the
    movement, sees its people and runs its conversations (opens them and
    moderates their statements, as a movement expects of whoever convenes a
    conversation); ``moderator`` moderates stories and conversations;
    ``admin`` may do everything, everywhere.

Scopes
    Each role is granted over a scope, a string:

    - ``*``: the whole movement;
    - ``town:<Town>``: the people whose town is <Town> (case-insensitive);
    - ``initiative:<slug>``: the members of that initiative, and for a
      moderator the conversations that belong to it.

    "An organiser sees only their movement's people" means: an organiser
    granted ``town:Leeds`` and ``initiative:walk-leeds`` sees the people of
    Leeds plus the members of walk-leeds, nobody else.

    A story is in the scope of its storyteller (their town and initiatives);
    a story linked to nobody is covered by movement-wide (``*``) grants only,
    so a scoped moderator never reads an unattributed private story.

One rule for single items and lists: ``scopes_for`` turns a principal's grants
for an action into a ``Scopes``; ``Scopes.covers`` decides one subject (what
``can`` asks), and ``groundswell.actions.scopes`` turns the same ``Scopes`` into
the SQL filter for lists, so the two can never disagree.

Anonymous visitors (``principal is None``) may read the public pages and take
part in conversations (vote, add statements) without an account.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from groundswell.errors import InvalidInput, PermissionDenied


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    ORGANISER = "organiser"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Action(enum.StrEnum):
    VIEW_PUBLIC = "view_public"  # the movement's public pages and aggregate API
    TAKE_PART = "take_part"  # vote and add statements in a conversation
    VIEW_ACCOUNT = "view_account"  # one's own account page
    VIEW_PEOPLE = "view_people"  # people records, within scope
    MODERATE = "moderate"  # review stories: flags, approval, publication, within scope
    MODERATE_STATEMENTS = "moderate_statements"  # open conversations, accept or remove statements
    MANAGE_USERS = "manage_users"  # list users, grant roles
    CURATE = "curate"  # read approved stories and assemble training packs, within scope


ANYONE = "anyone"
SIGNED_IN = "signed_in"

# The rules: an action -> who may do it. Scoped actions check the grant's scope too.
RULES: dict[Action, str | frozenset[Role]] = {
    Action.VIEW_PUBLIC: ANYONE,
    Action.TAKE_PART: ANYONE,
    Action.VIEW_ACCOUNT: SIGNED_IN,
    Action.VIEW_PEOPLE: frozenset({Role.ORGANISER, Role.ADMIN}),
    Action.MODERATE: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.MODERATE_STATEMENTS: frozenset({Role.ORGANISER, Role.MODERATOR, Role.ADMIN}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.CURATE: frozenset({Role.ORGANISER, Role.MODERATOR, Role.ADMIN}),
}
SCOPED = frozenset({Action.VIEW_PEOPLE, Action.MODERATE, Action.MODERATE_STATEMENTS, Action.CURATE})

ALL = "*"
SCOPE_KINDS = ("town", "initiative")


@dataclass(frozen=True)
class Grant:
    role: Role
    scope: str = ALL


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the rules see them."""

    user_id: int
    email: str
    display_name: str
    grants: tuple[Grant, ...] = ()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)


@dataclass(frozen=True)
class Subject:
    """What a scope is checked against: a person (town, initiatives) or a conversation."""

    town: str | None = None
    initiatives: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scopes:
    """The union of a principal's scopes for one action, for filtering queries."""

    everything: bool = False
    towns: frozenset[str] = field(default_factory=frozenset)  # lower-cased
    initiatives: frozenset[str] = field(default_factory=frozenset)

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.towns or self.initiatives)

    def covers(self, subject: Subject) -> bool:
        """True when ``subject`` (a person, story or conversation) lies within these scopes."""
        if self.everything:
            return True
        if subject.town is not None and subject.town.casefold() in self.towns:
            return True
        return bool(self.initiatives & subject.initiatives)


# The operator at the command line holds the database itself: every scope.
EVERYWHERE = Scopes(everything=True)


class SignInRequired(PermissionDenied):
    """The request needs a signed-in user (HTTP 401; pages redirect to sign in)."""

    http_status = 401


def parse_scope(text: str) -> tuple[str, str]:
    """``'*'`` -> ``('*', '')``; ``'town:Leeds'`` -> ``('town', 'Leeds')``; else InvalidInput."""
    text = text.strip()
    if text == ALL:
        return ALL, ""
    kind, sep, value = text.partition(":")
    if not sep or kind not in SCOPE_KINDS or not value.strip():
        raise InvalidInput(
            f"scope '{text}' is not understood; use '*', 'town:<Town>' or 'initiative:<slug>'"
        )
    return kind, value.strip()


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidInput(f"role '{text}' is not one of {names}; use one of those") from None


def _qualifying(principal: Principal, action: Action) -> Iterable[Grant]:
    rule = RULES[action]
    if isinstance(rule, str):
        return principal.grants
    return [g for g in principal.grants if g.role in rule or g.role is Role.ADMIN]


def can(principal: Principal | None, action: Action, subject: Subject | None = None) -> bool:
    """True when ``principal`` (None: an anonymous visitor) may do ``action`` [to ``subject``].

    Without a subject a scoped action asks "may they do it anywhere?" (e.g. open
    the people list, which is then filtered by ``scopes_for``).
    """
    rule = RULES[action]
    if rule == ANYONE:
        return True
    if principal is None:
        return False
    if rule == SIGNED_IN:
        return True
    grants = list(_qualifying(principal, action))
    if subject is None or action not in SCOPED:
        return bool(grants)
    return scopes_for(principal, action).covers(subject)


def require(principal: Principal | None, action: Action, subject: Subject | None = None) -> None:
    """Raise ``SignInRequired`` (anonymous) or ``PermissionDenied`` unless ``can``."""
    if can(principal, action, subject):
        return
    if principal is None:
        raise SignInRequired("sign in to see this")
    raise PermissionDenied("your account does not have access to this; ask an admin")


def scopes_for(principal: Principal | None, action: Action = Action.VIEW_PEOPLE) -> Scopes:
    """Everything ``principal`` may do ``action`` on, as sets a query can filter by."""
    if principal is None or not can(principal, action):
        return Scopes()
    towns: set[str] = set()
    initiatives: set[str] = set()
    for grant in _qualifying(principal, action):
        kind, value = parse_scope(grant.scope)
        if kind == ALL:
            return Scopes(everything=True)
        (towns if kind == "town" else initiatives).add(
            value.casefold() if kind == "town" else value
        )
    return Scopes(towns=frozenset(towns), initiatives=frozenset(initiatives))


# What each action means to a person, for the role matrix (/about/roles, README).
DESCRIBED: dict[Action, str] = {
    Action.VIEW_PUBLIC: "See the public pages, reports and the JSON API's totals",
    Action.TAKE_PART: "Vote and add statements in conversations",
    Action.VIEW_ACCOUNT: "See their own account",
    Action.VIEW_PEOPLE: "See people's records, and the names behind seeds and roles",
    Action.MODERATE_STATEMENTS: "Open conversations and moderate their statements",
    Action.MODERATE: "Review stories: personal-data flags, approval, publication",
    Action.CURATE: "Read approved stories and build training packs",
    Action.MANAGE_USERS: "Add users and grant roles",
}
WHO = ("Anyone, without an account", *(r.value.capitalize() for r in Role))
YES, NO, IN_SCOPE = "Yes", "No", "Within their scope"


def role_matrix() -> list[tuple[str, tuple[str, ...]]]:
    """Who may do what: one row per action, one answer per ``WHO``, asked of ``can`` itself.

    Read from ``RULES`` through ``can`` (a movement-wide grant of each role), so
    the matrix cannot drift from what the service enforces.
    """
    rows = []
    for action in DESCRIBED:
        answers = [YES if can(None, action) else NO]
        for role in Role:
            allowed = can(Principal(0, "", "", (Grant(role),)), action)
            answers.append(NO if not allowed else IN_SCOPE if action in SCOPED else YES)
        rows.append((DESCRIBED[action], tuple(answers)))
    return rows


def role_matrix_markdown() -> str:
    """``role_matrix`` as the Markdown table the README carries."""
    lines = [
        "| What | " + " | ".join(WHO) + " |",
        "|---|" + "---|" * len(WHO),
        *(f"| {what} | " + " | ".join(answers) + " |" for what, answers in role_matrix()),
    ]
    return "\n".join(lines)
