"""Conversation math from the store: the analysis, what each participant sees next, the report.

The engine recomputes a conversation in well under a second, so we compute on
demand and keep the last analysis per conversation in this process, keyed by
the vote count, the newest vote and the set of statements out of the math:
repeated report views do not recompute, and any vote or moderation decision
makes the next view fresh. Routing may use an analysis a few votes old (the
priorities barely move per vote); what a participant has voted on is always
read from the store, so nobody sees a statement twice.
"""

from __future__ import annotations

import io
import itertools
import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell import csvsafe
from groundswell.actions import Database
from groundswell.actions.conversations import (
    ConversationView,
    Progress,
    StatementView,
    find_conversation,
    read_progress,
    view_of,
)
from groundswell.actions.statement_check import split_tids, visible_tids
from groundswell.conversations import Analysis, analyse, build_matrix, next_statement
from groundswell.conversations.routing import pick
from groundswell.measures.suppression import MIN_CELL, SECONDARY, SMALL_CELL, protect
from groundswell.rng import Seed
from groundswell.store.models.conversations import Conversation, Participant, Statement, Vote

CACHE_SIZE = 32
# Routing recomputes once the cached analysis is this many votes behind, or this
# share of all votes in a large conversation: priorities move little per vote,
# and a busy conversation must not recompute on every page view.
ROUTING_STALE_VOTES = 25
ROUTING_STALE_SHARE = 0.05

_cache: OrderedDict[tuple[int, int], tuple[tuple[int, int, tuple[int, ...]], Analysis]] = (
    OrderedDict()
)
_logs: OrderedDict[tuple[int, int], VoteLog] = OrderedDict()  # see _log
_lock = threading.Lock()
_tokens: WeakKeyDictionary[object, int] = WeakKeyDictionary()  # engine -> its number (_key)
_next_token = itertools.count(1)
_tokens_lock = threading.Lock()


@dataclass(frozen=True)
class VoteLog:
    """Every vote of a conversation in the order cast (ids are append-only)."""

    pids: list[int]
    tids: list[int]
    values: np.ndarray
    days: list[date]
    last_id: int
    excluded: frozenset[int]  # statements out of the math (rejected, or pending in pre)

    @property
    def signature(self) -> tuple[int, int, tuple[int, ...]]:
        return (len(self.pids), self.last_id, tuple(sorted(self.excluded)))


def _log(db: Database, session: Session, conv: Conversation) -> VoteLog:
    """The conversation's vote log, reading only the votes added since the last call.

    Votes are append-only, so the log kept from the last read is extended with
    the rows above its newest id. One aggregate checks that the rows it already
    holds are still exactly there: a count that differs means votes were erased
    (a person's data removed) or a lower id committed late, and then the whole
    log is read again, so an erased vote never lingers here.
    """
    conversation_id = conv.id
    key = _key(db, conversation_id)
    with _lock:
        kept = _logs.get(key)
    excluded = split_tids(session, conv)[1]
    after = 0
    if kept is not None:
        held = session.scalar(
            select(func.count(Vote.id)).where(
                Vote.conversation_id == conversation_id, Vote.id <= kept.last_id
            )
        )
        if held == len(kept.pids):
            after = kept.last_id
        else:
            kept = None
    rows = session.execute(
        select(Vote.id, Participant.pid, Statement.tid, Vote.value, Vote.created_at)
        .join(Participant, Participant.id == Vote.participant_id)
        .join(Statement, Statement.id == Vote.statement_id)
        .where(Vote.conversation_id == conversation_id, Vote.id > after)
        .order_by(Vote.id)
    ).all()
    log = VoteLog(
        pids=[r[1] for r in rows],
        tids=[r[2] for r in rows],
        values=np.array([r[3] for r in rows], np.int8),
        days=[r[4].date() for r in rows],
        last_id=rows[-1][0] if rows else after,
        excluded=excluded,
    )
    if kept is not None:  # new lists: a log handed out earlier is never changed
        log = VoteLog(
            pids=kept.pids + log.pids,
            tids=kept.tids + log.tids,
            values=np.concatenate([kept.values, log.values]),
            days=kept.days + log.days,
            last_id=log.last_id,
            excluded=excluded,
        )
    with _lock:
        _logs[key] = log
        _logs.move_to_end(key)
        while len(_logs) > CACHE_SIZE:
            _logs.popitem(last=False)
    return log


