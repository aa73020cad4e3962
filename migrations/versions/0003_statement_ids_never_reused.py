"""statement ids are never reused (SQLite AUTOINCREMENT)

The statement row id is the id the export and the reviewers use (s123). SQLite gave the ids of
deleted rows (a report replaced with `tracker run --replace`) to the next statements, so an id
a reviewer had listed could name another goal. PostgreSQL sequences never reuse ids: nothing
to do there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "statements", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ) as batch:
        batch.alter_column("id", existing_nullable=False)


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
