"""The PostgreSQL set-up itself: a real server is used when TRACKER_TEST_PG_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.conftest import SAMPLE
from tests.databases import database, pg_base_url
from tracker import store
from tracker.db import Base, alembic_config, open_db
from tracker.errors import TrackerError
from tracker.pipeline import ingest_paths, match_all


@pytest.fixture
def pg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from database("postgresql", tmp_path, monkeypatch)


def test_migrations_run_on_postgresql(pg: str) -> None:
    engine = open_db(pg)
    assert engine.dialect.name == "postgresql"
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as c:
        # the newest migration in migrations/versions/
        head = ScriptDirectory.from_config(alembic_config(pg)).get_current_head()
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head


def test_pipeline_stores_reports_on_postgresql(pg: str) -> None:
    """Every column fits PostgreSQL's length limits (SQLite does not check them)."""
    engine = open_db(pg)
    res = ingest_paths(engine, SAMPLE)
    assert not res.failed and len(res.added) == 3
    assert match_all(engine) > 0
    rows = store.statements(engine)
    assert len(rows) == res.statements
    assert all(st.quote for _, _, st in rows)


def test_unreachable_server_is_one_line_error() -> None:
    base = pg_base_url() or "postgresql+psycopg://nobody@127.0.0.1:9/none"
    from sqlalchemy.engine import make_url

    bad = make_url(base).set(port=9).render_as_string(hide_password=False)
    with pytest.raises(TrackerError) as exc:
        open_db(bad)
    assert "cannot open database" in str(exc.value)
