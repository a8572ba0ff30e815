"""Pol.is open-data exports in and out of the store.

Import (``do_import_polis``) reads an export folder (``polis_io.read_export``)
and writes one new conversation, its participants, statements and every vote
in one transaction: all of it or nothing. Pol.is ``moderated`` 1 / 0 / -1
become accepted / pending / rejected, and the conversation is post-moderated,
as Pol.is conversations are by default, so pending statements still count.
``summary.csv`` gives the topic and ``conversation-description`` the question.
Votes keep their timestamps and their order, so the latest vote still wins.

Export (``export_polis``) writes the same four files back
(``polis_io.write_export``), with ``group-id`` from our own analysis; an
import followed by an export gives the same votes, comments and moderation.

Data from Pol.is exports is often CC BY 4.0: keep its attribution with
anything derived from it.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import numpy as np
from sqlalchemy import insert, select

from groundswell.actions import Database
from groundswell.actions.audit import do_record_access, operator
from groundswell.actions.conversation_report import analysis
from groundswell.actions.conversations import (
    ConversationView,
    find_conversation,
    slugify,
    unique_slug,
    view_of,
)
from groundswell.conversations import PolisExport, read_export, write_export
from groundswell.conversations.polis_io import Comment
from groundswell.errors import InputFileError
from groundswell.store.models.conversations import (
    Conversation,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)

STATUS = {1: StatementStatus.ACCEPTED, 0: StatementStatus.PENDING, -1: StatementStatus.REJECTED}
MODERATED = {v: k for k, v in STATUS.items()}
BATCH = 5_000


def _when(ms: int | None, default: datetime) -> datetime:
    return default if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def _ms(when: datetime) -> int:
    return round(when.timestamp() * 1000)


def _int_ids(folder: Path, ids: list[Hashable], what: str) -> None:
    bad = next((x for x in ids if not isinstance(x, int)), None)
    if bad is not None:
        raise InputFileError(
            str(folder), f"{what} id {bad!r} is not a whole number", fix="give Pol.is numeric ids"
        )


def do_import_polis(
    db: Database, folder: str | Path, *, slug: str | None = None
) -> ConversationView:
    """Import a Pol.is export folder as a new conversation (one transaction)."""
    folder = Path(folder)
    export = read_export(folder)
    _int_ids(folder, export.pids, "participant")
    _int_ids(folder, export.tids + [c.tid for c in export.comments], "comment")
    now = datetime.now(UTC)
    topic = (export.summary.get("topic") or folder.name).strip()[:160] or folder.name
    question = (export.summary.get("conversation-description") or topic).strip() or topic
    order = (
        np.argsort(export.timestamps, kind="stable")
        if export.timestamps is not None
        else np.arange(len(export.votes))
    )
    first = min((c.timestamp for c in export.comments if c.timestamp), default=None)
    if export.timestamps is not None and len(export.timestamps):
        first = min(first or int(export.timestamps.min()), int(export.timestamps.min()))
    with db.transaction() as session:
        conv = Conversation(
            slug=unique_slug(session, slugify(slug or folder.name)),
            topic=topic,
            question=question,
            moderation=Moderation.POST,
            opened_at=_when(first, now),
        )
        session.add(conv)
        session.flush()
        authors = {c.author for c in export.comments if c.author is not None}
        pids = list(dict.fromkeys([*export.pids, *sorted(authors, key=str)]))
        session.execute(insert(Participant), [{"conversation_id": conv.id, "pid": p} for p in pids])
        participant: dict[Hashable, int] = dict(
            session.execute(
                select(Participant.pid, Participant.id).where(
                    Participant.conversation_id == conv.id
                )
            )
            .tuples()
            .all()
        )
        comments = {c.tid: c for c in export.comments}
        for tid in export.tids:
            comments.setdefault(tid, Comment(tid))
        if comments:
            session.execute(
                insert(Statement),
                [
                    {
                        "conversation_id": conv.id,
                        "tid": c.tid,
                        "author_id": participant.get(c.author),
                        "text": c.text,
                        "status": STATUS[c.moderated],
                        "is_seed": False,
                        "created_at": _when(c.timestamp, now),
                    }
                    # _int_ids above made every tid an int, so they order.
                    for c in sorted(comments.values(), key=lambda c: cast(int, c.tid))
                ],
            )
        statement: dict[Hashable, int] = dict(
            session.execute(
                select(Statement.tid, Statement.id).where(Statement.conversation_id == conv.id)
            )
            .tuples()
            .all()
        )
        stamps = export.timestamps
        rows = [
            {
                "conversation_id": conv.id,
                "participant_id": participant[export.pids[k]],
                "statement_id": statement[export.tids[k]],
                "value": int(export.votes[k]),
                "created_at": _when(None if stamps is None else int(stamps[k]), now),
            }
            for k in order.tolist()
        ]
        for start in range(0, len(rows), BATCH):  # in time order: ids keep "latest wins"
            session.execute(insert(Vote), rows[start : start + BATCH])
        return view_of(conv)


def to_export(db: Database, slug: str) -> PolisExport:
    """The conversation as a Pol.is export (votes in the order cast)."""
    with db.reading() as session:
        conv = find_conversation(session, slug)
        pid_of: dict[int, int] = dict(
            session.execute(
                select(Participant.id, Participant.pid).where(
                    Participant.conversation_id == conv.id
                )
            )
            .tuples()
            .all()
        )
        rows = session.scalars(
            select(Statement).where(Statement.conversation_id == conv.id).order_by(Statement.tid)
        ).all()
        comments = [
            Comment(
                tid=s.tid,
                text=s.text,
                author=pid_of.get(s.author_id) if s.author_id is not None else None,
                moderated=MODERATED[s.status],
                timestamp=_ms(s.created_at),
            )
            for s in rows
        ]
        votes = session.execute(
            select(Participant.pid, Statement.tid, Vote.value, Vote.created_at)
            .join(Participant, Participant.id == Vote.participant_id)
            .join(Statement, Statement.id == Vote.statement_id)
            .where(Vote.conversation_id == conv.id)
            .order_by(Vote.id)
        ).all()
        summary = {
            "topic": conv.topic,
            "conversation-description": conv.question,
        }
    return PolisExport(
        comments=comments,
        pids=[v[0] for v in votes],
        tids=[v[1] for v in votes],
        votes=np.array([v[2] for v in votes], np.int8),
        timestamps=np.array([_ms(v[3]) for v in votes], np.int64),
        summary=summary,
    )


def export_polis(
    db: Database, slug: str, folder: str | Path, actor: str | None = None
) -> list[Path]:
    """Write the conversation as a Pol.is export folder; ``group-id`` from our analysis."""
    export = to_export(db, slug)
    do_record_access(db, actor or operator(), "conversations.export", "conversation", slug)
    result = analysis(db, slug)
    groups = result.participants() if result is not None else {}
    return write_export(folder, export, groups)
