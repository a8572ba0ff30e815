"""In-process rate limits: token buckets keyed by (limit name, who), answering 429 with Retry-After.

A bucket holds ``per_minute`` tokens and refills continuously at
``per_minute / 60`` tokens a second (the token-bucket algorithm, e.g. RFC 2697's
committed burst), so short bursts pass and a steady flood is held to the rate.

Votes are counted per voter (the signed-in user or the anonymous visitor)
and per address at ``VOTERS_PER_ADDRESS`` times that. Elsewhere "who" is the
signed-in user when there is one, else the client address
(``request.client.host``; behind a proxy run uvicorn with ``--proxy-headers``
and ``--forwarded-allow-ips`` so that is the visitor, not the proxy). Sign-in
is limited per email and address, and per address at four times that rate.

Every public write has a limit: votes their own, statements, stories, a
storyteller's consent change, campaign days and surveys share "submission".
A survey's type-ahead (its roster search and picks) has "lookup".
Heavy network answers (seeds, spread, roles) are capped by how many run at
once in this process (``heavy_page``): past the cap a visitor gets a 503 "busy"
page with Retry-After at once, instead of waiting on a database connection
until the pool gives out and answers 500.

Buckets live in this process: several server processes each keep their own,
which still bounds a flood to (processes x rate). Password guessing against
one address is also held across processes, in the database: after ten wrong
passwords in a row each try waits (``groundswell.auth.throttle``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from groundswell.settings import Settings

MAX_BUCKETS = 100_000  # oldest buckets are dropped beyond this, bounding memory
# Votes are limited per voter, and per address at this many voters' pace: a ward,
# a library or a whole trust may share one address, and each person there votes.
VOTERS_PER_ADDRESS = 25
# A survey's type-ahead asks once a keystroke or so: a burst of 90 and then 1.5 a
# second lets a person type names into every question, but not script the roster out.
LOOKUPS_PER_MINUTE = 90


@dataclass
class Bucket:
    tokens: float
    updated: float


class RateLimited(HTTPException):
    """HTTP 429 with ``Retry-After`` in whole seconds."""

    def __init__(self, what: str, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            429,
            f"too many {what}; wait {seconds} second{'s' if seconds != 1 else ''} and try again",
            headers={"Retry-After": str(seconds)},
        )
        self.retry_after = seconds


class Busy(HTTPException):
    """HTTP 503 with ``Retry-After``: every slot for heavy answers is taken in this process."""

    def __init__(self, retry_after: int = 5) -> None:
        super().__init__(
            503,
            "the server is busy working out other network answers; "
            f"wait {retry_after} seconds and try again",
            headers={"Retry-After": str(retry_after)},
        )


class RateLimiter:
    """Token buckets by key; ``clock`` is injectable (seconds, monotonic) for tests."""

    def __init__(
        self, limits: dict[str, int], clock: Callable[[], float] = time.monotonic,
        heavy_at_once: int = 4,
    ) -> None:  # fmt: skip
        self.limits = dict(limits)
        self.clock = clock
        self._buckets: OrderedDict[tuple[str, str], Bucket] = OrderedDict()
        self._lock = threading.Lock()
        self.heavy = threading.BoundedSemaphore(heavy_at_once)

    @classmethod
    def from_settings(
        cls, settings: Settings, clock: Callable[[], float] = time.monotonic
    ) -> RateLimiter:
        per_minute = settings.sign_in_per_minute
        limits = {
            "sign_in": per_minute,
            "sign_in_address": 4 * per_minute,
            "vote": settings.votes_per_minute,
            "vote_address": VOTERS_PER_ADDRESS * settings.votes_per_minute,
            "submission": settings.submissions_per_minute,
            "lookup": LOOKUPS_PER_MINUTE,
        }
        return cls(limits, clock, settings.heavy_pages_at_once)

    def hit(self, name: str, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is free."""
        per_minute = self.limits[name]
        rate = per_minute / 60.0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop((name, key), None)
            if bucket is None:
                bucket = Bucket(tokens=float(per_minute), updated=now)
            bucket.tokens = min(per_minute, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            self._buckets[(name, key)] = bucket
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate

    def check(self, name: str, key: str, what: str) -> None:
        wait = self.hit(name, key)
        if wait > 0:
            raise RateLimited(what, wait)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def who(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return f"user:{principal.user_id}" if principal is not None else client_address(request)


def limiter(request: Request) -> RateLimiter:
    found: RateLimiter = request.app.state.ratelimiter
    return found


_WHAT = {
    "vote": "votes",
    "submission": "submissions",
    "sign_in": "sign-in attempts",
    "lookup": "name searches",
}


def rate_limit(name: str) -> Any:
    """A dependency: ``dependencies=[rate_limit("vote")]`` on a route."""

    def check(request: Request) -> None:
        limiter(request).check(name, who(request), _WHAT.get(name, "requests"))

    return Depends(check)


def _heavy_slot(request: Request) -> Iterator[None]:
    gate = limiter(request).heavy
    if not gate.acquire(blocking=False):
        raise Busy()
    try:
        yield
    finally:
        gate.release()


def heavy_page() -> Any:
    """A dependency: at most ``heavy_pages_at_once`` of these pages at once, else 503."""
    return Depends(_heavy_slot)


def vote_wait(rl: RateLimiter, voter: str, address: str) -> float:
    """Seconds until ``voter`` (a user or anonymous visitor) may vote from ``address``; 0: now."""
    wait = rl.hit("vote", voter)
    return wait if wait > 0 else rl.hit("vote_address", address)


def check_vote(request: Request, voter: str) -> None:
    """Raise ``RateLimited`` when this voter, or their address as a whole, votes too fast."""
    wait = vote_wait(limiter(request), voter, client_address(request))
    if wait > 0:
        raise RateLimited("votes", wait)


def check_sign_in(request: Request, email: str) -> None:
    """Sign-in attempts: per email and address, and per address (raises ``RateLimited``)."""
    address = client_address(request)
    rl = limiter(request)
    rl.check("sign_in_address", address, "sign-in attempts")
    rl.check("sign_in", f"{email.strip().lower()}|{address}", "sign-in attempts")
