"""Recording votes, one at a time or many in one transaction (group commit).

A busy conversation takes hundreds of votes a second. Committing each one on
its own costs a transaction (and on SQLite the single writer lock) per vote;
``do_votes`` checks and writes a whole batch of ballots in one transaction
with a fixed number of queries, so the cost of a commit is shared by every
vote in it. The web server gathers the ballots of concurrent requests into
such batches (``groundswell.web.votes``). Each ballot is still checked on its
own: a bad one gets its own error and does not stop the others, and nothing is
acknowledged before the transaction that holds it has committed.

``check_ballot`` refuses a malformed ballot (a statement number out of any
column's range, a conversation address that cannot exist, a bad value) before
it reaches the database, so one visitor's crafted ballot cannot make the
database fail the transaction that holds everyone else's votes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, case, insert, select
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.conversations import (
    VOTE_VALUES,
    join_new_participants,
    key_hash,
    visible_statuses,
)
from groundswell.actions.statement_check import held
from groundswell.errors import Conflict, GroundswellError, InvalidInput, NotFound
from groundswell.store.models import utcnow
from groundswell.store.models.base import MAX_INT
from groundswell.store.models.conversations import (
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)


@dataclass(frozen=True)
class Ballot:
    """One vote as submitted: which conversation, who (participant key), which statement, what."""

    slug: str
    key: str
    tid: int
    value: int | str


Outcome = int | GroundswellError  # the voter's pid, or why the vote was not taken

# What ``slugify``/``unique_slug`` can make (60 characters and a "-n" suffix), with room.
SLUG = re.compile(r"[a-z0-9-]{1,80}")

# Built once: a batch runs these three with new values (SQLAlchemy caches the
# compiled form; "expanding" IN lists take any length).
_CONVERSATION = select(Conversation.id, Conversation.closed_at, Conversation.moderation).where(
    Conversation.slug == bindparam("slug")
)
# A pending statement's text comes too: one the personal-data check holds takes no votes.
_STATEMENTS = select(
    Statement.tid,
    Statement.id,
    Statement.status,
    case((Statement.status == StatementStatus.PENDING, Statement.text)),
).where(
    Statement.conversation_id == bindparam("cid"),
    Statement.tid.in_(bindparam("tids", expanding=True)),
    Statement.status.in_(bindparam("statuses", expanding=True)),
)
_PARTICIPANTS = select(Participant.key_hash, Participant.id, Participant.pid).where(
    Participant.conversation_id == bindparam("cid"),
    Participant.key_hash.in_(bindparam("hashes", expanding=True)),
)


def vote_value(value: int | str) -> int:
    """1 agree, -1 disagree, 0 pass, from those numbers or words; else InvalidInput."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word not in VOTE_VALUES:
            raise InvalidInput(f"vote '{value[:40]}' is not agree, disagree or pass")
        return VOTE_VALUES[word]
    if value not in (-1, 0, 1):
        raise InvalidInput(f"vote {value!r:.40} is not 1 (agree), -1 (disagree) or 0 (pass)")
    return int(value)


def check_ballot(ballot: Ballot) -> int:
    """The ballot's vote value (1, -1 or 0) once it is well formed; else why not.

    Everything here is decided without the database: a ballot that passes can
    still be refused there (no such conversation or statement), but only on its
    own, never by failing the transaction it shares.
    """
    if not ballot.key:
        raise InvalidInput("a participant key is needed to take part")
    if not isinstance(ballot.slug, str) or SLUG.fullmatch(ballot.slug) is None:
        raise NotFound(f"no conversation '{str(ballot.slug)[:80]}'; check the address")
    tid = ballot.tid
    if isinstance(tid, bool) or not isinstance(tid, int) or not 0 <= tid <= MAX_INT:
        raise NotFound(f"no statement {str(tid)[:20]} to vote on in '{ballot.slug}'")
    return vote_value(ballot.value)


