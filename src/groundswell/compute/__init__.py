"""Compute executors: where an engine's independent chunks of work run.

``LocalExecutor`` (default) runs in this process on numba threads;
``DaskExecutor`` runs on a Dask distributed cluster. Both give identical
numbers for the same seed.

>>> from groundswell.compute import executor_for
>>> executor_for(None)
LocalExecutor(threads=None)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from groundswell.compute.base import Executor
from groundswell.compute.local import LocalExecutor

if TYPE_CHECKING:
    from groundswell.compute.remote import DaskExecutor


def __getattr__(name: str) -> Any:
    # Dask is imported only when a Dask executor is asked for (it is slow to import).
    if name == "DaskExecutor":
        from groundswell.compute.remote import DaskExecutor

        return DaskExecutor
    raise AttributeError(name)


def executor_for(settings_or_address: Any = None) -> Executor:
    """The executor for ``settings`` (its ``scheduler`` and ``threads``) or an address.

    ``None`` or settings without a scheduler give a :class:`LocalExecutor`; a
    scheduler address (a string, or ``settings.scheduler``) gives a
    :class:`DaskExecutor` connected to it.
    """
    if settings_or_address is None:
        return LocalExecutor()
    if isinstance(settings_or_address, str):
        from groundswell.compute.remote import DaskExecutor

        return DaskExecutor(settings_or_address)
    scheduler = getattr(settings_or_address, "scheduler", None)
    if scheduler:
        from groundswell.compute.remote import DaskExecutor

        return DaskExecutor(scheduler)
    return LocalExecutor(threads=getattr(settings_or_address, "threads", 0) or None)


__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "executor_for"]
