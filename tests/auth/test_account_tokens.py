"""Sign-up, password reset and invitations by email, on SQLite and PostgreSQL.

Each emailed link is read back from the outbox row the action wrote in its own
transaction; delivery itself is the worker's (tested with a real SMTP server
in ``tests/web/test_account_email_smtp.py``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from groundswell.actions.account_tokens import (
    RESETS_PER_HOUR,
    SIGN_UPS_PER_HOUR,
    do_confirm_sign_up,
    do_request_password_reset,
    do_request_sign_up,
    do_reset_password,
    reset_email,
)
from groundswell.actions.accounts import do_create_user, do_sign_in
from groundswell.actions.invitations import do_accept_invitation, do_invite, invitation
from groundswell.app import App
from groundswell.errors import Conflict, ExpiredLink, InvalidInput, NotFound
from groundswell.store.models import (
    AccountToken,
    AuditEvent,
    OutboxMessage,
    Person,
    User,
    UserSession,
    utcnow,
)

PASSWORD = "three random words"
NEW_PASSWORD = "four other random words"
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
SITE = {"base_url": "https://gs.example.org", "org_name": "Bay Health Movement"}


def mail(app: App, template: str | None = None) -> list[OutboxMessage]:
    with app.reading() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if template:
            query = query.where(OutboxMessage.template == template)
        return list(session.scalars(query))


def token_in(message: OutboxMessage, path: str) -> str:
    link = json.loads(message.context)["link"]
    prefix = SITE["base_url"] + path
    assert link.startswith(prefix), link
    return str(link[len(prefix) :])


def sign_up(app: App, email: str = "sam@example.org", now: datetime = T0) -> str:
    do_request_sign_up(
        app, email=email, display_name="Sam  Jones", password=PASSWORD, now=now, **SITE
    )
    return token_in(mail(app, "verify_email")[-1], "/account/verify/")


def test_sign_up_makes_the_account_only_when_the_link_is_opened(db_app: App) -> None:
    token = sign_up(db_app, "Sam@Example.org")
    [sent] = mail(db_app)
    assert (sent.to_address, sent.kind) == ("sam@example.org", "account")
    assert sent.subject == "Confirm your email address for Bay Health Movement"
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        stored = session.scalar(select(AccountToken.token_hash))
    assert stored != token and len(token) >= 43  # only the hash is kept; 256 random bits

    assert do_confirm_sign_up(db_app, token=token, now=T0 + timedelta(hours=1)) == (
        "sam@example.org"
    )
    assert do_sign_in(db_app, email="sam@example.org", password=PASSWORD, now=T0) is not None
    with db_app.reading() as session:
        user = session.scalar(select(User))
        assert user is not None and user.display_name == "Sam Jones"
        assert session.scalar(select(AccountToken.password_hash)) is None
    with pytest.raises(ExpiredLink):  # single use
        do_confirm_sign_up(db_app, token=token, now=T0 + timedelta(hours=2))


def test_a_sign_up_link_expires_after_a_day_and_only_the_newest_works(db_app: App) -> None:
    first = sign_up(db_app)
    second = sign_up(db_app, now=T0 + timedelta(minutes=5))
    with pytest.raises(ExpiredLink):
        do_confirm_sign_up(db_app, token=first, now=T0 + timedelta(minutes=6))
    with pytest.raises(ExpiredLink):
        do_confirm_sign_up(db_app, token=second, now=T0 + timedelta(hours=24, minutes=5))
    with pytest.raises(ExpiredLink):
        do_confirm_sign_up(db_app, token="not-a-token", now=T0)


def test_sign_up_for_a_taken_address_emails_its_owner_and_makes_nothing(db_app: App) -> None:
    do_create_user(db_app, email="ada@example.org", display_name="Ada", password=PASSWORD)
    do_request_sign_up(
        db_app, email="ada@example.org", display_name="Someone", password=NEW_PASSWORD,
        now=T0, **SITE,
    )  # fmt: skip
    [sent] = mail(db_app)
    assert sent.template == "account_exists" and sent.to_address == "ada@example.org"
    assert json.loads(sent.context)["link"] == "https://gs.example.org/account/reset"
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(AccountToken)) == 0
    assert do_sign_in(db_app, email="ada@example.org", password=NEW_PASSWORD, now=T0) is None


@pytest.mark.parametrize(
    ("email", "name", "password", "says"),
    [
        ("not an address", "Sam", PASSWORD, "is not an email address"),
        ("sam@example.org", "  ", PASSWORD, "name is empty"),
        ("sam@example.org", "Sam", "short", "use at least 10"),
    ],
)
def test_a_bad_sign_up_says_what_to_change_and_writes_nothing(
    app: App, email: str, name: str, password: str, says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        do_request_sign_up(app, email=email, display_name=name, password=password, now=T0, **SITE)
    assert mail(app) == []


def add_user(app: App, email: str = "ada@example.org") -> None:
    do_create_user(app, email=email, display_name="Ada", password=PASSWORD)


def request_reset(app: App, email: str = "ada@example.org", now: datetime = T0) -> str | None:
    before = len(mail(app, "password_reset"))
    do_request_password_reset(app, email=email, now=now, **SITE)
    sent = mail(app, "password_reset")
    return token_in(sent[-1], "/account/reset/") if len(sent) > before else None


def test_password_reset_sets_the_password_once_and_signs_out_everywhere(db_app: App) -> None:
    add_user(db_app)
    assert do_sign_in(db_app, email="ada@example.org", password=PASSWORD, now=T0) is not None
    token = request_reset(db_app)
    assert token is not None
    assert reset_email(db_app, token=token, now=T0 + timedelta(minutes=5)) == "ada@example.org"
    later = T0 + timedelta(minutes=10)
    assert do_reset_password(db_app, token=token, password=NEW_PASSWORD, now=later) == (
        "ada@example.org"
    )
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert do_sign_in(db_app, email="ada@example.org", password=PASSWORD, now=later) is None
    assert do_sign_in(db_app, email="ada@example.org", password=NEW_PASSWORD, now=later)
    with pytest.raises(ExpiredLink):
        do_reset_password(db_app, token=token, password="yet another password", now=later)


def test_a_reset_link_lasts_an_hour_and_a_newer_one_replaces_it(db_app: App) -> None:
    add_user(db_app)
    first = request_reset(db_app)
    second = request_reset(db_app, now=T0 + timedelta(minutes=1))
    assert first is not None and second is not None
    with pytest.raises(ExpiredLink):
        reset_email(db_app, token=first, now=T0 + timedelta(minutes=2))
    with pytest.raises(ExpiredLink):
        do_reset_password(
            db_app, token=second, password=NEW_PASSWORD, now=T0 + timedelta(minutes=61)
        )
    with pytest.raises(InvalidInput, match="at least 10"):
        do_reset_password(db_app, token=second, password="short", now=T0)
    assert reset_email(db_app, token=second, now=T0 + timedelta(minutes=2))  # still live


def test_a_reset_for_an_unknown_address_sends_nothing_but_is_recorded_alike(db_app: App) -> None:
    add_user(db_app)
    assert request_reset(db_app, "nobody@example.org") is None
    assert request_reset(db_app, "not an address") is None
    assert request_reset(db_app) is not None
    with db_app.reading() as session:
        asked = session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action == "accounts.reset_requested")
        ).all()
    # Both real addresses were recorded the same way, neither by the address itself.
    assert len(asked) == 2 and not any("@" in str(a) for a in asked)


def test_at_most_a_few_reset_emails_an_hour_to_one_address(db_app: App) -> None:
    add_user(db_app)
    sent = [request_reset(db_app, now=T0 + timedelta(minutes=i)) for i in range(5)]
    assert [s is not None for s in sent] == [True] * RESETS_PER_HOUR + [False] * (
        5 - RESETS_PER_HOUR
    )
    assert request_reset(db_app, now=T0 + timedelta(minutes=65)) is not None


def test_at_most_a_few_sign_up_emails_an_hour_to_one_address_either_way(db_app: App) -> None:
    for _ in range(SIGN_UPS_PER_HOUR + 2):  # someone posts the form again and again
        do_request_sign_up(
            db_app, email="sam@example.org", display_name="Sam", password=PASSWORD, now=T0,
            **SITE,
        )  # fmt: skip
    assert len(mail(db_app, "verify_email")) == SIGN_UPS_PER_HOUR
    add_user(db_app)  # an address with an account: "you already have one" is limited too
    for _ in range(SIGN_UPS_PER_HOUR + 2):
        do_request_sign_up(
            db_app, email="ada@example.org", display_name="Ada", password=PASSWORD, now=T0,
            **SITE,
        )  # fmt: skip
    assert len(mail(db_app, "account_exists")) == SIGN_UPS_PER_HOUR
    with db_app.transaction() as session:  # an hour on, the address can be mailed again
        session.execute(update(OutboxMessage).values(created_at=utcnow() - timedelta(hours=2)))
    sign_up(db_app)
    assert len(mail(db_app, "verify_email")) == SIGN_UPS_PER_HOUR + 1


def test_a_disabled_account_gets_no_reset_link(db_app: App) -> None:
    add_user(db_app)
    with db_app.transaction() as session:
        user = session.scalar(select(User))
        assert user is not None
        user.disabled = True
    assert request_reset(db_app) is None


def add_person(app: App, ref: str = "p-17") -> None:
    with app.transaction() as session:
        session.add(Person(ref=ref, town="Lancaster"))


def invite(app: App, email: str = "olu@example.org", **extra: str | None) -> str:
    do_invite(
        app, email=email, role=extra.get("role", "organiser"), scope="town:Lancaster",
        person=extra.get("person"), actor="ada@example.org", now=T0, **SITE,
    )  # fmt: skip
    return token_in(mail(app, "invitation")[-1], "/account/invitation/")


def test_an_invitation_makes_the_account_with_its_role_and_person(db_app: App) -> None:
    add_person(db_app)
    token = invite(db_app, person="p-17")
    offer = invitation(db_app, token=token, now=T0)
    assert (offer.email, offer.role, offer.scope, offer.person) == (
        "olu@example.org", "organiser", "town:Lancaster", "p-17",
    )  # fmt: skip
    info = do_accept_invitation(
        db_app, token=token, display_name="Olu", password=PASSWORD, now=T0 + timedelta(days=1)
    )
    assert info.grants == [{"role": "organiser", "scope": "town:Lancaster"}]
    with db_app.reading() as session:
        linked = session.scalar(
            select(Person.ref).join(User, User.person_id == Person.id)
            .where(User.email == "olu@example.org")
        )  # fmt: skip
        actions = set(session.scalars(select(AuditEvent.action)))
    assert linked == "p-17"
    assert {"accounts.invite", "accounts.accept_invitation"} <= actions
    with pytest.raises(ExpiredLink):
        do_accept_invitation(db_app, token=token, display_name="X", password=PASSWORD, now=T0)


def test_an_invitation_lasts_a_week(db_app: App) -> None:
    token = invite(db_app)
    with pytest.raises(ExpiredLink):
        invitation(db_app, token=token, now=T0 + timedelta(days=7, seconds=1))


def test_a_refused_invitation_writes_nothing(db_app: App) -> None:
    add_user(db_app, "olu@example.org")
    with pytest.raises(Conflict, match="already has an account"):
        invite(db_app)
    with pytest.raises(NotFound, match="'p-404' is not a person"):
        invite(db_app, "new@example.org", person="p-404")
    with pytest.raises(InvalidInput):
        invite(db_app, "new@example.org", role="overlord")
    assert mail(db_app) == []  # each rolled back with its action: no email for any of them
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(AccountToken)) == 0


def test_erasing_a_person_takes_their_emailed_links(db_app: App) -> None:
    from groundswell.actions.erasure import do_erase

    with db_app.transaction() as session:
        session.add(Person(ref="p-17", email="Sam@Example.org", consent_contact=True))
    invite(db_app, "olu@example.org", person="p-17")  # an invitation to be them
    sign_up(db_app, "sam@example.org")  # a sign-up waiting on their own address
    invite(db_app, "kim@example.org")  # someone else's
    summary = do_erase(db_app, "p-17", actor="dpo")
    assert summary.deleted["account_tokens"] == 2
    with db_app.reading() as session:
        assert list(session.scalars(select(AccountToken.email))) == ["kim@example.org"]


def test_the_daily_privacy_purge_sweeps_links_a_week_past_expiry(db_app: App) -> None:
    from groundswell.actions.jobs import privacy_purge

    add_user(db_app)
    assert request_reset(db_app) is not None
    privacy_purge(db_app, {}, T0 + timedelta(days=7))  # expired, but kept a week
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(AccountToken)) == 1
    privacy_purge(db_app, {}, T0 + timedelta(days=8))
    with db_app.reading() as session:
        assert session.scalar(select(func.count()).select_from(AccountToken)) == 0
