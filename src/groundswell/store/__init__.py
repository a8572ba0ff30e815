"""The database: SQLAlchemy models, Alembic migrations, and the graph read from people and ties."""
