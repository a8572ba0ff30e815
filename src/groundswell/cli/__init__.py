"""The ``groundswell`` command: one module per top-level command, loaded only when run."""
