"""Persistence: typed SQLAlchemy 2.0 models, workspace-scoped queries, Alembic migrations."""
