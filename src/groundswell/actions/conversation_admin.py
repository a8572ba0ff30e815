"""Closing a conversation, and linking it to the initiative it belongs to.

A closed conversation takes no more votes or statements (the vote batch and
``do_submit_statement`` check ``closed_at``); its report stays. Linking a
conversation to an initiative puts it in that initiative's scope, so the
initiative's moderators find its queue; the caller checks the linker may
moderate both where it was and where it goes. Both are audited.
"""

from __future__ import annotations

from sqlalchemy import select

from groundswell.actions import Database
from groundswell.actions.audit import operator, record_access
from groundswell.actions.conversations import ConversationView, find_conversation, view_of
from groundswell.errors import Conflict, NotFound
from groundswell.store.models import Initiative, utcnow


def do_close_conversation(db: Database, slug: str, *, actor: str | None = None) -> ConversationView:
    """Close ``slug`` now; Conflict if it is closed already."""
    with db.transaction() as session:
        conv = find_conversation(session, slug)
        if conv.closed_at is not None:
            raise Conflict(f"the conversation '{slug}' is already closed")
        conv.closed_at = utcnow()
        record_access(session, actor or operator(), "conversations.close", "conversation", slug)
        return view_of(conv)


def do_link_conversation(
    db: Database, slug: str, initiative: str | None, *, actor: str | None = None
) -> ConversationView:
    """Make ``slug`` part of the initiative ``initiative`` (None: of no initiative)."""
    with db.transaction() as session:
        conv = find_conversation(session, slug)
        iid = None
        if initiative:
            iid = session.scalar(select(Initiative.id).where(Initiative.slug == initiative))
            if iid is None:
                raise NotFound(f"no initiative '{initiative}'; see the list at /initiatives")
        conv.initiative_id = iid
        record_access(session, actor or operator(), "conversations.link", "conversation", slug,
                      {"initiative": initiative or None})  # fmt: skip
        return view_of(conv)


def initiative_choices(db: Database) -> dict[str, str]:
    """Every initiative, slug -> name, for the link form."""
    with db.reading() as session:
        rows = session.execute(select(Initiative.slug, Initiative.name).order_by(Initiative.name))
        return {slug: name for slug, name in rows}
