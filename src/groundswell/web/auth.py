"""Sessions, CSRF and the current user, over HTTP. Rules live in ``groundswell.auth.permissions``.

Sessions
    Signing in stores a session row (the SHA-256 of a 256-bit random token) and
    sets cookie ``gs_session`` to the token: HttpOnly, SameSite=Lax, Secure
    (unless ``GROUNDSWELL_COOKIE_SECURE=false`` for local HTTP), Max-Age the
    absolute lifetime. Each request loads it; past the idle timeout or the
    absolute lifetime it is deleted and the cookie cleared.

Anonymous visitors
    Get cookie ``gs_visitor`` (a random id, HMAC-signed) the first time a page
    needs it: for the CSRF token of a form, or for ``participant_key``, the
    stable pseudonym under which they take part in conversations without an
    account.

CSRF
    Every POST, PUT, PATCH and DELETE must carry the token in form field
    ``csrf_token`` or header ``X-CSRF-Token``, or gets 403. Signed in, the token
    is the session's own (synchronizer token); anonymous, it is derived from
    the signed visitor id. Templates call ``csrf_token(request)``; ``base.html``
    puts it in a meta tag and in ``hx-headers`` so htmx sends the header. The
    JSON API (``/api/``) takes writes only from a signed-in session with the
    header: anonymous writes answer 401.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from groundswell.actions.accounts import do_load_session
from groundswell.app import App
from groundswell.auth import tokens
from groundswell.auth.permissions import Action, Principal, SignInRequired, require
from groundswell.store.models import utcnow
from groundswell.web.bodies import read_body, replay
from groundswell.web.errors import error_response, wants_json
from groundswell.web.ratelimit import RateLimiter

log = logging.getLogger("groundswell.web")

SESSION_COOKIE = "gs_session"
VISITOR_COOKIE = "gs_visitor"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
VISITOR_MAX_AGE = 365 * 24 * 3600
CSRF_FAILED = (
    "the form was out of date or did not come from this site; "
    "go back, reload the page and try again"
)


@dataclass
class AuthState:
    """What the middleware learned about a request, kept in ``request.state.auth``."""

    key: bytes
    principal: Principal | None = None
    session_csrf: str | None = None
    visitor_id: str | None = None
    new_visitor: bool = False
    clear_session: bool = False

    def visitor(self) -> str:
        if self.visitor_id is None:
            self.visitor_id = secrets.token_urlsafe(18)
            self.new_visitor = True
        return self.visitor_id

    def expected_csrf(self) -> str | None:
        if self.principal is not None:
            return self.session_csrf
        if self.visitor_id is None:
            return None
        return visitor_csrf(self.key, self.visitor_id)


# RFC 8058 one-click unsubscribe: a mail provider POSTs with no cookie and no CSRF
# token; the signed token in the path is the permission (web.routes.notifications).
ONE_CLICK_PREFIX = "/unsubscribe/"


def visitor_csrf(key: bytes, visitor_id: str) -> str:
    """The CSRF token of an anonymous visitor's forms."""
    return tokens.derive(key, "csrf", visitor_id)


def visitor_participant_key(key: bytes, visitor_id: str) -> str:
    """The pseudonym an anonymous visitor takes part under (see ``participant_key``)."""
    return tokens.derive(key, "participant", f"visitor:{visitor_id}")[:22]


def secret_key(gs: App) -> bytes:
    """The signing key: the setting, else ``secret.key`` in data_dir (made once, mode 0600).

    An in-memory database gets a key for this process only: nothing outlives it anyway.
    """
    if gs.settings.secret_key:
        return gs.settings.secret_key.encode("utf-8")
    if gs.is_sqlite and gs.engine.url.database in (None, "", ":memory:"):
        return secrets.token_bytes(32)
    path = gs.settings.data_dir / tokens.SECRET_FILE_NAME
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text().strip().encode("utf-8")
    except OSError as exc:
        log.warning("cannot keep a secret key in %s (%s); sessions end on restart", path, exc)
        return secrets.token_bytes(32)


def cookie_header(
    name: str, value: str, *, max_age: int, secure: bool, http_only: bool = True
) -> tuple[bytes, bytes]:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    return b"set-cookie", "; ".join(parts).encode("latin-1")


async def _submitted_token(scope: Scope, body: bytes) -> str | None:
    header: str | None = None
    kind = ""
    for raw, value in scope["headers"]:  # one pass over the raw headers
        name = raw.lower()
        if name == CSRF_HEADER:
            header = value.decode("latin-1")
        elif name == b"content-type":
            kind = value.decode("latin-1").split(";")[0].strip().lower()
    if header:
        return header
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD)
        return values[0] if values else None
    if kind == "multipart/form-data":
        form = await Request(scope, replay(body)).form()
        try:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


