"""The executor interface: how an engine's independent chunks of work get run.

An engine splits its work (for spread: Monte Carlo runs, each with its own
random state) into ``parts`` and hands them to an executor with one ``shared``
payload (the graph arrays). The executor returns ``fn(shared, part, parallel)``
for each part, in order. ``parallel`` tells ``fn`` whether it may use every
core itself (in-process) or must stay on one thread because the executor
already runs parts side by side (Dask workers).

Engines combine the parts exactly (concatenation and integer sums), so every
executor gives identical numbers for the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")


@runtime_checkable
class Executor(Protocol):
    """Runs independent parts of one computation."""

    name: str

    def parts_for(self, items: int) -> int:
        """How many parts to split ``items`` independent units into."""
        ...

    def map_runs(
        self, fn: Callable[[Any, Any, bool], T], shared: Any, parts: Sequence[Any]
    ) -> list[T]:
        """``[fn(shared, part, parallel) for part in parts]``, in order."""
        ...

    def close(self) -> None: ...
