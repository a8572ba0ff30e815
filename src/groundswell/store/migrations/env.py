"""Alembic environment: uses the engine handed over by groundswell.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from groundswell.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("migrations need an engine or sqlalchemy.url in the Alembic config")
    engine = create_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copy-and-move
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
