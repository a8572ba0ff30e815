"""Imported comments held by the personal-data gate: the organisers' review queue.

Comments come in from other channels (``listening_imports``); one the check
flags waits ``pending`` until an organiser releases or rejects it, exactly as
a harvest note does (``listening_visibility``). Comments belong to no
listening event, so their queue is for movement-wide organisers (a ``*``
grant), and every read of it is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from groundswell.actions import Database
from groundswell.actions.audit import record_access
from groundswell.actions.listening_notes import DECISIONS
from groundswell.actions.listening_visibility import reason
from groundswell.actions.statement_check import personal_data
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.store.models import Comment, NoteStatus


@dataclass
class CommentView:
    id: int
    source: str
    text: str
    town: str | None
    received_on: date | None
    status: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "source": self.source,
            "text": self.text,
            "town": self.town,
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "status": self.status,
            "reason": self.reason or None,
        }


def _view(c: Comment) -> CommentView:
    status = NoteStatus(c.status)
    why = reason(personal_data(c.text)) if status is NoteStatus.PENDING else ""
    return CommentView(c.id, c.source, c.text, c.town, c.received_on, status.value, why)


def held_comments(
    db: Database, *, source: str | None = None, limit: int = 200, actor: str
) -> tuple[list[CommentView], int]:
    """The oldest ``limit`` held comments (of ``source``) with their reasons, and how many wait."""
    with db.transaction() as session:
        query = select(Comment).where(Comment.status == NoteStatus.PENDING)
        if source:
            query = query.where(Comment.source == source)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        shown = [_view(c) for c in session.scalars(query.order_by(Comment.id).limit(limit))]
        record_access(session, actor, "listening.held_comments", "comments", source,
                      {"shown": len(shown)})  # fmt: skip
    return shown, int(total)


def comment_counts(db: Database) -> dict[str, dict[str, int]]:
    """Comments by source and status: {"fft": {"visible": 180, "pending": 12, ...}}."""
    with db.reading() as session:
        rows = session.execute(
            select(Comment.source, Comment.status, func.count()).group_by(
                Comment.source, Comment.status
            )
        ).all()
    counts: dict[str, dict[str, int]] = {}
    for source, status, n in rows:
        counts.setdefault(source, dict.fromkeys((s.value for s in NoteStatus), 0))
        counts[source][NoteStatus(status).value] = int(n)
    return dict(sorted(counts.items()))


def do_review_comment(db: Database, comment_id: int, decision: str, *, actor: str) -> CommentView:
    """Release (show) or reject a held comment."""
    if decision not in DECISIONS:
        raise InvalidInput("decision: use release or reject")
    with db.transaction() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            raise NotFound(f"there is no comment {comment_id}; check the number")
        if comment.status is not NoteStatus.PENDING:
            raise Conflict(f"comment {comment_id} is {NoteStatus(comment.status).value}, not held")
        comment.status = DECISIONS[decision]
        record_access(session, actor, f"listening.comment_{decision}", "comment", comment_id)
        session.flush()
        return _view(comment)
