"""Security headers on every response (pages, API, static files and errors).

``Strict-Transport-Security`` is sent only when ``GROUNDSWELL_HSTS_SECONDS`` is
set: once a browser has seen it, it refuses plain HTTP to this host for that
long, so it is for a site served over HTTPS alone (RFC 6797; OWASP HTTP
Strict Transport Security Cheat Sheet). ``Cache-Control: no-store`` on pages
with personal data is set where the session is known (``web.auth``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Self only: every script, style, image and font is served by the app itself
# (scripts/assets.sh vendors the NHS.UK frontend, htmx and Swagger UI).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
RAW_HEADERS = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in HEADERS.items()]


class SecurityHeaders:
    """Pure ASGI middleware, so streaming and static responses get the headers too."""

    def __init__(self, app: ASGIApp, hsts_seconds: int = 0) -> None:
        self.app = app
        self.headers = list(RAW_HEADERS)
        if hsts_seconds > 0:
            value = f"max-age={hsts_seconds}; includeSubDomains"
            self.headers.append((b"strict-transport-security", value.encode("latin-1")))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
