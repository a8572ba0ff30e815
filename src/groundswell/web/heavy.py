"""Heavy answers (seeds, spread, roles, conversation analyses) worked out off the request path.

A page that needs one asks ``answer(request, key, work)``. The work runs on a
small pool of threads in this process; if it is done within ``INLINE_SECONDS``
(set by ``groundswell serve``: ``app.state.heavy_inline_seconds``) the page is
answered as before, otherwise at once with a "working it out" page (202) that
htmx polls and that, without JavaScript, has a refresh link.
When the answer is ready the poll asks the browser to reload (``HX-Refresh``)
and the page is served from the cache.

Identical requests share one job: the key names the question, who asks (the
answer shows only the people they may see) and the state of the data it
reads, so 45 visitors asking the same thing start one computation, and a
result stays cached for ``ttl`` seconds or until the data changes. A visitor
without an account may start ``GROUNDSWELL_HEAVY_PER_MINUTE`` new
computations a minute from one address; answers already cached or running
cost nothing. Past ``QUEUE_PER_WORKER`` waiting jobs per thread the page
answers 503 "busy" instead of queueing without end.

Why threads in the server rather than the outbox's job table: the answers
are large in-memory objects (graphs, arrays, charts) rendered per viewer and
wanted within seconds by the person waiting; the table is for work that must
survive a restart and runs in ``groundswell worker``, which the embedded
default does not need to be running. The cost: each server process keeps
its own jobs and cache, so with several processes an identical question may
be worked out once per process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from groundswell.web.ratelimit import Busy, RateLimiter, client_address

__all__ = ["HeavyWork", "Job", "answer", "data_version", "heavy_work", "job_key", "shared_key"]

T = TypeVar("T")
INLINE_SECONDS = 1.0  # answers ready sooner than this are shown at once, as before
QUEUE_PER_WORKER = 8
KEEP = 64  # cached answers at most (least recently used go first)


@dataclass
class Job:
    """One computation: its future, when it was asked for, and when it started and ended."""

    key: str
    future: Future[Any]
    asked: float
    ttl: float
    started: float | None = None
    finished: float | None = None
    delivered: bool = field(default=False)  # its answer has been shown to someone

    def expired(self, now: float) -> bool:
        return self.finished is not None and now - self.finished > self.ttl

    def failed(self) -> bool:
        return self.future.done() and self.future.exception() is not None


class HeavyWork:
    """A bounded thread pool with one shared future per key and a cache of finished ones."""

    def __init__(
        self, *, workers: int, anonymous_per_minute: int,
        clock: Callable[[], float] = time.monotonic, inline_seconds: float | None = None,
    ) -> None:  # fmt: skip
        self.workers = workers
        self.inline_seconds = inline_seconds
        self.clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="heavy")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._limits = RateLimiter({"heavy": anonymous_per_minute}, clock)

    def pending(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.finished is None)

    def job(self, key: str) -> Job | None:
        with self._lock:
            found = self._jobs.get(key)
            if found is None or found.expired(self.clock()):
                return None
            self._jobs.move_to_end(key)
            return found

    def submit(
        self, key: str, work: Callable[[], Any], *, ttl: float, address: str | None,
        retry: bool = True,
    ) -> tuple[Job, bool]:  # fmt: skip
        """The job for ``key``, started if there is none; (job, whether this call started it).

        A job that failed is started again (``retry``): an error is shown once, not
        kept, since what caused it (no consenting people yet) may change at any time.

        ``address`` is an anonymous visitor's: starting a new job costs them one of
        their per-minute allowance (``RateLimited`` past it). Signed-in people pass None.
        """
        with self._lock:
            now = self.clock()
            found = self._jobs.get(key)
            if found is not None and not found.expired(now) and not (retry and found.failed()):
                self._jobs.move_to_end(key)
                return found, False
            running = sum(1 for j in self._jobs.values() if j.finished is None)
            if running >= self.workers * QUEUE_PER_WORKER:
                raise Busy()
            if address is not None:
                self._limits.check("heavy", address, "heavy answers")
            job = Job(key=key, future=Future(), asked=now, ttl=ttl)
            self._jobs[key] = job
            self._trim(now)
        self._pool.submit(self._run, job, work)
        return job, True

    def _run(self, job: Job, work: Callable[[], Any]) -> None:
        job.started = self.clock()
        try:
            result = work()
        except BaseException as exc:  # handed to whoever asks (and started again after)
            job.finished = self.clock()
            job.future.set_exception(exc)
            return
        job.finished = self.clock()
        job.future.set_result(result)

    def _trim(self, now: float) -> None:
        for key in [k for k, j in self._jobs.items() if j.expired(now)]:
            del self._jobs[key]
        finished = [k for k, j in self._jobs.items() if j.finished is not None]
        while len(self._jobs) > KEEP and finished:
            del self._jobs[finished.pop(0)]

    def ahead_of(self, job: Job) -> int:
        """How many jobs must start before ``job`` can (0 once it runs or a thread is free)."""
        if job.started is not None:
            return 0
        with self._lock:
            earlier = sum(
                1 for j in self._jobs.values()
                if j.started is None and j.finished is None and j.asked < job.asked
            )  # fmt: skip
            running = sum(1 for j in self._jobs.values() if j.started and j.finished is None)
        return earlier + max(running - self.workers + 1, 0)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_CREATE = threading.Lock()


def heavy_work(request: Request) -> HeavyWork:
    """This app's pool, made on first use from its settings."""
    state = request.app.state
    with _CREATE:
        found = getattr(state, "heavy_work", None)
        if found is None:
            settings = state.gs.settings
            found = HeavyWork(
                workers=settings.heavy_pages_at_once,
                anonymous_per_minute=getattr(settings, "heavy_per_minute", 6),
                inline_seconds=getattr(state, "heavy_inline_seconds", None),
            )
            state.heavy_work = found
        return found


