"""Group commit for votes: concurrent requests share one transaction.

Each vote request puts its ballot in the queue of this server process and
waits. One writer at a time takes everything queued, records it with
``do_votes`` (one transaction, in a worker thread) and answers every waiter.
When the server is quiet a batch holds one vote and is written at once; under
load, the votes that arrive while a batch is being written form the next one,
so the batch grows with the load and no time is spent waiting for it to fill
(group commit, as database logs do it: Gray & Reuter, *Transaction
Processing*, 1993, sec. 9.4.7). A request is answered only after the
transaction holding its vote has committed, so an acknowledged vote is stored.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import anyio
from starlette.datastructures import State

from groundswell.actions import Database
from groundswell.actions.votes import Ballot, do_votes
from groundswell.errors import GroundswellError

MAX_BATCH = 1000  # ballots per transaction: bounds one commit's size and latency


@dataclass
class VoteQueue:
    """The ballots waiting in one server process, and the writer that drains them."""

    db: Database
    loop: asyncio.AbstractEventLoop
    waiting: list[tuple[Ballot, asyncio.Future[int]]] = field(default_factory=list)
    writing: bool = False
    writer: asyncio.Task[None] | None = None  # held: the loop keeps only a weak reference

    async def vote(self, ballot: Ballot) -> int:
        """Record ``ballot`` with whatever else is queued; the voter's pid once committed."""
        done: asyncio.Future[int] = self.loop.create_future()
        self.waiting.append((ballot, done))
        if not self.writing:
            self.writing = True
            self.writer = self.loop.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                ballots = [ballot for ballot, _ in batch]
                try:
                    outcomes = await anyio.to_thread.run_sync(do_votes, self.db, ballots)
                except Exception as exc:  # the transaction failed: nothing in it was stored
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                for (_, done), outcome in zip(batch, outcomes, strict=True):
                    if done.done():  # the request went away; its vote is stored all the same
                        continue
                    if isinstance(outcome, GroundswellError):
                        done.set_exception(outcome)
                    else:
                        done.set_result(outcome)
        finally:
            self.writing = False


def vote_queue(state: State, db: Database) -> VoteQueue:
    """The queue of the running event loop, kept on the app's ``state``."""
    loop = asyncio.get_running_loop()
    queue: VoteQueue | None = getattr(state, "vote_queue", None)
    if queue is None or queue.loop is not loop:  # a new loop (tests start several)
        queue = VoteQueue(db, loop)
        state.vote_queue = queue
    return queue
