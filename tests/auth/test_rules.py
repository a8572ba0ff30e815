"""The permission rules: every role x action, scopes, and parsing errors."""

from __future__ import annotations

import pytest

from groundswell.auth.permissions import (
    RULES,
    Action,
    Grant,
    Principal,
    Role,
    SignInRequired,
    Subject,
    can,
    parse_role,
    parse_scope,
    require,
    scopes_for,
)
from groundswell.errors import InvalidInput, PermissionDenied


def who(*grants: tuple[str, str]) -> Principal:
    return Principal(1, "a@example.org", "A", tuple(Grant(Role(r), s) for r, s in grants))


ANON = None
PARTICIPANT = who(("participant", "*"))
ORGANISER = who(("organiser", "town:Leeds"))
MODERATOR = who(("moderator", "*"))
ADMIN = who(("admin", "*"))
NO_ROLE = who()

# action -> (anonymous, no role, participant, organiser, moderator, admin)
TABLE = {
    Action.VIEW_PUBLIC: (True, True, True, True, True, True),
    Action.TAKE_PART: (True, True, True, True, True, True),
    Action.VIEW_ACCOUNT: (False, True, True, True, True, True),
    Action.VIEW_PEOPLE: (False, False, False, True, False, True),
    Action.MODERATE: (False, False, False, False, True, True),
    Action.MODERATE_STATEMENTS: (False, False, False, True, True, True),
    Action.MANAGE_USERS: (False, False, False, False, False, True),
    Action.CURATE: (False, False, False, True, True, True),
}
PRINCIPALS = (ANON, NO_ROLE, PARTICIPANT, ORGANISER, MODERATOR, ADMIN)


def test_the_table_covers_every_action() -> None:
    assert set(TABLE) == set(RULES) == set(Action)


@pytest.mark.parametrize("action", list(TABLE))
@pytest.mark.parametrize("index", range(len(PRINCIPALS)))
def test_role_x_action(action: Action, index: int) -> None:
    assert can(PRINCIPALS[index], action) is TABLE[action][index]


LEEDS = Subject(town="Leeds")
LEEDS_LOWER = Subject(town="leeds")
BRADFORD_WALKER = Subject(town="Bradford", initiatives=frozenset({"mile-a-day"}))
NOWHERE = Subject()


@pytest.mark.parametrize(
    ("principal", "subject", "allowed"),
    [
        (ORGANISER, LEEDS, True),
        (ORGANISER, LEEDS_LOWER, True),
        (ORGANISER, BRADFORD_WALKER, False),
        (ORGANISER, NOWHERE, False),
        (who(("organiser", "initiative:mile-a-day")), BRADFORD_WALKER, True),
        (who(("organiser", "initiative:mile-a-day")), LEEDS, False),
        (who(("organiser", "*")), NOWHERE, True),
        (ADMIN, NOWHERE, True),
        (MODERATOR, LEEDS, False),
        (PARTICIPANT, LEEDS, False),
        (ANON, LEEDS, False),
        # A moderator's scope does not open people to them.
        (who(("moderator", "town:Leeds")), LEEDS, False),
    ],
)
def test_organisers_see_only_their_scope(
    principal: Principal | None, subject: Subject, allowed: bool
) -> None:
    assert can(principal, Action.VIEW_PEOPLE, subject) is allowed


def test_moderator_scope_is_checked_against_the_conversation() -> None:
    mod = who(("moderator", "initiative:mile-a-day"))
    assert can(mod, Action.MODERATE, Subject(initiatives=frozenset({"mile-a-day"})))
    assert not can(mod, Action.MODERATE, Subject(initiatives=frozenset({"other"})))


def test_scopes_union_for_filtering() -> None:
    organiser = who(("organiser", "town:Leeds"), ("organiser", "initiative:walk"))
    scopes = scopes_for(organiser)
    assert scopes.towns == {"leeds"} and scopes.initiatives == {"walk"}
    assert not scopes.everything
    assert scopes_for(ADMIN).everything
    assert scopes_for(PARTICIPANT).nothing and scopes_for(None).nothing
    assert scopes_for(who(("organiser", "town:Leeds"), ("organiser", "*"))).everything


def test_require_says_sign_in_or_no_access() -> None:
    with pytest.raises(SignInRequired) as anon:
        require(None, Action.VIEW_ACCOUNT)
    assert anon.value.http_status == 401
    with pytest.raises(PermissionDenied) as denied:
        require(PARTICIPANT, Action.MANAGE_USERS)
    assert denied.value.http_status == 403 and "ask an admin" in denied.value.message
    require(ADMIN, Action.MANAGE_USERS)


@pytest.mark.parametrize("bad", ["", "town:", "city:Leeds", "Leeds", "initiative:  ", "**"])
def test_bad_scope_is_a_clear_error(bad: str) -> None:
    with pytest.raises(InvalidInput, match="use '\\*', 'town:<Town>' or 'initiative:<slug>'"):
        parse_scope(bad)


def test_scope_and_role_parsing() -> None:
    assert parse_scope(" town: Morecambe ") == ("town", "Morecambe")
    assert parse_scope("*") == ("*", "")
    assert parse_role(" Admin ") is Role.ADMIN
    with pytest.raises(InvalidInput, match="participant, organiser, moderator, admin"):
        parse_role("superuser")
