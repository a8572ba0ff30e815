"""Groundswell: grow, run and measure health and care social movements.

The package is layered; each layer imports only the ones below it (the
import-linter contracts in ``pyproject.toml``, run by ``make lint``)::

    web, cli          adapters: render what actions return; no SQL of their own for use cases
    app               the composition root (settings, database, compute)
    actions           use cases: do_* own the transaction and write; reads that are use cases
    store, compute    the database (models, migrations, the graph read) and the executors
    engines           pure maths and rules over arrays (``ENGINES``): no store, web, CLI,
                      SQLAlchemy, FastAPI or Dask; ``kernels`` among them holds every numba
                      kernel, arrays in and arrays out, each with a slow reference test

``ENGINES`` below is the one list of engine packages. ``make lint`` type-checks
them from it, and tests check that the "Engines and kernels stay pure" contract
in ``pyproject.toml`` and the README name exactly these.
"""

__version__ = "0.1.0"

ENGINES: tuple[str, ...] = (
    "kernels",
    "network",
    "spread",
    "seeds",
    "roles",
    "conversations",
    "measures",
    "campaigns",
    "demo",
    "privacy",
    "auth",
    "stories",
    "themes",
)
"""Pure packages under ``groundswell``: maths and rules over arrays and plain values."""
