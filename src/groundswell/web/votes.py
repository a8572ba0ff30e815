"""Votes over HTTP: group commit, and a short path for the common vote.

Group commit: concurrent vote requests share one transaction.

Each vote request puts its ballot in the queue of this server process and
waits. One writer at a time takes everything queued, records it with
``do_votes`` (one transaction, in a worker thread) and answers every waiter.
When the server is quiet a batch holds one vote and is written at once; under
load, the votes that arrive while a batch is being written form the next one,
so the batch grows with the load and no time is spent waiting for it to fill
(group commit, as database logs do it: Gray & Reuter, *Transaction
Processing*, 1993, sec. 9.4.7). A request is answered only after the
transaction holding its vote has committed, so an acknowledged vote is stored.

One voter must not be able to fail everyone else's votes. A malformed ballot
(``check_ballot``: a statement number no column holds, an impossible address, a
bad value) is refused before it joins a batch. Should a batch's transaction
still fail, it is split in halves and each half is tried again, down to single
ballots, so the ballot that made it fail is found and refused alone and every
other ballot is stored (bisection: one bad ballot in a batch of n costs about
2 log2 n extra transactions). A database that is down or locked fails every
ballot alike, so such a batch is not split: all its votes are refused at once.

The short path (``VoteShortcut``): most vote requests are an anonymous
visitor with a good cookie posting a form with a good CSRF token. The
middleware answers those directly: the same checks as the full stack
(signed visitor cookie, CSRF token, rate limit), the same ballot queue and
the same security headers, without building a request, routing it or
running dependencies, which cost more than the vote itself. A ballot it
refuses (malformed, no such statement, a closed conversation, over a rate
limit) gets the same error page the full application would send, from here:
a stream of refused ballots costs a page each, not a trip through the whole
stack. Anything else (a signed-in session, htmx, a missing or bad cookie or
token, a failed transaction) goes on to the full application, which answers
it in the usual way; a vote that was not taken wrote nothing, so trying it
again there is safe.
``benchmarks/load.py`` measures the difference (server CPU per vote).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import anyio
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import State
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from groundswell.actions import Database
from groundswell.actions.votes import Ballot, Outcome, check_ballot, do_votes
from groundswell.auth import tokens
from groundswell.errors import GroundswellError, InvalidInput
from groundswell.web.auth import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    VISITOR_COOKIE,
    visitor_csrf,
    visitor_participant_key,
)
from groundswell.web.errors import error_response
from groundswell.web.ratelimit import RateLimited, vote_wait
from groundswell.web.security import RAW_HEADERS

MAX_BATCH = 1000  # ballots per transaction: bounds one commit's size and latency
# While votes keep coming (the last batch ended under BUSY_GAP ago) the writer
# waits COMMIT_DELAY for more before it writes, so a steady stream shares
# transactions instead of paying one per vote; a quiet server writes at once.
# PostgreSQL's commit_delay/commit_siblings settings do the same for its log.
COMMIT_DELAY = 0.010  # seconds
BUSY_GAP = 0.050  # seconds
VOTE_PATH = re.compile(r"/conversations/([a-z0-9-]{1,80})/vote")
SHORT_FORM_BYTES = 4096  # a vote form is ~100 bytes; anything bigger takes the full path
FORM = b"application/x-www-form-urlencoded"

Waiter = tuple[Ballot, asyncio.Future[int]]  # a ballot and the request waiting for it


@dataclass
class VoteQueue:
    """The ballots waiting in one server process, and the writer that drains them."""

    db: Database
    loop: asyncio.AbstractEventLoop
    waiting: list[Waiter] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None  # held: the loop keeps only a weak reference
    last_write: float = float("-inf")  # loop time the last batch was written

    async def vote(self, ballot: Ballot) -> int:
        """Record ``ballot`` with whatever else is queued; the voter's pid once committed.

        A malformed ballot raises here, on its own: it never joins a batch.
        """
        check_ballot(ballot)
        done: asyncio.Future[int] = self.loop.create_future()
        self.waiting.append((ballot, done))
        if self.writer is None or self.writer.done():
            self.writer = self.loop.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        while self.waiting:
            busy = self.loop.time() - self.last_write < BUSY_GAP
            if busy and len(self.waiting) < MAX_BATCH:
                await asyncio.sleep(COMMIT_DELAY)
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            await self._write(batch)
            self.last_write = self.loop.time()

    async def _write(self, batch: list[Waiter]) -> None:
        """Record ``batch`` and answer its waiters; a failed transaction is split and retried."""
        parts = [batch]
        while parts:
            part = parts.pop()
            ballots = [ballot for ballot, _ in part]
            try:
                taken = await anyio.to_thread.run_sync(do_votes, self.db, ballots)
                outcomes: list[Outcome | Exception] = list(taken)
            except Exception as exc:  # the transaction failed: nothing in it was stored
                if len(part) > 1 and not isinstance(exc, OperationalError | PoolTimeout):
                    half = len(part) // 2
                    parts += [part[half:], part[:half]]  # the first half is tried first
                    continue
                outcomes = [exc] * len(part)
            for (_, done), outcome in zip(part, outcomes, strict=True):
                if done.done():  # the request went away (a taken vote is stored all the same)
                    continue
                if isinstance(outcome, Exception):
                    done.set_exception(outcome)
                else:
                    done.set_result(outcome)


def ballot_of(slug: str, key: str, form: Mapping[str, str]) -> Ballot:
    """The ballot a vote form posts (fields ``tid`` and ``vote``); InvalidInput if ``tid``
    is not a whole number (``check_ballot`` decides the rest)."""
    try:
        tid = int(form.get("tid", ""))
    except ValueError:
        raise InvalidInput("tid: choose a statement to vote on") from None
    return Ballot(slug, key, tid, form.get("vote", ""))


def vote_queue(state: State, db: Database) -> VoteQueue:
    """The queue of the running event loop, kept on the app's ``state``."""
    loop = asyncio.get_running_loop()
    queue: VoteQueue | None = getattr(state, "vote_queue", None)
    if queue is None or queue.loop is not loop:  # a new loop (tests start several)
        queue = VoteQueue(db, loop)
        state.vote_queue = queue
    return queue


