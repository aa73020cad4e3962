"""Database: SQLAlchemy 2 models and opening a database (migrated to head by Alembic).

The schema changes only through the migrations in ``migrations/``; ``open_db``
upgrades a database to the newest revision when it is opened. A test compares the
models with the migrations (``alembic check``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tracker.errors import TrackerError
from tracker.paths import migrations_dir

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(500))
    region: Mapped[str] = mapped_column(String(100), index=True)
    region_level: Mapped[str] = mapped_column(String(20))
    parent_region: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer, index=True)
    date: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    meeting: Mapped[str | None] = mapped_column(String(200))
    speaker: Mapped[str | None] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    ignored: Mapped[list[list[int]]] = mapped_column(JSON)
    extractor_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SectionRow(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ord: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)


class StatementRow(Base):
    __tablename__ = "statements"
    # the row id is the export's and the reviewers' id (s123): never given to another statement, also
    # on SQLite (AUTOINCREMENT), so an id read before a `run --replace` cannot point at another goal
    __table_args__ = (Index("ix_statements_block", "region", "indicator_key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    indicator_id: Mapped[str | None] = mapped_column(String(60))
    indicator_name: Mapped[str] = mapped_column(String(200))
    indicator_key: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    value: Mapped[str | None] = mapped_column(String(40))  # Decimal as text: exact
    value_high: Mapped[str | None] = mapped_column(String(40))
    stretch: Mapped[str | None] = mapped_column(String(40))
    baseline: Mapped[str | None] = mapped_column(String(40))
    unit: Mapped[str | None] = mapped_column(String(20))
    comparator: Mapped[str] = mapped_column(String(8))
    measure: Mapped[str] = mapped_column(String(30))
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    relation: Mapped[str | None] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(60))
    section: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100))
    report_year: Mapped[int] = mapped_column(Integer)


class MatchRow(Base):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_key: Mapped[str] = mapped_column(String(40), index=True)
    outcome_key: Mapped[str] = mapped_column(String(40), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    margin: Mapped[str | None] = mapped_column(String(40))
    flags: Mapped[list[str]] = mapped_column(JSON)
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)


class ReviewRow(Base):
    """One reviewer's decision about one goal: append-only, never updated or deleted.

    ``goal_key`` is the goal statement's content key (not a row id), so re-extraction and
    ``run --replace`` keep the review attached. ``version`` counts the decisions about a goal
    (1, 2, …); the unique constraint on (goal_key, version) is the optimistic lock: of two
    reviewers deciding from the same version, the later one fails instead of being lost.
    ``goal_*`` is a snapshot of the goal, so a review whose statement disappeared can still
    be reported.
    """

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("goal_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # verdict | link | unlink
    before: Mapped[str | None] = mapped_column(String(40))  # status or outcome key before the decision
    after: Mapped[str | None] = mapped_column(String(40))  # new status (None: back to the machine's) or outcome key
    note: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    goal_region: Mapped[str] = mapped_column(String(100))
    goal_year: Mapped[int] = mapped_column(Integer)
    goal_quote: Mapped[str] = mapped_column(Text)


DEFAULT_DB = ".tracker/tracker.db"


def default_url() -> str:
    return f"sqlite:///{DEFAULT_DB}"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def open_db(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Open (and create) the database at ``url`` and upgrade it to the newest schema."""
    url = url or default_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TrackerError(f"cannot create the folder for the database {path}: {exc.strerror}") from exc
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise TrackerError(f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        try:
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            shown = engine.url.render_as_string(hide_password=True)
            raise TrackerError(f"cannot open database {shown}: {str(exc.orig).strip().splitlines()[0]}") from exc
    return engine
