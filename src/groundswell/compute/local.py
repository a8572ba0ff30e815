"""In-process execution: each part runs here, its kernel using numba threads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class LocalExecutor:
    """Run parts one after another in this process; kernels use ``threads`` cores.

    Parameters
    ----------
    threads : numba threads for the kernels; 0 or ``None`` keeps numba's
        default (every core, or ``NUMBA_NUM_THREADS``).
    """

    name = "local"

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or None

    def parts_for(self, items: int) -> int:
        # One part: the kernel already spreads runs over every thread.
        return 1

    def map_runs(
        self, fn: Callable[[Any, Any, bool], T], shared: Any, parts: Sequence[Any]
    ) -> list[T]:
        if self.threads is None:
            return [fn(shared, part, True) for part in parts]
        import numba

        before = numba.get_num_threads()
        # numba.config sets its attributes from the environment at import: no stub names them.
        most = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
        numba.set_num_threads(min(self.threads, most))
        try:
            return [fn(shared, part, True) for part in parts]
        finally:
            numba.set_num_threads(before)

    def close(self) -> None:
        return None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LocalExecutor(threads={self.threads})"
