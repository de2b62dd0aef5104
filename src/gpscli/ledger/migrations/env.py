"""Alembic's entry point for the ledger's migrations. gps runs them itself (``gps db upgrade``, or
when a new ledger is made), always on the connection it opened, never from an alembic.ini."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
