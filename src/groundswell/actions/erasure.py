"""Erasure of a person, everywhere, in one transaction.

Erasure, table by table (``ERASURE`` below is the policy the code follows; a
test fails when a table that refers to people is missing from it):

==================  ================================================================
people              deleted
ties                deleted (either end)
recruitments        deleted (as recruiter and as recruit)
memberships         deleted
attendances         deleted
pledges             deleted (their text is theirs)
campaign_members    deleted
activity_logs       deleted: later campaign totals no longer include their miles
survey_responses    deleted: later outcome reports no longer include their answers
stories             deleted (title and body are theirs)
consent_events      deleted
users               an account linked to the person is deleted with its sessions and
                    grants: its email and name are theirs too
sign_in_throttles   that account's count of wrong passwords (kept under a hash of
                    the email) is deleted too
account_tokens      deleted: invitations linking to them, and every emailed link
                    (sign-up, reset) for their accounts' or their own address
events.led_by_id    set to NULL: the event happened and others attended it
event_hosts         deleted
rsvps               deleted (with the email, phone and access needs given)
wellbeing_links     deleted: their personal links to the wellbeing survey
survey_links        deleted: their personal links to relationship surveys
join_links          deleted: their personal join link stops working (the people who
                    joined through it keep their own records; the recruitment rows
                    that name the erased person go with ``recruitments``)
survey_nominations  deleted, as the person answering and as the person named: a
                    nomination says something about both (the ties it wrote go
                    with ``ties``)
attendances.        set to NULL: the person they brought still came
 brought_by_id
participants        anonymised (person_id and key_hash NULL): their votes stay with an
                    anonymous participant, as Pol.is keeps anonymous participants, so
                    vote counts per statement, opinion groups and consensus are
                    unchanged; the key hash goes too, so their browser no longer
                    finds the row; the same for the participants their accounts
                    voted as when signed in (found again from the account)
statements          kept (others voted on them), authored by the anonymous participant
audit_events        events about the person or their account lose the link: the
                    subject (the person, or the account's email) becomes the keyed
                    hash of their ref (or nothing without a pseudonym key); an
                    actor, or a detail value, equal to their ref or an account
                    email becomes ``[erased]``; so does their name, only in those
                    events (someone else of the same name keeps theirs)
==================  ================================================================

Afterwards no table holds the person's id, ref, display name, story text or
pledge text. The erasure is recorded in ``audit_events`` with row counts per
table only (the aggregate that survives) and the keyed hash of the ref, which
lets an organiser holding the key answer "was this person erased?" and nobody
else learn who was.

The same keyed hash goes into the erasure ledger outside the database
(``groundswell.privacy.ledger``), so restoring an older backup erases them
again. On SQLite deleted rows are overwritten (``secure_delete``, set on every
connection) and the WAL is checkpointed and emptied afterwards, so the text is
in neither file.
"""

from __future__ import annotations

import json
import typing
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sqlalchemy import CursorResult, String, Table, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.conversations import key_hash
from groundswell.actions.privacy import find_person
from groundswell.auth.throttle import throttle_key
from groundswell.auth.tokens import account_participant_key
from groundswell.privacy import pseudonym
from groundswell.privacy.ledger import ErasureLedger
from groundswell.store.models import (
    AccountToken,
    AuditEvent,
    Base,
    Conversation,
    Participant,
    SignInThrottle,
    User,
)

Policy = Literal["delete", "detach"]
ERASED = "[erased]"

# What erasure does to each column that refers to a person (table.column -> policy).
ERASURE: dict[str, Policy] = {
    "ties.source_id": "delete",
    "ties.target_id": "delete",
    "recruitments.recruiter_id": "delete",
    "recruitments.recruit_id": "delete",
    "memberships.person_id": "delete",
    "attendances.person_id": "delete",
    "pledges.person_id": "delete",
    "campaign_members.person_id": "delete",
    "activity_logs.person_id": "delete",
    "survey_responses.person_id": "delete",
    "stories.person_id": "delete",
    "consent_events.person_id": "delete",
    "users.person_id": "delete",
    "outbox_messages.person_id": "delete",  # unsent mail to them goes with them
    "account_tokens.person_id": "delete",  # an invitation to be them goes with them
    "events.led_by_id": "detach",
    "event_hosts.person_id": "delete",
    "rsvps.person_id": "delete",
    "wellbeing_links.person_id": "delete",  # a link to answer as them goes with them
    "survey_links.person_id": "delete",
    "join_links.person_id": "delete",  # a link that says "invited by them" goes with them
    "survey_nominations.respondent_id": "delete",
    "survey_nominations.nominee_id": "delete",  # a name given says something about them
    "attendances.brought_by_id": "detach",
    "participants.person_id": "detach",
}
# Other columns a detach clears with the link, because they too lead back to the person.
DETACH_ALSO: dict[str, tuple[str, ...]] = {"participants.person_id": ("key_hash",)}