class VoteShortcut:
    """ASGI middleware: answer a plain anonymous vote directly (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = None
        if scope["type"] == "http" and scope["method"] == "POST":
            found = VOTE_PATH.fullmatch(scope["path"])
        if found is None:
            await self.app(scope, receive, send)
            return
        body, again = await _read_short(receive)
        if body is None or not await self._answer(scope, found.group(1), body, send):
            await self.app(scope, again, send)

    async def _answer(self, scope: Scope, slug: str, body: bytes, send: Send) -> bool:
        """Take the vote and send 303; False (nothing sent) when the full path must answer."""
        kind, cookie = b"", b""
        for raw, value in scope["headers"]:
            name = raw.lower()
            if name == b"content-type":
                kind = value.split(b";")[0].strip().lower()
            elif name == b"cookie":
                cookie = value
            elif name in (b"hx-request", CSRF_HEADER):
                return False  # htmx wants the next card, and the header token rules: full path
        if kind != FORM:
            return False
        cookies = cookie_parser(cookie.decode("latin-1"))
        if SESSION_COOKIE in cookies:
            return False  # signed in (or a stale session to clear): the full path
        web = scope["app"]
        key: bytes = web.state.secret_key
        visitor = tokens.unsign(key, "visitor", cookies.get(VISITOR_COOKIE))
        if visitor is None:
            return False
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        form = {name: values[0] for name, values in fields.items()}
        if not tokens.same(form.get(CSRF_FIELD), visitor_csrf(key, visitor)):
            return False
        client = scope.get("client")
        address = client[0] if client else "unknown"
        wait = vote_wait(web.state.ratelimiter, f"visitor:{visitor}", address)
        if wait > 0:
            limited = RateLimited("votes", wait)
            await _refuse(scope, send, limited.status_code, limited.detail, limited.headers)
            return True
        try:
            ballot = ballot_of(slug, visitor_participant_key(key, visitor), form)
            await vote_queue(web.state, web.state.gs).vote(ballot)
        except GroundswellError as exc:  # refused, nothing written: say why, as the app would
            await _refuse(scope, send, exc.http_status, exc.message)
            return True
        except Exception:  # the transaction failed: the full path tries once more (503...)
            return False
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", f"/conversations/{slug}".encode()),
                    (b"content-length", b"0"),
                    *RAW_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
        return True


async def _refuse(
    scope: Scope, send: Send, status: int, message: str, headers: Mapping[str, str] | None = None
) -> None:
    """The full application's error page, with the security headers (and ``headers``)."""
    response = error_response(Request(scope), status, message)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.raw_headers.extend(RAW_HEADERS)

    async def nothing() -> Message:  # the request body has been read already
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


async def _read_short(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole body when it is at most SHORT_FORM_BYTES, else None; and a ``receive``
    that gives the full path the request from its start (what was read, then the rest)."""
    chunks: list[Message] = []
    size, more = 0, True
    while more and size <= SHORT_FORM_BYTES:
        message = await receive()
        chunks.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    complete = not more and chunks[-1]["type"] == "http.request" and size <= SHORT_FORM_BYTES
    body = b"".join(m.get("body", b"") for m in chunks) if complete else None
    pending = list(chunks)

    async def again() -> Message:
        return pending.pop(0) if pending else await receive()

    return body, again
