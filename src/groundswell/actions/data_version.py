"""A per-process version of each table, bumped by every statement that writes to it.

Caches of results computed from the database (the roles report) key on the
versions of the tables they read, together with a cheap fingerprint of the
data read in the same session: a write made in this process (any ``do_*``
action, whichever way it writes) changes the key at once, with no schema
change and no list of actions to keep up to date. Writes by another process
are seen through the fingerprint.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, event

_WRITES = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_versions: Counter[str] = Counter()
_lock = threading.Lock()


def _bump(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
    found = _WRITES.match(statement)
    if found:
        with _lock:
            _versions[found.group(1).lower()] += 1


def watch(engine: Engine) -> None:
    """Count the writes made through ``engine`` (idempotent)."""
    if not event.contains(engine, "before_cursor_execute", _bump):
        event.listen(engine, "before_cursor_execute", _bump)


def current(tables: Iterable[str]) -> tuple[int, ...]:
    """The versions of ``tables`` in this process (0 until one is written)."""
    with _lock:
        return tuple(_versions[t] for t in tables)
