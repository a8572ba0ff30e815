"""Compute executors: where Monte Carlo work runs (in-process or a Dask cluster)."""
