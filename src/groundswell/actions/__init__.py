"""Named use cases (``do_*``): each owns its transaction, calls engines and commits.

The web app and the CLI call these; nothing else writes to the database.
Actions sit below ``groundswell.app`` in the layers, so they take anything
shaped like an ``App`` (see ``Database``) rather than importing it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy.orm import Session


class Database(Protocol):
    """What an action needs from ``groundswell.app.App``: sessions to write and to read."""

    def transaction(self) -> AbstractContextManager[Session]:
        """One unit of work: all of it is written, or none of it."""
        ...

    def reading(self) -> AbstractContextManager[Session]: ...
