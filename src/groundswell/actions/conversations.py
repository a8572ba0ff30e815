"""Community conversations in the store: open, join, vote, add statements, moderate.

Each ``do_*`` owns its transaction. Votes are append-only: a participant who
votes again on a statement adds a row, and the latest row (highest id) wins in
the math. Which statements a participant sees and which ones count:

* accepted statements always;
* pending ones only in a post-moderated conversation (shown at once, a
  moderator may remove them later), and never one the personal-data check
  flags (``statement_check``: held for a moderator); in a pre-moderated one
  they wait, hidden from participants and from the math;
* rejected ones never.

Anonymous participants are known by ``participant_key`` (a pseudonym from the
web layer). The store keeps only a SHA-256 of the conversation and the key
(``participants.key_hash``), never the key, so one browser's rows in two
conversations cannot be linked by the hash. Each new participant gets the next
``pid`` of the conversation (one above the largest, so above any imported
Pol.is pids). A pid never derives
from the key: a hashed pid would merge two people's votes on a collision
(about n^2/2^32 for n participants, 2% at 10,000).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.actions.notifications import notify_statement_moderated
from groundswell.actions.statement_check import held, personal_data, visible_tids
from groundswell.actions.statement_check import visible_statuses as visible_statuses
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import StatementAuthor, utcnow
from groundswell.store.models.conversations import (
    Conversation,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.stories.detect import Flag

MAX_STATEMENT = 280  # characters; Pol.is allows 1000, a phone screen reads ~280 at a glance
MIN_STATEMENT = 3
MAX_QUESTION = 2000
JOIN_ATTEMPTS = 20  # concurrent first joins race for the next pid; each retry sees the winner
VOTE_VALUES = {"agree": 1, "disagree": -1, "pass": 0}
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class StatementView:
    tid: int
    text: str
    status: str
    is_seed: bool
    flags: tuple[Flag, ...] = field(default=(), compare=False)  # the personal-data check's

    @property
    def held(self) -> bool:
        """Pending and flagged: shown to nobody until a moderator accepts it."""
        return held(self.status, self.text)


@dataclass(frozen=True)
class ConversationView:
    id: int
    slug: str
    topic: str
    question: str
    moderation: str
    open: bool


def slugify(text: str) -> str:
    """'Walking in Leeds?' -> 'walking-in-leeds'."""
    return _SLUG.sub("-", text.lower()).strip("-")[:60] or "conversation"


def view_of(c: Conversation) -> ConversationView:
    return ConversationView(
        c.id, c.slug, c.topic, c.question, str(c.moderation.value), c.closed_at is None
    )


def find_conversation(session: Session, slug: str) -> Conversation:
    found = session.scalar(select(Conversation).where(Conversation.slug == slug))
    if found is None:
        raise NotFound(f"no conversation '{slug}'; check the address")
    return found


def get_conversation(db: Database, slug: str) -> ConversationView:
    with db.reading() as session:
        return view_of(find_conversation(session, slug))


def clean_statement(text: str) -> str:
    """One line of text within the length limits, else InvalidInput saying what to change."""
    text = " ".join((text or "").split())
    if len(text) < MIN_STATEMENT:
        raise InvalidInput("Enter your statement")
    if len(text) > MAX_STATEMENT:
        raise InvalidInput(
            f"Statement must be {MAX_STATEMENT} characters or fewer (it has {len(text)})"
        )
    return text


def unique_slug(session: Session, wanted: str) -> str:
    slug, n = wanted, 1
    while session.scalar(select(Conversation.id).where(Conversation.slug == slug)) is not None:
        n += 1
        slug = f"{wanted}-{n}"
    return slug


def do_open_conversation(
    db: Database,
    *,
    topic: str,
    question: str,
    moderation: str = "post",
    seeds: list[str] | tuple[str, ...] = (),
    slug: str | None = None,
) -> ConversationView:
    """Open a conversation with a question and optional seed statements (accepted at once)."""
    topic = " ".join((topic or "").split())
    question = (question or "").strip()
    if not topic:
        raise InvalidInput("Enter a topic")
    if len(topic) > 160:
        raise InvalidInput("Topic must be 160 characters or fewer")
    if not question:
        raise InvalidInput("Enter the question")
    if len(question) > MAX_QUESTION:
        raise InvalidInput(f"Question must be {MAX_QUESTION} characters or fewer")
    try:
        mode = Moderation(moderation)
    except ValueError:
        raise InvalidInput(f"moderation '{moderation}' is not 'pre' or 'post'") from None
    texts = [clean_statement(s) for s in seeds if s.strip()]
    with db.transaction() as session:
        chosen = unique_slug(session, slugify(slug or topic))
        conv = Conversation(slug=chosen, topic=topic, question=question, moderation=mode)
        session.add(conv)
        session.flush()
        for tid, text in enumerate(dict.fromkeys(texts)):
            session.add(
                Statement(
                    conversation_id=conv.id,
                    tid=tid,
                    text=text,
                    status=StatementStatus.ACCEPTED,
                    is_seed=True,
                )
            )
        session.flush()
        return view_of(conv)


def key_hash(conversation_id: int, key: str) -> str:
    """SHA-256 (hex) of a participant key in one conversation: stored instead of the key."""
    return hashlib.sha256(f"{conversation_id}:{key}".encode()).hexdigest()


def find_participant(session: Session, conversation_id: int, key: str) -> Participant | None:
    return session.scalar(
        select(Participant).where(
            Participant.conversation_id == conversation_id,
            Participant.key_hash == key_hash(conversation_id, key),
        )
    )


def pid_of(session: Session, conversation_id: int, key: str) -> int | None:
    """The pid of the participant known by ``key``, or ``None`` if they have not joined."""
    found = find_participant(session, conversation_id, key)
    return None if found is None else found.pid


def next_pid(session: Session, conversation_id: int) -> int:
    """One above the largest pid in the conversation (0 in an empty one)."""
    last = session.execute(
        select(func.coalesce(func.max(Participant.pid), -1)).where(
            Participant.conversation_id == conversation_id
        )
    ).scalar_one()
    return int(last) + 1


def join_participant(session: Session, conversation_id: int, key: str) -> Participant:
    """The participant known by ``key`` in the conversation, joining it if new."""
    for _ in range(JOIN_ATTEMPTS):
        found = find_participant(session, conversation_id, key)
        if found is not None:
            return found
        participant = Participant(
            conversation_id=conversation_id,
            pid=next_pid(session, conversation_id),
            key_hash=key_hash(conversation_id, key),
        )
        try:
            # Two first joins at once: one insert wins (unique pid or key_hash per
            # conversation); the loser rolls back its savepoint and looks again.
            with session.begin_nested():
                session.add(participant)
        except IntegrityError:
            continue
        return participant
    raise Conflict("too many people joined at once; try again")


def join_new_participants(
    session: Session, conversation_id: int, keys: Sequence[str]
) -> list[Participant]:
    """Join ``keys`` (distinct, none of them joined yet when looked up): one insert.

    When a meeting starts, a batch of votes holds many first votes; joining
    them one by one costs several queries each. Here they take the next pids
    together. On PostgreSQL, batches joining one conversation take turns: each
    locks the conversation's row first (FOR NO KEY UPDATE, which the votes'
    foreign-key checks, FOR KEY SHARE, do not wait for), so the pids it counts
    are not being taken by another process's uncommitted batch; SQLite has one
    writer anyway. If a pid or key is taken all the same (a single join
    elsewhere), the savepoint rolls back and each key joins on its own, as
    ``join_participant`` does.
    """
    if not keys:
        return []
    session.execute(
        select(Conversation.id)
        .where(Conversation.id == conversation_id)
        .with_for_update(key_share=True)
    )
    first = next_pid(session, conversation_id)
    joined = [
        Participant(
            conversation_id=conversation_id, pid=first + i, key_hash=key_hash(conversation_id, key)
        )
        for i, key in enumerate(keys)
    ]
    try:
        with session.begin_nested():
            session.add_all(joined)
    except IntegrityError:
        return [join_participant(session, conversation_id, key) for key in keys]
    return joined


def do_join(db: Database, slug: str, key: str) -> int:
    """The pid of the participant known by ``key`` (joining the conversation if new)."""
    if not key:
        raise InvalidInput("a participant key is needed to take part")
    with db.transaction() as session:
        return join_participant(session, find_conversation(session, slug).id, key).pid


def _open_for_votes(conv: Conversation) -> None:
    if conv.closed_at is not None:
        raise Conflict("this conversation is closed; it takes no more votes or statements")


def do_submit_statement(
    db: Database, slug: str, key: str, text: str, *, author_user_id: int | None = None
) -> StatementView:
    """Add a participant's statement: pending in pre-moderation, shown at once in post.

    The personal-data check runs on it: a flagged statement (``flags``) is held
    for a moderator whatever the conversation's moderation. ``author_user_id``:
    the signed-in account adding it, told by email when it is accepted or rejected.
    """
    text = clean_statement(text)
    with db.transaction() as session:
        conv = find_conversation(session, slug)
        _open_for_votes(conv)
        participant = join_participant(session, conv.id, key)
        duplicate = session.scalar(
            select(Statement.tid).where(
                Statement.conversation_id == conv.id,
                func.lower(Statement.text) == text.lower(),
            )
        )
        if duplicate is not None:
            raise Conflict("That statement is already in the conversation")
        last = session.execute(
            select(func.coalesce(func.max(Statement.tid), -1)).where(
                Statement.conversation_id == conv.id
            )
        ).scalar_one()
        tid = int(last) + 1
        # Pending either way: hidden until accepted in pre-moderation, shown at
        # once in post-moderation unless flagged (visible_tids), and in the queue.
        status = StatementStatus.PENDING
        statement = Statement(
            conversation_id=conv.id,
            tid=tid,
            author_id=participant.id,
            text=text,
            status=status,
            created_at=utcnow(),
        )
        session.add(statement)
        session.flush()
        if author_user_id is not None:
            session.add(StatementAuthor(statement_id=statement.id, user_id=author_user_id))
        return StatementView(tid, text, str(status.value), False, personal_data(text))


def do_moderate(db: Database, slug: str, tid: int, decision: str) -> StatementView:
    """Accept or reject a statement (``decision``: 'accept' or 'reject').

    Rejected statements leave the math and are no longer shown.

    In a post-moderated conversation accepted statements may be removed (rejected) too.
    """
    target = {"accept": StatementStatus.ACCEPTED, "reject": StatementStatus.REJECTED}.get(decision)
    if target is None:
        raise InvalidInput(f"decision '{decision}' is not accept or reject")
    with db.transaction() as session:
        conv = find_conversation(session, slug)
        statement = session.scalar(
            select(Statement).where(Statement.conversation_id == conv.id, Statement.tid == tid)
        )
        if statement is None:
            raise NotFound(f"no statement {tid} in '{slug}'")
        was, statement.status = statement.status, target
        if was is not target:  # its author hears once per decision, not per click
            notify_statement_moderated(session, statement, conv)
        return StatementView(statement.tid, statement.text, str(target.value), statement.is_seed)


def statements(db: Database, slug: str, status: str | None = None) -> list[StatementView]:
    """Statements of a conversation in tid order, optionally of one status."""
    with db.reading() as session:
        conv = find_conversation(session, slug)
        query = select(Statement).where(Statement.conversation_id == conv.id)
        if status is not None:
            query = query.where(Statement.status == StatementStatus(status))
        rows = session.scalars(query.order_by(Statement.tid)).all()
        return [
            StatementView(s.tid, s.text, str(s.status.value), s.is_seed, personal_data(s.text))
            for s in rows
        ]


@dataclass(frozen=True)
class Progress:
    """Where a participant stands: statements they voted on, and how many they can see."""

    voted: frozenset[int]
    visible: tuple[int, ...]
    pid: int | None = None  # None before their first vote

    @property
    def remaining(self) -> tuple[int, ...]:
        return tuple(t for t in self.visible if t not in self.voted)


def progress(db: Database, slug: str, key: str) -> Progress:
    with db.reading() as session:
        return read_progress(session, find_conversation(session, slug), key)


def read_progress(session: Session, conv: Conversation, key: str) -> Progress:
    """The participant known by ``key`` in ``conv``: their progress, in an open session."""
    visible = visible_tids(session, conv)
    # The participant first (unique key), then their votes by index: joining
    # from the votes would read every vote of a large conversation.
    participant = find_participant(session, conv.id, key)
    if participant is None:
        return Progress(frozenset(), tuple(visible))
    voted = session.scalars(
        select(Statement.tid)
        .join(Vote, Vote.statement_id == Statement.id)
        .where(Vote.conversation_id == conv.id, Vote.participant_id == participant.id)
    ).all()
    return Progress(frozenset(voted), tuple(visible), participant.pid)


def statement_text(db: Database, slug: str, tid: int) -> str:
    with db.reading() as session:
        conv = find_conversation(session, slug)
        text = session.scalar(
            select(Statement.text).where(Statement.conversation_id == conv.id, Statement.tid == tid)
        )
        if text is None:
            raise NotFound(f"no statement {tid} in '{slug}'")
        return text


def opened_at(db: Database, slug: str) -> datetime:
    with db.reading() as session:
        return find_conversation(session, slug).opened_at


def initiatives_of(db: Database, slug: str) -> frozenset[str]:
    """Slugs of the initiative the conversation belongs to (for scoped moderators)."""
    from groundswell.store.models.initiatives import Initiative

    with db.reading() as session:
        conv = find_conversation(session, slug)
        if conv.initiative_id is None:
            return frozenset()
        found = session.scalar(select(Initiative.slug).where(Initiative.id == conv.initiative_id))
        return frozenset({found}) if found else frozenset()
