"""Dask distributed execution: parts run as tasks on a cluster's workers.

The shared payload (graph arrays) is scattered to every worker once per
payload; each task gets one part (a slice of run states) and runs the
single-threaded kernel, so a worker thread is one core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from groundswell.errors import ConfigError

T = TypeVar("T")


class DaskExecutor:
    """Run parts on a Dask cluster.

    Parameters
    ----------
    client_or_address : a ``distributed.Client``, a scheduler address
        (``tcp://host:8786``) or a ``LocalCluster``. A client this object
        creates is closed by :meth:`close`.
    parts_per_thread : parts per worker thread, for load balance (runs differ
        a lot in size: most cascades die out, a few take off).
    timeout : how long to wait for the scheduler when given an address.
    """

    name = "dask"

    def __init__(
        self, client_or_address: Any, *, parts_per_thread: int = 2, timeout: str = "10s"
    ) -> None:
        from distributed import Client

        self._owns = not isinstance(client_or_address, Client)
        if self._owns:
            try:
                self.client = Client(client_or_address, timeout=timeout)
            except (OSError, TimeoutError) as exc:
                raise ConfigError(
                    f"cannot reach the Dask scheduler at {client_or_address} ({exc}); "
                    "check the address (tcp://host:port) and that the scheduler is running"
                ) from None
        else:
            self.client = client_or_address
        self.parts_per_thread = max(1, int(parts_per_thread))
        self._shared: Any = None
        self._shared_future: Any = None

    def threads(self) -> int:
        info = self.client.scheduler_info()
        threads: int = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        return max(1, threads)

    def parts_for(self, items: int) -> int:
        return max(1, min(items, self.threads() * self.parts_per_thread))

    def map_runs(
        self, fn: Callable[[Any, Any, bool], T], shared: Any, parts: Sequence[Any]
    ) -> list[T]:
        if shared is not self._shared:
            # Keep a reference so the identity check stays valid; scatter once.
            [self._shared_future] = self.client.scatter([shared], broadcast=True, hash=False)
            self._shared = shared
        futures = self.client.map(
            fn, [self._shared_future] * len(parts), list(parts), [False] * len(parts), pure=False
        )
        results: list[T] = self.client.gather(futures)
        return results

    def close(self) -> None:
        self._shared = self._shared_future = None
        if self._owns:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        scheduler = self.client.scheduler
        return f"DaskExecutor({getattr(scheduler, 'address', None)!r})"