def _key(db: Database, conversation_id: int) -> tuple[int, int]:
    """The conversation in this database: each engine gets a number of its own.

    Keyed by the engine, not its URL, so two databases with the same URL (a
    PostgreSQL database emptied and built again, in-memory SQLite) never share
    an entry, and nothing needs clearing; the numbers go with their engines.
    """
    engine = getattr(db, "engine", db)
    with _tokens_lock:
        token = _tokens.get(engine)
        if token is None:
            token = _tokens[engine] = next(_next_token)
    return (token, conversation_id)


def _analyse(db: Database, conversation_id: int, log: VoteLog, *, stale_ok: int = 0) -> Analysis:
    key = _key(db, conversation_id)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            signature, result = hit
            same_mod = signature[2] == log.signature[2]
            behind = log.signature[0] - signature[0]
            if signature == log.signature or (same_mod and 0 <= behind <= stale_ok):
                _cache.move_to_end(key)
                return result
    matrix = build_matrix(log.pids, log.tids, log.values)
    previous = hit[1] if hit is not None and hit[0][2] == log.signature[2] else None
    result = analyse(matrix, moderated_out=log.excluded, seed=0, previous=_warm_ok(previous, log))
    with _lock:
        _cache[key] = (log.signature, result)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _warm_ok(previous: Analysis | None, log: VoteLog) -> Analysis | None:
    """Warm-start only from an analysis of a prefix of this log (same rows and columns so far)."""
    if previous is None:
        return None
    m = previous.matrix
    if m.n_votes > len(log.pids):
        return None
    pids = list(dict.fromkeys(log.pids))
    tids = list(dict.fromkeys(log.tids))
    if pids[: len(m.pids)] != list(m.pids) or tids[: len(m.tids)] != list(m.tids):
        return None
    return previous


def analysis(db: Database, slug: str) -> Analysis | None:
    """The conversation's current analysis (``None`` before the first vote)."""
    with db.reading() as session:
        conv = find_conversation(session, slug)
        log = _log(db, session, conv)
    if not log.pids:
        return None
    return _analyse(db, conv.id, log)


@dataclass(frozen=True)
class VotingCard:
    """What the voting page shows: the conversation, the next statement, how far they are."""

    conversation: ConversationView
    statement: StatementView | None  # None when they have voted on everything
    voted: int
    total: int


def voting_card(db: Database, slug: str, key: str, seed: Seed = None) -> VotingCard:
    """The voting page for the participant known by ``key``, read in one session."""
    with db.reading() as session:
        conv = find_conversation(session, slug)
        where = read_progress(session, conv, key)
        return VotingCard(
            conversation=view_of(conv),
            statement=_next_in(db, session, conv, where, seed),
            voted=len(where.voted & set(where.visible)),
            total=len(where.visible),
        )


def next_for(db: Database, slug: str, key: str, seed: Seed = None) -> StatementView | None:
    """The statement this participant should see next (Pol.is priority), or ``None`` when done."""
    with db.reading() as session:
        conv = find_conversation(session, slug)
        return _next_in(db, session, conv, read_progress(session, conv, key), seed)


def _next_in(
    db: Database, session: Session, conv: Conversation, where: Progress, seed: Seed
) -> StatementView | None:
    remaining = where.remaining
    if not remaining:
        return None
    log = _log(db, session, conv)
    if log.pids:
        stale_ok = max(ROUTING_STALE_VOTES, int(ROUTING_STALE_SHARE * len(log.pids)))
        result = _analyse(db, conv.id, log, stale_ok=stale_ok)
        tid = next_statement(
            result, where.pid, statements=list(where.visible), exclude=where.voted, seed=seed
        )
    else:  # nobody has voted yet: every statement is equally new
        chosen = pick(np.ones(len(remaining)), np.ones(len(remaining), bool), seed)
        tid = None if chosen is None else remaining[chosen]
    if tid is None:
        return None
    s = session.scalars(
        select(Statement).where(Statement.conversation_id == conv.id, Statement.tid == tid)
    ).one()
    return StatementView(s.tid, s.text, str(s.status.value), s.is_seed)


