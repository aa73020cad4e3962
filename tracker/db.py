"""Database: SQLAlchemy 2 models and opening a database (migrated to head by Alembic).

The schema changes only through the migrations in ``migrations/``; ``open_db``
upgrades a database to the newest revision when it is opened. A test compares the
models with the migrations (``alembic check``).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
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
    score: Mapped[float | None] = mapped_column(Float)  # similarity of the things counted, when matched on it


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


try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

DEFAULT_DB = ".tracker/tracker.db"
_PG_LOCK_KEY = 0x7472616B  # "trak": the advisory lock of a writing run


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


def shown_url(url: str) -> str:
    """``url`` as it may be printed: any password masked (also in a URL SQLAlchemy cannot parse)."""
    if _password(url) is None:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def _password(url: str) -> str | None:
    try:
        pw = make_url(url).password
    except (ArgumentError, ValueError):
        m = re.search(r"://[^/@:]*:([^/@]*)@", url)
        pw = m.group(1) if m else None
    return str(pw) if pw else None


_OPENED: list[str] = []  # the URLs open_db was given, newest last: named in database errors


def masked(message: str) -> str:
    """``message`` with the password of every database URL opened so far replaced by ***."""
    for url in _OPENED:
        pw = _password(url)
        if pw and len(pw) > 1:
            message = message.replace(pw, "***")
    return message


_DB_HINTS = (
    (
        ("readonly", "read-only", "read only"),
        "the database is read-only: make it and its folder writable, or pass another --db",
    ),
    (("disk is full", "no space left"), "the disk is full: free some space and run again (nothing was half-stored)"),
    (("not a database", "file is encrypted"), "that file is not a tracker database: pass another --db"),
    (("database is locked",), "another program is writing to the database: wait for it to finish and run again"),
)


def database_error(exc: Exception, url: str | None = None, *, lead: str = "database") -> TrackerError:
    """A one-line error for a failure of the database itself (read-only, full, not a database, …)."""
    url = url or (_OPENED[-1] if _OPENED else default_url())
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(orig).strip()
    first = text.splitlines()[0] if text else type(orig).__name__
    low = first.lower()
    hint = next(
        (h for words, h in _DB_HINTS if any(w in low for w in words)),
        "check the --db URL, that the database server runs and that you may write to it",
    )
    return TrackerError(masked(f"{lead} {shown_url(url)}: {first}; {hint}"))


def _newer_revision(exc: CommandError) -> bool:
    return "Can't locate revision" in str(exc) or "No such revision" in str(exc)


def open_db(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Open (and create) the database at ``url`` and upgrade it to the newest schema.

    Every failure is a one-line ``TrackerError`` naming the URL with its password masked.
    """
    url = url or default_url()
    _OPENED.append(url)
    shown = shown_url(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        why = "the port is not a number" if "int()" in str(exc) else masked(str(exc))
        raise TrackerError(
            f"--db {shown}: not a valid database URL ({why}); "
            "pass e.g. sqlite:///tracker.db or postgresql+psycopg://user@host:5432/name"
        ) from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database.removeprefix("file:").split("?")[0])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TrackerError(f"cannot create the folder for the database {path}: {exc.strerror}") from exc
        if path.is_dir():
            raise TrackerError(f"--db {shown}: {path} is a folder; pass the path of a database file in it")
    try:
        engine = create_engine(url)
    except (ArgumentError, ValueError) as exc:
        raise TrackerError(masked(f"cannot use database URL {shown}: {exc}")) from exc
    except ImportError as exc:
        raise TrackerError(
            masked(f"cannot use database URL {shown}: its driver is not installed ({exc}); install it with pip")
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        try:
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except CommandError as exc:
            if _newer_revision(exc):
                raise TrackerError(
                    f"database {shown} was written by a newer tracker (schema revision unknown to this one); "
                    "upgrade tracker, or pass another --db"
                ) from exc
            raise TrackerError(masked(f"database {shown}: {exc}")) from exc
        except SQLAlchemyError as exc:
            raise database_error(exc, url, lead="cannot open database") from exc
    return engine


class Busy(TrackerError):
    """Another run holds the database."""


@contextmanager
def exclusive(engine: Engine) -> Iterator[None]:
    """Hold the database for one writer (``tracker run``, ``render``, ``match``) until the block ends.

    SQLite: an advisory lock (flock) on ``<database>.lock`` beside the file; PostgreSQL: a session
    advisory lock. Both end with the process, however it ends. A second writer is refused at once
    with a ``Busy`` error instead of racing the first one (other databases are not locked).
    """
    shown = shown_url(engine.url.render_as_string(hide_password=False))
    busy = Busy(
        f"another tracker run, render or match is writing to the database {shown}; wait for it to finish and run again"
    )
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY}).scalar():
                raise busy
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:") or fcntl is None:
        yield
        return
    lock = Path(database.removeprefix("file:").split("?")[0] + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield  # a read-only folder: nothing can be written anyway, and the database says so
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise Busy(f"{busy} (lock: {lock})") from exc
            raise
        yield
    finally:
        os.close(fd)  # releases the lock