def data_version(gs: Any, *models: Any) -> tuple[int, ...]:
    """What changes when the data an answer reads does, so a cached answer is never one
    from before it: this process's version of each table (``actions.data_version``,
    bumped by every write, a changed consent too) and, for writes by other processes,
    how many rows each has and its newest id."""
    from sqlalchemy import func, select

    from groundswell.actions import data_version as versions

    with gs.reading() as session:
        counted = tuple(
            int(x or 0)
            for model in models
            for x in session.execute(select(func.count(), func.max(model.id))).one()
        )
    return versions.current(m.__tablename__ for m in models) + counted


def shared_key(*parts: Hashable) -> str:
    """A key for work whose answer is the same for every viewer and every page of it
    (the page then picks what the viewer may see): one computation for all of them."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def job_key(request: Request, *parts: Hashable) -> str:
    """A short stable key: the page, its query, who asks and what the caller adds."""
    principal = getattr(request.state, "principal", None)
    viewer = f"user:{principal.user_id}" if principal is not None else "anonymous"
    query = sorted(request.query_params.multi_items())
    text = repr((request.url.path, query, viewer, parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def answer(
    request: Request, key: str, work: Callable[[], T], *, ttl: float = 600.0,
    title: str = "Working it out", limited: bool = True,
    reused: Callable[[T], None] | None = None,
) -> T | Response:  # fmt: skip
    """``work()``'s result for ``key``, or a response to send instead while it is worked out.

    Call from a synchronous route (it may wait up to ``INLINE_SECONDS``). The
    work's own exception (such as ``InvalidInput``) is raised here, for the
    route to show as it always has. ``limited``: a new job costs an anonymous
    visitor one of their per-minute allowance. ``reused`` is called with an
    answer this request did not work out itself (shared or cached), for what
    each viewing must do again, such as auditing a read of people's names.
    """
    pool = heavy_work(request)
    anonymous = limited and getattr(request.state, "principal", None) is None
    polled = request.headers.get("hx-target") == "heavy-progress"
    job, started = pool.submit(
        key, work, ttl=ttl, address=client_address(request) if anonymous else None,
        retry=not polled,  # a poll only asks whether it is done, error or not
    )  # fmt: skip
    # Only the request that started the job waits: the others have a page at once.
    # An app that does not say how long to wait (one built by create_app outside
    # ``groundswell serve``: tests, embedding) answers in the request, as before.
    inline = pool.inline_seconds
    try:
        job.future.exception(timeout=None if inline is None else inline if started else 0.0)
    except FutureTimeout:
        return _working(request, pool, job, title)
    if polled:
        # A poll from the working page: reload it, now that the answer (or error) is ready.
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    result: T = job.future.result()
    # The job's own work covers the first showing of its answer; later ones are redone.
    if reused is not None and job.delivered:
        reused(result)
    job.delivered = True
    return result


def _render(request: Request, template: str, status: int, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    page = {"current_path": request.url.path, **context}
    response: HTMLResponse = templates.TemplateResponse(request, template, page, status_code=status)
    return response


def _working(request: Request, pool: HeavyWork, job: Job, title: str) -> HTMLResponse:
    now = pool.clock()
    url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    template = (
        "partials/heavy_progress.html"
        if request.headers.get("hx-request")
        else "heavy_working.html"
    )
    response = _render(
        request, template, 202, title=title, url=url, ahead=pool.ahead_of(job),
        running=job.started is not None, seconds=int(now - job.asked),
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["Retry-After"] = "1"
    return response
