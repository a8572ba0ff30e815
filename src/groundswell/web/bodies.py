"""Request bodies for the middlewares that must read one before the app does.

The session middleware (CSRF token in a form) and the input guard (NUL bytes,
field counts, multipart) each read the whole body, then hand the app a
``receive`` that plays it back, so the route reads it as if nobody had.
"""

from __future__ import annotations

from starlette.types import Message, Receive

MAX_FORM_BYTES = 20 * 1024 * 1024  # the largest body either middleware reads


async def read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when it is over ``MAX_FORM_BYTES``."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replay(body: bytes) -> Receive:
    """A ``receive`` that gives ``body`` once, then a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
