"""Linking an account to its person through a confirmed email address, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from groundswell.actions.account_link import do_confirm_link, do_request_link
from groundswell.actions.account_tokens import do_confirm_sign_up, do_request_sign_up
from groundswell.actions.accounts import do_create_user, linked_person
from groundswell.actions.invitations import do_accept_invitation, do_invite
from groundswell.app import App
from groundswell.errors import ExpiredLink
from groundswell.store.models import OutboxMessage, Person, User

PASSWORD = "three random words"
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
SITE = {"base_url": "https://gs.example.org", "org_name": "Bay"}


def add_person(app: App, ref: str, email: str, consent: bool = True) -> None:
    with app.transaction() as session:
        session.add(Person(ref=ref, email=email, consent_contact=consent))


def token(app: App, template: str) -> str:
    with app.reading() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == template)
            .order_by(OutboxMessage.id.desc())
        ).first()  # fmt: skip
    assert row is not None
    return str(json.loads(row.context)["link"]).rsplit("/", 1)[-1]


def user_id(app: App, email: str) -> int:
    with app.reading() as session:
        found = session.scalar(select(User.id).where(User.email == email))
    assert found is not None
    return found


def sign_up(app: App, email: str) -> None:
    do_request_sign_up(app, email=email, display_name="Sam", password=PASSWORD, now=T0, **SITE)
    do_confirm_sign_up(app, token=token(app, "verify_email"), now=T0)


@pytest.mark.parametrize(
    ("people", "linked"),
    [
        ([("p-1", "Sam@Example.org", True)], "p-1"),
        ([("p-1", "sam@example.org", False)], None),  # no consent to contact: no link
        ([("p-1", "sam@example.org", True), ("p-2", "sam@example.org", True)], None),  # which?
        ([("p-1", "other@example.org", True)], None),
    ],
)
def test_a_confirmed_sign_up_links_the_one_consenting_person_with_its_address(
    db_app: App, people: list[tuple[str, str, bool]], linked: str | None
) -> None:
    for ref, email, consent in people:
        add_person(db_app, ref, email, consent)
    sign_up(db_app, "sam@example.org")
    assert linked_person(db_app, user_id(db_app, "sam@example.org")) == linked


def test_an_invitation_without_a_person_links_by_address(db_app: App) -> None:
    add_person(db_app, "p-1", "olu@example.org")
    do_invite(db_app, email="olu@example.org", actor="admin", now=T0, **SITE)
    do_accept_invitation(
        db_app, token=token(db_app, "invitation"), display_name="Olu", password=PASSWORD, now=T0
    )
    assert linked_person(db_app, user_id(db_app, "olu@example.org")) == "p-1"


def test_a_person_linked_to_another_account_is_not_linked_again(db_app: App) -> None:
    add_person(db_app, "p-1", "sam@example.org")
    sign_up(db_app, "sam@example.org")
    do_create_user(db_app, email="SAM2@example.org", display_name="S", password=PASSWORD)
    assert not do_request_link(db_app, user_id=user_id(db_app, "sam2@example.org"), now=T0, **SITE)


def test_an_unconfirmed_account_links_after_opening_the_emailed_link(db_app: App) -> None:
    add_person(db_app, "p-1", "ada@example.org")
    do_create_user(db_app, email="ada@example.org", display_name="Ada", password=PASSWORD)
    do_create_user(db_app, email="eve@example.org", display_name="Eve", password=PASSWORD)
    ada, eve = user_id(db_app, "ada@example.org"), user_id(db_app, "eve@example.org")
    assert linked_person(db_app, ada) is None  # made at the command line: not confirmed
    assert do_request_link(db_app, user_id=ada, now=T0, **SITE)
    assert not do_request_link(db_app, user_id=eve, now=T0, **SITE)  # no record has her address
    link = token(db_app, "link_record")
    with pytest.raises(ExpiredLink):  # only the account it was sent to can use it
        do_confirm_link(db_app, token=link, user_id=eve, now=T0)
    assert do_confirm_link(db_app, token=link, user_id=ada, now=T0) == "p-1"
    assert linked_person(db_app, ada) == "p-1"
    with pytest.raises(ExpiredLink):
        do_confirm_link(db_app, token=link, user_id=ada, now=T0)
    assert not do_request_link(db_app, user_id=ada, now=T0, **SITE)  # linked already
