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
moderators and curators); withdrawn stories never are.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from groundswell.actions import Database
from groundswell.errors import InvalidInput

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


def _statuses(include_unpublished: bool) -> tuple[str, ...]:
    if include_unpublished:
        return ("submitted", "needs_changes", "approved", "published")
    return ("published",)


def search(
    db: Database, query: str, *, limit: int = 20, include_unpublished: bool = False
) -> list[Hit]:
    """Stories and initiatives matching every word of ``query``, best first."""
    words = re.findall(r"\w+", query or "")
    if not words:
        raise InvalidInput("the search is empty; type one or more words")
    if not 1 <= limit <= 200:
        raise InvalidInput("limit must be between 1 and 200")
    statuses = _statuses(include_unpublished)
    with db.reading() as session:
        if session.get_bind().dialect.name == "postgresql":
            return _postgres(session, " ".join(words), statuses, limit)
        return _sqlite(session, words, statuses, limit)


def _sqlite(session: Session, words: list[str], statuses: tuple[str, ...], limit: int) -> list[Hit]:
    conn = session.connection()
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.gs_search USING fts5("
        "kind UNINDEXED, ref UNINDEXED, title, body, tokenize='porter unicode61')"
    )
    conn.exec_driver_sql("DELETE FROM temp.gs_search")
    marks = ",".join(f"'{s}'" for s in statuses)
    conn.exec_driver_sql(
        "INSERT INTO temp.gs_search (kind, ref, title, body) "
        "SELECT 'story', id, title, body || ' ' || coalesce(service, '') || ' ' || "
        f"coalesce(theme, '') FROM stories WHERE status IN ({marks}) "
        "UNION ALL SELECT 'initiative', id, name, purpose || ' ' || coalesce(town, '') "
        "FROM initiatives"
    )
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


def _postgres(session: Session, query: str, statuses: tuple[str, ...], limit: int) -> list[Hit]:
    sql = text(
        """
        WITH docs AS (
            SELECT 'story' AS kind, id, title,
                   body || ' ' || coalesce(service, '') || ' ' || coalesce(theme, '') AS body
            FROM stories WHERE status = ANY(:statuses)
            UNION ALL
            SELECT 'initiative', id, name, purpose || ' ' || coalesce(town, '') FROM initiatives
        ), q AS (SELECT websearch_to_tsquery('english', :q) AS tsq)
        SELECT kind, id, title,
               ts_headline('english', body, q.tsq,
                           'StartSel=' || :a || ', StopSel=' || :b || ', MaxWords=24, MinWords=8'),
               ts_rank(to_tsvector('english', title || ' ' || body), q.tsq) AS rank
        FROM docs, q
        WHERE to_tsvector('english', title || ' ' || body) @@ q.tsq
        ORDER BY rank DESC, kind, id LIMIT :n
        """
    )
    rows = session.execute(
        sql, {"q": query, "statuses": list(statuses), "a": MARK[0], "b": MARK[1], "n": limit}
    ).all()
    return [Hit(k, int(i), t, s, float(r)) for k, i, t, s, r in rows]
