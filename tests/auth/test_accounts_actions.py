"""Account actions on SQLite and PostgreSQL: create, grant, sign in, sessions, scoped people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from groundswell.actions.accounts import (
    SWEEP_IDLE,
    SWEEP_LIFETIME,
    do_create_user,
    do_end_expired_sessions,
    do_grant_role,
    do_load_session,
    do_revoke_role,
    do_sign_in,
    do_sign_out,
    list_people,
    list_users,
)
from groundswell.app import App
from groundswell.auth import passwords, throttle
from groundswell.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooManyAttempts
from groundswell.store import migrate
from groundswell.store.models import (
    Initiative,
    Membership,
    Person,
    Role,
    SignInThrottle,
    User,
    UserSession,
)

PASSWORD = "three random words"
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
LIMITS = {"idle": timedelta(minutes=60), "lifetime": timedelta(hours=12)}


def test_migrated_schema_matches_the_models(db_app: App) -> None:
    migrate.check(db_app.engine)


def test_create_normalises_email_and_refuses_duplicates(db_app: App) -> None:
    info = do_create_user(db_app, email=" Ann@Example.ORG ", display_name="Ann", password=PASSWORD)
    assert info.email == "ann@example.org" and info.grants == []
    with pytest.raises(Conflict, match="already exists"):
        do_create_user(db_app, email="ANN@example.org", display_name="Ann", password=PASSWORD)
    with pytest.raises(InvalidInput, match="not an email address"):
        do_create_user(db_app, email="ann", display_name="Ann", password=PASSWORD)
    with pytest.raises(InvalidInput, match="at least 10"):
        do_create_user(db_app, email="bo@example.org", display_name="Bo", password="short")
    with db_app.reading() as s:
        stored = s.scalar(select(User.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_grant_is_idempotent_and_revocable(db_app: App) -> None:
    do_create_user(db_app, email="o@example.org", display_name="O", password=PASSWORD)
    do_grant_role(db_app, email="o@example.org", role="organiser", scope="town:Leeds")
    info = do_grant_role(db_app, email="O@example.org", role="organiser", scope="town:Leeds")
    assert info.grants == [{"role": "organiser", "scope": "town:Leeds"}]
    with pytest.raises(InvalidInput):
        do_grant_role(db_app, email="o@example.org", role="organiser", scope="city:Leeds")
    with pytest.raises(NotFound, match="groundswell users list"):
        do_grant_role(db_app, email="nobody@example.org", role="admin")
    info = do_revoke_role(db_app, email="o@example.org", role="organiser", scope="town:Leeds")
    assert info.grants == []
    with pytest.raises(NotFound):
        do_revoke_role(db_app, email="o@example.org", role="organiser", scope="town:Leeds")
    assert [u.email for u in list_users(db_app)] == ["o@example.org"]


def test_sign_in_session_lifecycle(db_app: App) -> None:
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD, role="admin")
    assert do_sign_in(db_app, email="a@example.org", password="wrong password", now=T0) is None
    assert do_sign_in(db_app, email="zz@example.org", password=PASSWORD, now=T0) is None
    assert do_sign_in(db_app, email="not an email", password=PASSWORD, now=T0) is None
    signed = do_sign_in(db_app, email="A@example.org", password=PASSWORD, now=T0)
    assert signed is not None and signed.principal.roles == {Role.ADMIN}
    with db_app.reading() as s:
        row = s.scalars(select(UserSession)).one()
    assert row.token_hash != signed.token and len(row.token_hash) == 64  # only the hash is kept

    later = T0 + timedelta(minutes=30)
    active = do_load_session(db_app, signed.token, now=later, **LIMITS)
    assert active is not None and active.csrf_token == signed.csrf_token
    # Idle limit counts from the last use, so a busy session lives on ...
    assert do_load_session(db_app, signed.token, now=later + timedelta(minutes=59), **LIMITS)
    # ... until the absolute lifetime, however busy.
    t = later + timedelta(minutes=59)
    while t < T0 + timedelta(hours=12):
        assert do_load_session(db_app, signed.token, now=t, **LIMITS) is not None
        t += timedelta(minutes=50)
    assert do_load_session(db_app, signed.token, now=t, **LIMITS) is None
    with db_app.reading() as s:
        assert s.scalar(select(func.count()).select_from(UserSession)) == 0  # deleted


def test_wrong_passwords_are_throttled_per_address_known_or_not(db_app: App) -> None:
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD)
    for email in ("a@example.org", "nobody@example.org"):  # the same for both: no tell
        for _ in range(throttle.FREE_FAILURES - 1):
            assert do_sign_in(db_app, email=email, password="wrong guess", now=T0) is None
        # The tenth wrong password still gets an answer; the next try must wait a minute.
        assert do_sign_in(db_app, email=email.upper(), password="wrong guess", now=T0) is None
        with pytest.raises(TooManyAttempts, match="wait 59 seconds") as caught:
            do_sign_in(db_app, email=email, password=PASSWORD, now=T0 + timedelta(seconds=1))
        assert caught.value.retry_after == 59 and caught.value.http_status == 429
    # After the wait, one more wrong password doubles it; the right one resets the count.
    after = T0 + timedelta(minutes=1)
    assert do_sign_in(db_app, email="a@example.org", password="wrong", now=after) is None
    with pytest.raises(TooManyAttempts, match="wait 120 seconds"):
        do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=after)
    later = after + timedelta(minutes=2)
    assert do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=later) is not None
    with db_app.reading() as s:
        [kept] = s.scalars(select(SignInThrottle)).all()  # only the unknown address's count
    assert kept.key_hash == throttle.throttle_key("nobody@example.org")
    assert "nobody" not in kept.key_hash and kept.failures == throttle.FREE_FAILURES
    # A day after its last failure an address's count is forgotten (swept by any failure).
    tomorrow = T0 + throttle.FORGET_AFTER + timedelta(seconds=1)
    assert do_sign_in(db_app, email="a@example.org", password="wrong", now=tomorrow) is None
    with db_app.reading() as s:
        assert s.scalars(select(SignInThrottle.failures)).all() == [1]


def test_throttle_waits_double_up_to_an_hour() -> None:
    waits = [throttle.wait_after(n).total_seconds() for n in range(9, 18)]
    assert waits == [0, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert throttle.wait_after(10_000) == throttle.MAX_WAIT
    assert throttle.seconds_left(T0 + timedelta(seconds=0.2), T0) == 1
    assert throttle.seconds_left(T0, T0) == 0 and throttle.seconds_left(None, T0) == 0


def test_idle_session_ends_and_sign_out_deletes(db_app: App) -> None:
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD)
    first = do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0)
    second = do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0)
    assert first and second and first.token != second.token
    assert do_load_session(db_app, first.token, now=T0 + timedelta(minutes=60), **LIMITS) is None
    do_sign_out(db_app, second.token)
    assert do_load_session(db_app, second.token, now=T0, **LIMITS) is None
    assert do_load_session(db_app, "made-up", now=T0, **LIMITS) is None


def test_expired_sessions_are_swept(db_app: App) -> None:
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD)
    do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0)
    later = T0 + SWEEP_IDLE + timedelta(minutes=1)
    do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=later)
    assert do_end_expired_sessions(db_app, now=later) == 1


def test_low_one_process_idle_setting_does_not_sweep_another_process_sessions(
    db_app: App,
) -> None:
    """A process set to 5 idle minutes signs someone in; one set to 8 hours still holds them."""
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD)
    held = do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0)
    assert held is not None
    two_hours = T0 + timedelta(hours=2)
    do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=two_hours)
    assert do_end_expired_sessions(db_app, now=two_hours) == 0  # the sweep a sign-in runs
    long_idle = {"idle": timedelta(hours=8), "lifetime": timedelta(hours=12)}
    assert do_load_session(db_app, held.token, now=two_hours, **long_idle) is not None
    assert do_end_expired_sessions(db_app, now=T0 + SWEEP_LIFETIME) == 2


def test_disabled_user_cannot_sign_in_or_keep_a_session(db_app: App) -> None:
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD)
    signed = do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0)
    assert signed is not None
    with db_app.transaction() as s:
        s.scalars(select(User)).one().disabled = True
    assert do_load_session(db_app, signed.token, now=T0, **LIMITS) is None
    assert do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0) is None


def test_sign_in_replaces_a_weak_hash(db_app: App) -> None:
    do_create_user(db_app, email="a@example.org", display_name="A", password=PASSWORD)
    weak = passwords.hash_password(
        PASSWORD, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    with db_app.transaction() as s:
        s.scalars(select(User)).one().password_hash = weak
    assert do_sign_in(db_app, email="a@example.org", password=PASSWORD, now=T0)
    with db_app.reading() as s:
        stored = s.scalar(select(User.password_hash))
    assert stored != weak and not passwords.needs_rehash(stored)
    assert passwords.verify_password(stored, PASSWORD)


def _people(db_app: App) -> None:
    with db_app.transaction() as s:
        people = [Person(ref=f"p{i}", town=("Leeds" if i % 2 else "Bradford")) for i in range(6)]
        walk = Initiative(slug="walk", name="Walk", hand="grassroots", power_mode="ceding")
        s.add_all([*people, walk])
        s.flush()
        s.add(Membership(initiative_id=walk.id, person_id=people[0].id))


def _principal(db_app: App, email: str, *grants: tuple[str, str]):
    do_create_user(db_app, email=email, display_name=email, password=PASSWORD)
    for role, scope in grants:
        do_grant_role(db_app, email=email, role=role, scope=scope)
    signed = do_sign_in(db_app, email=email, password=PASSWORD, now=T0)
    assert signed is not None
    return signed.principal


def test_list_people_follows_the_scope(db_app: App) -> None:
    _people(db_app)
    leeds = _principal(db_app, "l@example.org", ("organiser", "town:LEEDS"))
    assert [p["ref"] for p in list_people(db_app, leeds)] == ["p1", "p3", "p5"]
    mixed = _principal(
        db_app, "m@example.org", ("organiser", "town:Leeds"), ("organiser", "initiative:walk")
    )
    assert [p["ref"] for p in list_people(db_app, mixed)] == ["p0", "p1", "p3", "p5"]
    admin = _principal(db_app, "a@example.org", ("admin", "*"))
    assert len(list_people(db_app, admin)) == 6
    assert len(list_people(db_app, admin, limit=2)) == 2
    participant = _principal(db_app, "p@example.org", ("participant", "*"))
    with pytest.raises(PermissionDenied):
        list_people(db_app, participant)
