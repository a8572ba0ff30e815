"""Full-text search over stories and initiatives: one interface, each database's own engine.

SQLite
    FTS5 with the Porter stemmer ("listening" finds "listened"), ranked by
    bm25. The index is a TEMP virtual table filled from the live rows inside
    the reading session, so it can never show a withdrawn story, never goes
    stale, and lives outside the migrated schema; at story-bank sizes (tens of
    thousands of rows) filling it takes milliseconds.
PostgreSQL
    ``to_tsvector('english', ...) @@ websearch_to_tsquery('english', ...)``,
    ranked by ``ts_rank``, snippets by ``ts_headline``.

Only published stories are searched unless ``include_unpublished`` (for
moderators and curators, and then only the unpublished stories their scopes
cover); withdrawn stories never are.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    column,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from groundswell.actions import Database
from groundswell.actions.scopes import person_in_scope
from groundswell.auth.permissions import EVERYWHERE, Scopes
from groundswell.errors import InvalidInput
from groundswell.store.models import Initiative, Story, StoryStatus

MARK = ("[", "]")  # around matched words in snippets; pages turn them into <mark>


@dataclass(frozen=True)
class Hit:
    kind: str  # "story" or "initiative"
    id: int
    title: str
    snippet: str
    rank: float  # higher is better on both databases

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


STAFF_STATUSES = ("submitted", "needs_changes", "approved", "published")


def _docs(include_unpublished: bool, scopes: Scopes) -> CompoundSelect[Any]:
    """What may be found: published stories, unpublished ones within ``scopes``, initiatives.

    The staff part goes through ``person_in_scope``, the same filter as the
    moderation queue, so search never finds a story its page would refuse.
    """
    shown = Story.status == StoryStatus.PUBLISHED
    if include_unpublished:
        staff = Story.status.in_(STAFF_STATUSES) & person_in_scope(scopes, Story.person_id)
        shown = shown | staff
    service, theme = func.coalesce(Story.service, ""), func.coalesce(Story.theme, "")
    body = Story.body + " " + service + " " + theme
    stories = select(literal("story").label("kind"), Story.id.label("ref"),
                     Story.title.label("title"), body.label("body")).where(shown)  # fmt: skip
    initiatives = select(
        literal("initiative"), Initiative.id, Initiative.name,
        Initiative.purpose + " " + func.coalesce(Initiative.town, ""),
    )  # fmt: skip
    return union_all(stories, initiatives)


def search(
    db: Database, query: str, *, limit: int = 20, include_unpublished: bool = False,
    scopes: Scopes = EVERYWHERE,
) -> list[Hit]:  # fmt: skip
    """Stories and initiatives matching every word of ``query``, best first."""
    words = re.findall(r"\w+", query or "")
    if not words:
        raise InvalidInput("the search is empty; type one or more words")
    if not 1 <= limit <= 200:
        raise InvalidInput("limit must be between 1 and 200")
    docs = _docs(include_unpublished, scopes)
    with db.reading() as session:
        if session.get_bind().dialect.name == "postgresql":
            return _postgres(session, " ".join(words), docs, limit)
        return _sqlite(session, words, docs, limit)


GS_SEARCH = table("gs_search", column("kind"), column("ref"), column("title"), column("body"),
                  schema="temp")  # fmt: skip


def _sqlite(session: Session, words: list[str], docs: CompoundSelect[Any], limit: int) -> list[Hit]:
    conn = session.connection()
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.gs_search USING fts5("
        "kind UNINDEXED, ref UNINDEXED, title, body, tokenize='porter unicode61')"
    )
    conn.exec_driver_sql("DELETE FROM temp.gs_search")
    conn.execute(insert(GS_SEARCH).from_select(["kind", "ref", "title", "body"], docs))
    # Each word quoted (no FTS5 syntax from users) and matched as a prefix.
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    rows = conn.execute(
        text(
            "SELECT kind, ref, title, snippet(gs_search, 3, :a, :b, '…', 16), bm25(gs_search) "
            "FROM temp.gs_search WHERE gs_search MATCH :q ORDER BY bm25(gs_search) LIMIT :n"
        ),
        {"a": MARK[0], "b": MARK[1], "q": match, "n": limit},
    ).all()
    return [Hit(k, int(r), t, s, -float(b)) for k, r, t, s, b in rows]


def _postgres(session: Session, query: str, docs: CompoundSelect[Any], limit: int) -> list[Hit]:
    d = docs.subquery("docs")
    english: ColumnClause[Any] = literal_column("'english'::regconfig")
    tsq = func.websearch_to_tsquery(english, query)
    vector = func.to_tsvector(english, d.c.title + " " + d.c.body)
    options = f"StartSel={MARK[0]}, StopSel={MARK[1]}, MaxWords=24, MinWords=8"
    rank = func.ts_rank(vector, tsq).label("rank")
    rows = session.execute(
        select(d.c.kind, d.c.ref, d.c.title, func.ts_headline(english, d.c.body, tsq, options),
               rank)
        .where(vector.op("@@")(tsq))
        .order_by(rank.desc(), d.c.kind, d.c.ref)
        .limit(limit)
    ).all()  # fmt: skip
    return [Hit(k, int(i), t, s, float(r)) for k, i, t, s, r in rows]