def do_vote(db: Database, slug: str, key: str, tid: int, value: int | str) -> int:
    """Record one vote; returns the voter's pid (raises the reason it was not taken).

    Only statements the participant may see can be voted on.
    """
    [outcome] = do_votes(db, [Ballot(slug, key, tid, value)])
    if isinstance(outcome, GroundswellError):
        raise outcome
    return outcome


def do_votes(db: Database, ballots: Sequence[Ballot]) -> list[Outcome]:
    """Record many votes in one transaction; one outcome per ballot, in order.

    A ballot that cannot be taken (malformed: ``check_ballot``; unknown
    conversation or statement, hidden statement, closed conversation) gets its
    error and writes nothing; the rest are written together. An error from the database itself
    raises, and then none of the batch is written.
    """
    outcomes: list[Outcome | None] = [None] * len(ballots)
    values: list[int | None] = [None] * len(ballots)
    by_slug: dict[str, list[int]] = defaultdict(list)
    for i, ballot in enumerate(ballots):
        try:
            values[i] = check_ballot(ballot)
        except GroundswellError as exc:
            outcomes[i] = exc
            continue
        by_slug[ballot.slug].append(i)
    if by_slug:
        with db.transaction() as session:
            rows: list[dict[str, int]] = []
            # In slug order: joins lock their conversation's row (join_new_participants),
            # and two batches that take such locks in one order cannot deadlock.
            for slug, indices in sorted(by_slug.items()):
                rows += _take(session, slug, ballots, indices, values, outcomes)
            if rows:
                now = utcnow()
                # Core executemany on the table: the ORM's bulk path costs more per row.
                votes = cast(Table, Vote.__table__)
                session.execute(insert(votes), [{**row, "created_at": now} for row in rows])
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(ballots), "every ballot gets an outcome"
    return done


def _take(
    session: Session,
    slug: str,
    all_ballots: Sequence[Ballot],
    indices: list[int],
    values: list[int | None],
    outcomes: list[Outcome | None],
) -> list[dict[str, int]]:
    """Check the ballots ``indices`` (all in ``slug``); fill their outcomes; return vote rows."""
    ballots = [all_ballots[i] for i in indices]
    conv = session.execute(_CONVERSATION, {"slug": slug}).first()
    problem: GroundswellError | None = None
    if conv is None:
        problem = NotFound(f"no conversation '{slug}'; check the address")
    elif conv.closed_at is not None:
        problem = Conflict("this conversation is closed; it takes no more votes or statements")
    if problem is not None or conv is None:
        for i in indices:
            outcomes[i] = problem
        return []
    cid = conv.id
    statuses = [status.value for status in visible_statuses(conv.moderation)]
    tids = sorted({b.tid for b in ballots})
    shown = session.execute(_STATEMENTS, {"cid": cid, "tids": tids, "statuses": statuses})
    statement_ids: dict[int, int] = {
        tid: sid for tid, sid, status, text in shown.all() if not held(status, text)
    }
    hashes = {b.key: key_hash(cid, b.key) for b in ballots}
    people = session.execute(_PARTICIPANTS, {"cid": cid, "hashes": sorted(set(hashes.values()))})
    known = {h: (pk, pid) for h, pk, pid in people.all()}
    # First votes: everyone new in the batch joins at once (a meeting starting);
    # a vote that will be refused (no such statement) joins nobody.
    new_keys = list(
        {b.key: None for b in ballots if hashes[b.key] not in known and b.tid in statement_ids}
    )
    for key, joined in zip(new_keys, join_new_participants(session, cid, new_keys), strict=True):
        known[hashes[key]] = (joined.id, joined.pid)
    rows = []
    for i, ballot in zip(indices, ballots, strict=True):
        statement_id, value = statement_ids.get(ballot.tid), values[i]
        if value is None:  # unreachable: ballots with a bad value never get here
            continue
        if statement_id is None:
            outcomes[i] = NotFound(f"no statement {ballot.tid} to vote on in '{slug}'")
            continue
        participant_id, pid = known[hashes[ballot.key]]
        rows.append(
            {
                "conversation_id": cid,
                "participant_id": participant_id,
                "statement_id": statement_id,
                "value": value,
            }
        )
        outcomes[i] = pid
    return rows