@dataclass
class Report:
    """'What we heard': everything the report page, its CSV and the CLI show.

    Built once by ``report`` from the statements ``shown_statements`` allows,
    so the public page and the public CSV cannot list different statements.
    """

    conversation: ConversationView
    n_participants: int
    n_votes: int
    # one per statement: tid, text, status, counts, agree share per group
    statements: list[dict[str, Any]]
    groups: list[dict[str, Any]] = field(default_factory=list)  # id, label, size, statements
    consensus: list[dict[str, Any]] = field(default_factory=list)
    divisive: list[dict[str, Any]] = field(default_factory=list)
    # x, y, group: the index into ``groups``, -1 not grouped yet, SMALL_GROUP in a small group
    points: list[tuple[float, float, int]] = field(default_factory=list)
    per_day: list[tuple[date, int]] = field(default_factory=list)
    seconds: float = 0.0
    # People in opinion groups under MIN_CELL, not shown apart; None when they are
    # 1 to MIN_CELL - 1 (a count under MIN_CELL is not shown either).
    in_small_groups: int | None = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation": {
                "slug": self.conversation.slug,
                "topic": self.conversation.topic,
                "question": self.conversation.question,
            },
            "participants": self.n_participants,
            "votes": self.n_votes,
            "groups": self.groups,
            "people_in_small_groups": self.in_small_groups,
            "people_in_small_groups_reason": (SMALL_CELL if self.in_small_groups is None else None),
            "consensus": self.consensus,
            "divisive": self.divisive,
            "per_day": [{"day": d.isoformat(), "votes": n} for d, n in self.per_day],
            "statements": self.statements,
            "seconds": self.seconds,
        }


def _share(n: float, of: float) -> int | None:
    return None if of == 0 else round(100 * n / of)


SMALL_GROUP = -2  # a participant's group on the map when it is too small to show


def group_label(g: int) -> str:
    return chr(ord("A") + g) if g < 26 else str(g + 1)


def shown_statements(session: Session, conv: Conversation) -> list[Statement]:
    """The statements a report may show anyone: the ones participants see and the math counts.

    The same rule as the voting page (``visible_tids``): never a rejected
    statement, nor a pending one in a pre-moderated conversation, nor one the
    personal-data check holds, which may carry what a moderator has yet to
    remove (a phone number, a name).
    """
    shown = set(visible_tids(session, conv))
    rows = session.scalars(
        select(Statement).where(Statement.conversation_id == conv.id).order_by(Statement.tid)
    )
    return [s for s in rows if s.tid in shown]