@dataclass
class ErasureSummary:
    """Rows deleted and rows anonymised per table; the keyed hash the audit row carries."""

    subject: str | None
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def person_columns() -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to ``people.id``, in a stable order."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "people" and fk.column.name == "id":
                found.append((table, fk.parent.name))
    return sorted(found, key=lambda tc: (tc[0].name, tc[1]))


def do_erase(
    app: Database,
    ref: str,
    *,
    actor: str,
    key: bytes | None = None,
    ledger: ErasureLedger | None = None,
    secret: bytes | None = None,
) -> ErasureSummary:
    """Erase a person everywhere in one transaction, following ``ERASURE``.

    ``ledger`` records the erasure outside the database, so that a restore of an
    older backup erases them again; ``secret`` (the server's signing key) finds
    the votes of their accounts, which are cast under a key derived from it.
    """
    with app.transaction() as session:
        summary = erase_in(session, ref, actor=actor, key=key, secret=secret)
        if ledger is not None:
            # Before the commit: if the commit then fails, the ledger names someone
            # who asked to be erased, and a restore erases them; the other order
            # could let a restore bring them back.
            ledger.record(ref)
    checkpoint_wal(app)
    return summary


def erase_in(
    session: Session,
    ref: str,
    *,
    actor: str,
    key: bytes | None = None,
    secret: bytes | None = None,
    detail: dict[str, Any] | None = None,
) -> ErasureSummary:
    """The erasure itself, inside the caller's transaction (a restore replays it)."""
    subject = pseudonym(key, ref) if key is not None else None
    summary = ErasureSummary(subject=subject)
    person = find_person(session, ref)
    pid, name, own_email = person.id, person.display_name, person.email
    session.expunge(person)
    # Their accounts go with the rest below: read their emails and names first.
    accounts = session.execute(
        select(User.email, User.display_name).where(User.person_id == pid)
    ).all()
    emails = {email for email, _ in accounts}
    names = {n for n in (name, *(shown for _, shown in accounts)) if n}
    _forget_sign_in_failures(session, summary, emails)
    _forget_account_links(session, summary, emails | ({own_email.lower()} if own_email else set()))
    _detach_account_votes(session, summary, pid, secret)
    for table, column in person_columns():
        # A column nobody has decided about is deleted: the safe default for privacy.
        policy = ERASURE.get(f"{table.name}.{column}", "delete")
        where = table.c[column] == pid
        if policy == "detach":
            cleared = (column, *DETACH_ALSO.get(f"{table.name}.{column}", ()))
            done = session.execute(update(table).where(where).values(dict.fromkeys(cleared)))
            _add(summary.anonymised, table.name, _count(done))
        else:
            done = session.execute(delete(table).where(where))
            _add(summary.deleted, table.name, _count(done))
    _scrub_audit(session, summary, _Traces(ref, str(pid), emails, names), subject)
    people = Base.metadata.tables["people"]
    session.execute(delete(people).where(people.c.id == pid))
    summary.deleted["people"] = 1
    record_access(
        session,
        actor,
        "privacy.erase",
        "person" if subject is not None else None,
        subject,
        {"deleted": summary.deleted, "anonymised": summary.anonymised, **(detail or {})},
    )
    return summary


def account_participants(session: Session, pid: int, secret: bytes | None) -> list[int]:
    """Participants that the person's accounts voted as (signed in, not linked by person_id).

    A signed-in vote is cast under a key derived from the account and the
    server's secret (``groundswell.web.auth.participant_key``), stored hashed
    per conversation; without the secret they cannot be found.
    """
    if secret is None:
        return []
    users = session.scalars(select(User.id).where(User.person_id == pid)).all()
    if not users:
        return []
    keys = [account_participant_key(secret, uid) for uid in users]
    conversations = session.scalars(select(Conversation.id)).all()
    hashes = [key_hash(cid, k) for cid in conversations for k in keys]
    found: list[int] = []
    for start in range(0, len(hashes), 500):  # bounded IN lists
        chunk = hashes[start : start + 500]
        found += session.scalars(select(Participant.id).where(Participant.key_hash.in_(chunk)))
    return sorted(found)