class AuthMiddleware:
    """Load the session, check CSRF on unsafe methods, and set or clear cookies on the way out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        web = scope["app"]
        gs: App = web.state.gs
        settings = gs.settings
        state = AuthState(key=web.state.secret_key)
        scope.setdefault("state", {})
        scope["state"]["auth"] = state
        request = Request(scope)
        state.visitor_id = tokens.unsign(state.key, "visitor", request.cookies.get(VISITOR_COOKIE))
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            active = await anyio.to_thread.run_sync(
                lambda: do_load_session(
                    gs, token, now=web.state.clock(),
                    idle=timedelta(minutes=settings.session_idle_minutes),
                    lifetime=timedelta(hours=settings.session_max_hours),
                )
            )  # fmt: skip
            if active is None:
                state.clear_session = True
            else:
                state.principal, state.session_csrf = active.principal, active.csrf_token
        scope["state"]["principal"] = state.principal

        # Whatever a signed-in user sees may name people or their own account:
        # no browser or proxy may keep a copy (OWASP Session Management Cheat
        # Sheet, "Web content caching"). Checked per response, so it holds for
        # every page, API answer, download and error, present and future.
        personal = token is not None or state.principal is not None

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if personal or request_is_private(scope):
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    headers.append((b"cache-control", NO_STORE))
                already = b"".join(v for n, v in headers if n.lower() == b"set-cookie")
                if state.new_visitor and state.visitor_id:
                    value = tokens.sign(state.key, "visitor", state.visitor_id)
                    headers.append(
                        cookie_header(VISITOR_COOKIE, value, max_age=VISITOR_MAX_AGE,
                                      secure=settings.cookie_secure)
                    )  # fmt: skip
                if state.clear_session and f"{SESSION_COOKIE}=".encode() not in already:
                    headers.append(
                        cookie_header(SESSION_COOKIE, "", max_age=0, secure=settings.cookie_secure)
                    )
                message["headers"] = headers
            await send(message)

        if scope["method"] in UNSAFE:
            body = await read_body(receive)
            if body is None:
                response = error_response(request, 413, "the form is too large")
                await response(scope, receive, send_with_cookies)
                return
            problem = await self._csrf_problem(scope, body, state)
            if problem is not None:
                await problem(scope, receive, send_with_cookies)
                return
            receive = replay(body)
        await self.app(scope, receive, send_with_cookies)

    async def _csrf_problem(self, scope: Scope, body: bytes, state: AuthState) -> Response | None:
        request = Request(scope, replay(body))
        if scope["path"].startswith("/api/") and state.principal is None:
            return error_response(
                request, 401, "sign in first: API writes need a session and the X-CSRF-Token header"
            )
        if scope["path"].startswith(ONE_CLICK_PREFIX):
            return None
        submitted = await _submitted_token(scope, body)
        if tokens.same(submitted, state.expected_csrf()):
            return None
        log.info("CSRF check failed on %s %s", scope["method"], scope["path"])
        return error_response(request, 403, CSRF_FAILED)


NO_STORE = b"no-store"
# Pages with personal data that anonymous visitors reach too: a storyteller's
# own page (their story, by its secret link), and an RSVP's private link.
PRIVATE_PATHS = re.compile(r"^/stories/\d+/yours$|^/events/[a-z0-9-]+/rsvp/[^/]+$")


def request_is_private(scope: Scope) -> bool:
    return bool(PRIVATE_PATHS.match(scope["path"]))


def auth_state(request: Request) -> AuthState | None:
    return getattr(request.state, "auth", None)


def csrf_token(request: Request) -> str:
    """The token a form on this page must send back (sets the visitor cookie if needed)."""
    state = auth_state(request)
    if state is None:
        return ""
    if state.principal is not None:
        return state.session_csrf or ""
    return visitor_csrf(state.key, state.visitor())


def get_principal(request: Request) -> Principal | None:
    state = auth_state(request)
    return state.principal if state is not None else None


def participant_key(request: Request) -> str:
    """A stable pseudonym for taking part without an account (from the signed visitor cookie).

    Signed-in users get one derived from their account instead, so it follows
    them across browsers. It never reveals the cookie or the account.
    """
    state = auth_state(request)
    if state is None:
        raise RuntimeError("AuthMiddleware is not installed")
    if state.principal is not None:
        return tokens.account_participant_key(state.key, state.principal.user_id)
    return visitor_participant_key(state.key, state.visitor())


def voter_of(request: Request) -> str:
    """Who a vote counts against for rate limits: the account, else the anonymous visitor."""
    state = auth_state(request)
    if state is None:
        raise RuntimeError("AuthMiddleware is not installed")
    if state.principal is not None:
        return f"user:{state.principal.user_id}"
    return f"visitor:{state.visitor()}"


def allowed(action: Action) -> Callable[[Request], Principal | None]:
    """A dependency that answers 401/403 unless the current user may do ``action``."""

    def check(request: Request) -> Principal | None:
        principal = get_principal(request)
        require(principal, action)
        return principal

    return check


def _signed_in(request: Request) -> Principal:
    principal = get_principal(request)
    require(principal, Action.VIEW_ACCOUNT)
    assert principal is not None
    return principal


CurrentUser = Annotated[Principal | None, Depends(get_principal)]
SignedInUser = Annotated[Principal, Depends(_signed_in)]
ParticipantKey = Annotated[str, Depends(participant_key)]


def safe_next(target: str | None, default: str = "/account") -> str:
    """Only a path on this site: never '//other.example' or an absolute URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    if not wants_json(request) and request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target, safe='/')}", status_code=303)
    return error_response(request, 401, exc.message)


def install(web: FastAPI, *, clock: Callable[..., Any] = utcnow) -> None:
    """Add sessions, CSRF, rate limits and their template helpers to the app."""
    gs: App = web.state.gs
    web.state.secret_key = secret_key(gs)
    web.state.clock = clock
    web.state.ratelimiter = RateLimiter.from_settings(gs.settings)
    web.state.templates.env.globals.update(csrf_token=csrf_token, current_user=get_principal)
    web.add_exception_handler(SignInRequired, _sign_in_required)
    web.add_middleware(AuthMiddleware)