def report(db: Database, slug: str) -> Report:
    """The report of one conversation, from the (cached) analysis."""
    with db.reading() as session:
        conv = find_conversation(session, slug)
        view = view_of(conv)
        log = _log(db, session, conv)
        texts: dict[Hashable, tuple[str, str]] = {
            s.tid: (s.text, str(s.status.value)) for s in shown_statements(session, conv)
        }
        n_participants = session.scalar(
            select(func.count()).where(Participant.conversation_id == conv.id)
        )
    per_day = sorted(Counter(log.days).items())
    base = Report(view, int(n_participants or 0), len(log.pids), [], per_day=per_day)
    if not log.pids:
        base.statements = [
            {"tid": t, "text": x, "status": s, "agree": 0, "disagree": 0, "pass": 0, "seen": 0}
            for t, (x, s) in texts.items()
        ]
        return base
    a = _analyse(db, conv.id, log)
    col = {t: j for j, t in enumerate(a.matrix.tids)}
    _, cols, vals = a.matrix.triples()
    n_t = a.matrix.shape[1]
    agree = np.bincount(cols, weights=vals > 0, minlength=n_t)
    disagree = np.bincount(cols, weights=vals < 0, minlength=n_t)
    seen = np.bincount(cols, minlength=n_t)
    stats, sizes = a.stats, a.group_sizes()
    # The small-number rule (measures.suppression): a group of fewer than
    # MIN_CELL people is never shown apart, neither its size nor how it voted;
    # its people are counted together. Shown groups are lettered A, B, ... in turn.
    shown = [g for g in range(a.k) if sizes[g] >= MIN_CELL]
    label = {g: group_label(i) for i, g in enumerate(shown)}
    # Everyone's counts minus the shown groups' are the votes of the people in
    # no shown group (small groups, not yet grouped): when they are 1 to 9, the
    # smallest shown groups' votes are hidden too (secondary suppression), so
    # no subtraction gives theirs away. Such a group keeps its letter and size.
    in_group = [int(g) for g in a.participant_group]
    outside = sum(1 for g in in_group if g not in label)
    kept = protect([int(sizes[g]) for g in shown] + [outside], unpublished=[len(shown)])
    votes_shown = [g for i, g in enumerate(shown) if i not in kept.hidden]

    def text(tid: Hashable) -> str:
        return texts.get(tid, ("", ""))[0]

    statements: list[dict[str, Any]] = []
    for tid, (body, status) in texts.items():
        j = col.get(tid)
        entry: dict[str, Any] = {"tid": tid, "text": body, "status": status}
        if j is None:
            entry.update(agree=0, disagree=0, seen=0, agree_pct=None)
        else:
            entry.update(
                agree=int(agree[j]),
                disagree=int(disagree[j]),
                seen=int(seen[j]),
                agree_pct=_share(agree[j], seen[j]),
            )
            for g in votes_shown:
                entry[f"group_{label[g]}_agree_pct"] = _share(stats.na[g, j], stats.ns[g, j])
        entry["pass"] = entry["seen"] - entry["agree"] - entry["disagree"]
        statements.append(entry)
    groups: list[dict[str, Any]] = []
    for g in shown:
        reps = []
        for r in a.repness[g] if g in votes_shown else []:
            j = col[r.tid]
            share = stats.na[g, j] if r.direction == "agree" else stats.nd[g, j]
            reps.append(
                {"tid": r.tid, "text": text(r.tid), "direction": r.direction,
                 "pct": _share(share, stats.ns[g, j]), "agree_pct": _share(stats.na[g, j],
                 stats.ns[g, j]), "seen": int(stats.ns[g, j])}
            )  # fmt: skip
        groups.append(
            {"id": len(groups), "label": label[g], "size": int(sizes[g]), "statements": reps,
             "reason": None if g in votes_shown else SECONDARY}
        )  # fmt: skip
    consensus: list[dict[str, Any]] = []
    for side in ("agree", "disagree"):
        for s in getattr(a.consensus, side):
            j = col[s.tid]
            count = agree[j] if side == "agree" else disagree[j]
            consensus.append(
                {"tid": s.tid, "text": text(s.tid), "direction": side,
                 "pct": _share(count, seen[j])}
            )  # fmt: skip
    # Division is between groups whose votes are shown: with fewer than two there is none.
    divisive = [
        {"tid": a.matrix.tids[j], "text": text(a.matrix.tids[j]),
         "groups": [{"label": label[g], "agree_pct": _share(stats.na[g, j], stats.ns[g, j])}
                    for g in votes_shown]}
        for j, _ in a.divisive
    ] if len(votes_shown) > 1 else []  # fmt: skip
    xy = a.pca.participants
    order = {g: i for i, g in enumerate(shown)}
    points = [
        (float(xy[i, 0]), float(xy[i, 1]), -1 if g < 0 else order.get(g, SMALL_GROUP))
        for i, g in enumerate(in_group)
    ]
    small = int(sum(sizes)) - sum(g["size"] for g in groups)
    return Report(
        view, base.n_participants, len(log.pids), statements, groups, consensus, divisive,
        points, per_day, a.seconds, None if 0 < small < MIN_CELL else small,
    )  # fmt: skip


def report_csv(result: Report) -> str:
    """One row per statement: counts, agree share overall and per group, and what it is."""
    labels = [g["label"] for g in result.groups if g.get("reason") is None]
    rep = {(s["tid"], g["label"]) for g in result.groups for s in g["statements"]}
    cons = {s["tid"]: s["direction"] for s in result.consensus}
    div = {s["tid"] for s in result.divisive}
    out = io.StringIO()
    w = csvsafe.writer(out)
    w.writerow(
        ["tid", "text", "status", "agree", "disagree", "pass", "seen", "agree_pct",
         *[f"group_{x}_agree_pct" for x in labels], "representative_of", "consensus", "divisive"]
    )  # fmt: skip
    for s in result.statements:
        w.writerow(
            [s["tid"], s["text"], s["status"], s["agree"], s["disagree"], s["pass"], s["seen"],
             "" if s.get("agree_pct") is None else s["agree_pct"],
             *["" if s.get(f"group_{x}_agree_pct") is None else s[f"group_{x}_agree_pct"]
               for x in labels],
             " ".join(x for x in labels if (s["tid"], x) in rep), cons.get(s["tid"], ""),
             "yes" if s["tid"] in div else ""]
        )  # fmt: skip
    return out.getvalue()
