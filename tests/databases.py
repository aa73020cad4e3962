"""Fresh databases for the tests: SQLite in a temporary folder, and PostgreSQL when TRACKER_TEST_PG_URL is set.

``.ci/run`` starts a throw-away PostgreSQL cluster and sets TRACKER_TEST_PG_URL (a database
the user may create databases from); every test gets its own database, dropped afterwards.
Without the variable the PostgreSQL cases skip with a message saying how to run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import tracker.db

PG_ENV = "TRACKER_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]
SKIP_PG = (
    f"PostgreSQL tests skipped: set {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB "
    "(a server where USER may create databases; .ci/run starts one)"
)


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def database(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield the URL of an empty database; every engine ``open_db`` made is disposed at the end."""
    engines: list[Engine] = []
    real = tracker.db.create_engine

    def tracked(*args: object, **kw: object) -> Engine:
        e = real(*args, **kw)  # type: ignore[arg-type]
        engines.append(e)
        return e

    monkeypatch.setattr(tracker.db, "create_engine", tracked)
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        for e in engines:
            e.dispose()
        return
    base = pg_base_url()
    if base is None:
        pytest.skip(SKIP_PG)
    url = make_url(base)
    name = f"tracker_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        for e in engines:
            e.dispose()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