def _detach_account_votes(
    session: Session, summary: ErasureSummary, pid: int, secret: bytes | None
) -> None:
    """Anonymise the participants of their accounts, as ``participants.person_id`` is."""
    ids = account_participants(session, pid, secret)
    if ids:
        done = session.execute(
            update(Participant).where(Participant.id.in_(ids)).values(person_id=None, key_hash=None)
        )
        _add(summary.anonymised, "participants", _count(done))


def checkpoint_wal(app: Database) -> None:
    """Move the WAL into the database file and empty it, so the erased text's old pages
    (still in the WAL until a checkpoint) are gone (https://sqlite.org/wal.html#ckpt).

    Outside any transaction: SQLite cannot checkpoint inside one."""
    with app.reading() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _forget_sign_in_failures(session: Session, summary: ErasureSummary, emails: set[str]) -> None:
    """Drop the sign-in throttle counts of the person's accounts (kept by a hash of the
    email, which leads back to them), before their accounts go with the rest."""
    if emails:
        keys = [throttle_key(email) for email in emails]
        done = session.execute(delete(SignInThrottle).where(SignInThrottle.key_hash.in_(keys)))
        _add(summary.deleted, "sign_in_throttles", _count(done))


def _forget_account_links(session: Session, summary: ErasureSummary, emails: set[str]) -> None:
    """Drop the emailed links (sign-up, reset, invitation) for their addresses: each row
    holds the address, and a sign-up's chosen name."""
    if emails:
        done = session.execute(delete(AccountToken).where(AccountToken.email.in_(emails)))
        _add(summary.deleted, "account_tokens", _count(done))


def _count(result: Any) -> int:
    return int(typing.cast(CursorResult[Any], result).rowcount)


def _add(counts: dict[str, int], name: str, n: int) -> None:
    if n:
        counts[name] = counts.get(name, 0) + n


@dataclass(frozen=True)
class _Traces:
    """What leads back to the person in the audit trail.

    ``ref`` and the account ``emails`` name them wherever they appear; ``pid``
    only as the subject of a person event (a bare number in a detail could be
    anything); ``names`` only in events already linked to them by the others,
    since someone else may share the name.
    """

    ref: str
    pid: str
    emails: set[str]
    names: set[str]

    @property
    def identifiers(self) -> set[str]:
        return {self.ref, *self.emails}

    @property
    def actors(self) -> set[str]:
        """As an actor: the audit row keeps the first 80 characters."""
        return {v[:80] for v in self.identifiers}

    @property
    def accounts(self) -> set[str]:
        """As an account's subject: the audit row keeps the first 64 characters."""
        return {e[:64] for e in self.emails}


def _scrub_audit(
    session: Session, summary: ErasureSummary, traces: _Traces, subject: str | None
) -> None:
    """Unlink audit events from the person: subject to the keyed hash, their strings erased.

    Only rows that may hold them are read: their subject, their ref or email as
    the actor, or their ref or email inside the detail (matched as text in SQL,
    then exactly here).
    """
    identifiers = traces.identifiers
    about_person = (AuditEvent.subject_type == "person") & AuditEvent.subject_id.in_(
        [traces.ref, traces.pid]
    )
    about_account = (AuditEvent.subject_type == "user") & AuditEvent.subject_id.in_(
        sorted(traces.accounts)
    )
    detail_text = cast(AuditEvent.detail, String)
    mentions = [
        detail_text.contains(form, autoescape=True)
        for value in sorted(identifiers)
        for form in sorted({value, json.dumps(value)[1:-1]})  # as stored: JSON may escape it
    ]
    candidates = session.scalars(
        select(AuditEvent).where(
            or_(about_person, about_account, AuditEvent.actor.in_(sorted(traces.actors)), *mentions)
        )
    ).all()
    changed = 0
    for event in candidates:
        about = event.subject_type == "person" and event.subject_id in {traces.ref, traces.pid}
        about |= event.subject_type == "user" and event.subject_id in traces.accounts
        linked = about or event.actor in traces.actors
        linked |= _scrub_value(event.detail, identifiers) != event.detail
        if not linked:  # the text matched inside another value: not theirs
            continue
        if about:
            event.subject_id = subject
        secrets = identifiers | traces.names
        if event.actor in secrets | traces.actors:
            event.actor = ERASED
        event.detail = _scrub_value(event.detail, secrets)
        changed += 1
    _add(summary.anonymised, "audit_events", changed)
    session.flush()


def _scrub_value(value: Any, secrets: set[str]) -> Any:
    if isinstance(value, str):
        return ERASED if value in secrets else value
    if isinstance(value, list):
        return [_scrub_value(v, secrets) for v in value]
    if isinstance(value, dict):
        return {(ERASED if k in secrets else k): _scrub_value(v, secrets) for k, v in value.items()}
    return value
