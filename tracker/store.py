"""Repository: every query in one place; functions take and return pydantic models."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tracker.db import DocumentRow, MatchRow, ReviewRow, SectionRow, StatementRow
from tracker.errors import TrackerError
from tracker.models import (
    Document,
    IndicatorRef,
    Match,
    Period,
    Region,
    Section,
    Span,
    Statement,
)

T = TypeVar("T")
EXTRACTOR_VERSION = "1"
_DOCS = cast(Table, DocumentRow.__table__)
_SECTIONS = cast(Table, SectionRow.__table__)
_STATEMENTS = cast(Table, StatementRow.__table__)


def _d(v: Decimal | None) -> str | None:
    return None if v is None else f"{v:f}"


def _D(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def document_by_sha(engine: Engine, *, sha256: str) -> int | None:
    with Session(engine) as s:
        return s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha256))


def document_shas(engine: Engine) -> set[str]:
    """The sha256 of every stored document text (one query: a run checks files against it before parsing)."""
    with Session(engine) as s:
        return set(s.scalars(select(DocumentRow.sha256)))


def documents_digest(engine: Engine) -> str:
    """A digest of which documents are stored, under which ids."""
    h = hashlib.sha256()
    with Session(engine) as s:
        for i, sha in s.execute(select(DocumentRow.id, DocumentRow.sha256).order_by(DocumentRow.id)):
            h.update(f"{i}:{sha}\n".encode())
    return h.hexdigest()


def matches_digest(engine: Engine) -> str:
    """A digest of the stored matches and verdicts."""
    h = hashlib.sha256()
    cols = (MatchRow.goal_key, MatchRow.outcome_key, MatchRow.verdict, MatchRow.margin, MatchRow.flags)
    with Session(engine) as s:
        for row in s.execute(select(*cols).order_by(MatchRow.id)):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def reviews_digest(engine: Engine) -> str:
    """A digest of the reviewers' decisions (their count, the last id and every row's goal, version and
    outcome): the site shows the reviewed verdicts, so a new decision must re-render it."""
    h = hashlib.sha256()
    cols = (ReviewRow.id, ReviewRow.goal_key, ReviewRow.version, ReviewRow.action, ReviewRow.after)
    n = last = 0
    with Session(engine) as s:
        for row in s.execute(select(*cols).order_by(ReviewRow.id)):
            n, last = n + 1, row[0]
            h.update(repr(tuple(row)).encode())
    return f"{n}:{last}:{h.hexdigest()}"


def count_matches(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(MatchRow)) or 0


def document_for(engine: Engine, *, region: str, year: int) -> tuple[int, str, str] | None:
    """(id, source, sha256) of the stored report for that region and year, if any."""
    with Session(engine) as s:
        row = s.execute(
            select(DocumentRow.id, DocumentRow.source, DocumentRow.sha256).where(
                DocumentRow.region == region, DocumentRow.year == year
            )
        ).first()
        return (row[0], row[1], row[2]) if row else None


def delete_document(engine: Engine, *, doc_id: int) -> None:
    with Session(engine) as s, s.begin():
        s.execute(delete(StatementRow).where(StatementRow.document_id == doc_id))
        s.execute(delete(SectionRow).where(SectionRow.document_id == doc_id))
        s.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))


@dataclass
class Prepared:
    """A parsed report as plain row values, ready to insert (cheap to send between processes)."""

    region: str
    year: int
    sha256: str
    document: dict[str, Any]
    sections: list[dict[str, Any]]
    statements: list[dict[str, Any]]


def prepare(doc: Document, sections: list[Section], statements: list[Statement]) -> Prepared:
    return Prepared(
        region=doc.region.name,
        year=doc.year,
        sha256=doc.sha256,
        document=dict(
            sha256=doc.sha256,
            source=doc.source,
            region=doc.region.name,
            region_level=doc.region.level,
            parent_region=doc.region.parent,
            year=doc.year,
            date=doc.date,
            title=doc.title,
            meeting=doc.meeting,
            speaker=doc.speaker,
            text=doc.text,
            ignored=[[sp.start, sp.end] for sp in doc.ignored],
            extractor_version=EXTRACTOR_VERSION,
        ),
        sections=[
            dict(
                ord=i,
                heading=sec.heading[:200],
                level=sec.level,
                start=sec.start,
                end=sec.end,
                role=sec.role,
                period_start=sec.period.start if sec.period else None,
                period_end=sec.period.end if sec.period else None,
            )
            for i, sec in enumerate(sections)
        ],
        statements=[_statement_values(None, st) for st in statements],
    )


def save_document(
    engine: Engine,
    *,
    doc: Document,
    sections: list[Section],
    statements: list[Statement],
    replace_id: int | None = None,
) -> int:
    """Store a document with its sections and statements in one transaction.

    ``replace_id``: a stored document deleted in the same transaction (a report replaced by a new text).
    """
    return save_prepared(engine, prepare(doc, sections, statements), replace_id=replace_id)


def save_prepared(engine: Engine, p: Prepared, *, replace_id: int | None = None) -> int:
    """Store a prepared document in one transaction (Core bulk inserts: one executemany per table)."""
    with Session(engine) as s, s.begin():
        conn = s.connection()
        if replace_id is not None:
            conn.execute(delete(StatementRow).where(StatementRow.document_id == replace_id))
            conn.execute(delete(SectionRow).where(SectionRow.document_id == replace_id))
            conn.execute(delete(DocumentRow).where(DocumentRow.id == replace_id))
        key = conn.execute(insert(_DOCS).values(**p.document)).inserted_primary_key
        assert key is not None
        doc_id = key[0]
        _bulk_insert(conn, _SECTIONS, p.sections, doc_id)
        _bulk_insert(conn, _STATEMENTS, p.statements, doc_id)
        return int(doc_id)


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]], doc_id: int) -> None:
    """Insert rows of one document: on SQLite straight to the driver's executemany (the hot path of a run)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [{**r, "document_id": doc_id} for r in rows])
        return
    cols = [c for c in rows[0] if c != "document_id"]
    q = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in [*cols, 'document_id'])}) "
        f"VALUES ({', '.join('?' * (len(cols) + 1))})"
    )
    conn.exec_driver_sql(sql, [(*(r[c] for c in cols), doc_id) for r in rows])


def _statement_row(doc_id: int, st: Statement) -> StatementRow:
    return StatementRow(**_statement_values(doc_id, st))


def _statement_values(doc_id: int | None, st: Statement) -> dict[str, Any]:
    return dict(
        key=st.key,
        document_id=doc_id,
        kind=st.kind,
        indicator_id=st.indicator.id,
        indicator_name=st.indicator.name[:200],
        indicator_key=st.indicator.key[:200],
        quote=st.quote,
        span_start=st.span.start,
        span_end=st.span.end,
        value=_d(st.value),
        value_high=_d(st.value_high),
        stretch=_d(st.stretch),
        baseline=_d(st.baseline),
        unit=st.unit,
        comparator=st.comparator,
        measure=st.measure,
        period_start=st.period.start,
        period_end=st.period.end,
        relation=st.relation,
        rule=st.rule,
        section=(st.section or "")[:200] or None,
        region=st.region,
        report_year=st.report_year,
    )


def _statement(r: Any, intern: dict[str, str] | None = None) -> Statement:
    """A Statement from a StatementRow or a Core row; ``intern`` shares repeated strings (memory)."""
    i = (lambda v: v if v is None else intern.setdefault(v, v)) if intern is not None else (lambda v: v)
    return Statement.model_validate(
        {
            "key": r.key,
            "kind": r.kind,
            "indicator": {"id": i(r.indicator_id), "name": i(r.indicator_name), "key": i(r.indicator_key)},
            "quote": r.quote,
            "span": {"start": r.span_start, "end": r.span_end},
            "value": _D(r.value),
            "value_high": _D(r.value_high),
            "stretch": _D(r.stretch),
            "baseline": _D(r.baseline),
            "unit": i(r.unit),
            "comparator": r.comparator,
            "measure": i(r.measure),
            "period": {"start": r.period_start, "end": r.period_end},
            "relation": i(r.relation),
            "rule": i(r.rule),
            "section": i(r.section),
            "region": i(r.region),
            "report_year": r.report_year,
        }
    )


_validate_statement = Statement.__pydantic_validator__.validate_python
# the columns of the bulk loader, in the order ``_statement_tuple`` unpacks them
_ST_COLS = (
    "id", "document_id", "key", "kind", "indicator_id", "indicator_name", "indicator_key", "quote",
    "span_start", "span_end", "value", "value_high", "stretch", "baseline", "unit", "comparator", "measure",
    "period_start", "period_end", "relation", "rule", "section", "region", "report_year",
)  # fmt: skip


def _statement_tuple(r: Any, intern: dict[str, str]) -> tuple[int, int, Statement]:
    """(row id, document id, Statement) from a row of ``_ST_COLS``: what ``_statement`` gives, about three
    times faster (plain tuple unpacking, one validator call); loading statements is the hot path of
    matching, rendering and the export."""
    rid, doc_id, key, kind, iid, iname, ikey, quote, s0, s1, v, vh, sv, bv, unit, comp, meas, p0, p1, rel, rule, sec, reg, ry = r  # fmt: skip
    g = intern.setdefault
    st = _validate_statement(
        {
            "key": key,
            "kind": kind,
            "indicator": {"id": iid if iid is None else g(iid, iid), "name": g(iname, iname), "key": g(ikey, ikey)},
            "quote": quote,
            "span": {"start": s0, "end": s1},
            "value": None if v is None else Decimal(v),
            "value_high": None if vh is None else Decimal(vh),
            "stretch": None if sv is None else Decimal(sv),
            "baseline": None if bv is None else Decimal(bv),
            "unit": unit if unit is None else g(unit, unit),
            "comparator": comp,
            "measure": g(meas, meas),
            "period": {"start": p0, "end": p1},
            "relation": rel if rel is None else g(rel, rel),
            "rule": g(rule, rule),
            "section": sec if sec is None else g(sec, sec),
            "region": g(reg, reg),
            "report_year": ry,
        }
    )
    # every field was given, so each model's set of fields set is all its fields: one shared set, not
    # one per object (a set of 18 names is 2 KB, most of the memory of a loaded statement); assigning a
    # field adds a name it already holds, so sharing it changes nothing
    setattr_ = object.__setattr__
    setattr_(st, "__pydantic_fields_set__", _ALL_FIELDS[Statement])
    setattr_(st.indicator, "__pydantic_fields_set__", _ALL_FIELDS[IndicatorRef])
    setattr_(st.span, "__pydantic_fields_set__", _ALL_FIELDS[Span])
    setattr_(st.period, "__pydantic_fields_set__", _ALL_FIELDS[Period])
    return rid, doc_id, st


_ALL_FIELDS: dict[type[BaseModel], set[str]] = {m: set(m.model_fields) for m in (Statement, IndicatorRef, Span, Period)}


Rows = list[tuple[int, int, Statement]]
_IN_CHUNK = 500  # values per SQL IN (...) list


def statements(
    engine: Engine,
    *,
    document_id: int | None = None,
    document_ids: Iterable[int] | None = None,
    regions: Iterable[str] | None = None,
    keys: Iterable[str] | None = None,
) -> Rows:
    """(row id, document id, statement) in document and text order; optionally only some of them."""
    t = StatementRow.__table__
    intern: dict[str, str] = {}
    q = select(*(t.c[c] for c in _ST_COLS)).order_by(t.c.document_id, t.c.span_start, t.c.id)
    if document_id is not None:
        q = q.where(t.c.document_id == document_id)
    filters = [(t.c.document_id, document_ids), (t.c.region, regions), (t.c.key, keys)]
    col, values = next(((c, list(v)) for c, v in filters if v is not None), (None, None))
    with Session(engine) as s:
        # plain rows, not ORM objects: loading every statement of a large database is a hot path
        if col is None or values is None:
            return [_statement_tuple(r, intern) for r in s.execute(q)]
        out: Rows = []
        for k in range(0, len(values), _IN_CHUNK):
            out.extend(_statement_tuple(r, intern) for r in s.execute(q.where(col.in_(values[k : k + _IN_CHUNK]))))
        if len(values) > _IN_CHUNK:
            out.sort(key=lambda x: (x[1], x[2].span.start, x[0]))
        return out


def statement_positions(engine: Engine, *, keys: Iterable[str]) -> dict[str, tuple[int, int, int]]:
    """Statement key -> (document id, span start, row id): its place in the order of ``statements()``."""
    t = StatementRow.__table__
    values = list(keys)
    out: dict[str, tuple[int, int, int]] = {}
    q = select(t.c.key, t.c.document_id, t.c.span_start, t.c.id)
    with Session(engine) as s:
        for k in range(0, len(values), _IN_CHUNK):
            for key, doc_id, start, rid in s.execute(q.where(t.c.key.in_(values[k : k + _IN_CHUNK]))):
                out[key] = (doc_id, start, rid)
    return out


def _groups(counts: Iterable[tuple[T, int]], size: int) -> Iterator[list[T]]:
    """Consecutive items grouped so that each group holds about ``size`` (counted) statements."""
    batch: list[T] = []
    n = 0
    for item, c in counts:
        batch.append(item)
        n += c
        if n >= size:
            yield batch
            batch, n = [], 0
    if batch:
        yield batch


def statement_batches(engine: Engine, *, size: int = 20000) -> Iterator[Rows]:
    """Every statement, in the order of ``statements()``, a few whole documents (about ``size`` statements) at a time."""
    t = StatementRow.__table__
    with Session(engine) as s:
        counts: list[tuple[int, int]] = [
            (d, c)
            for d, c in s.execute(
                select(t.c.document_id, func.count()).group_by(t.c.document_id).order_by(t.c.document_id)
            )
        ]
    for batch in _groups(counts, size):
        yield statements(engine, document_ids=batch)


def region_counts(engine: Engine) -> list[tuple[str, int]]:
    """(region, number of its statements), by region."""
    t = StatementRow.__table__
    with Session(engine) as s:
        return [
            (r, c) for r, c in s.execute(select(t.c.region, func.count()).group_by(t.c.region).order_by(t.c.region))
        ]


def region_batches(engine: Engine, *, size: int = 20000) -> Iterator[list[str]]:
    """The regions of the stored statements, grouped so that each group has about ``size`` statements."""
    return _groups(region_counts(engine), size)


def latest_years(engine: Engine) -> dict[str, int]:
    """Region -> the latest report year among its statements."""
    t = StatementRow.__table__
    with Session(engine) as s:
        return {r: y for r, y in s.execute(select(t.c.region, func.max(t.c.report_year)).group_by(t.c.region))}


def statement_ids(engine: Engine) -> dict[str, int]:
    """Statement key -> row id."""
    t = StatementRow.__table__
    with Session(engine) as s:
        return {k: i for k, i in s.execute(select(t.c.key, t.c.id))}


def documents(engine: Engine, *, with_text: bool = False) -> list[tuple[int, Document]]:
    with Session(engine) as s:
        rows = s.scalars(select(DocumentRow).order_by(DocumentRow.region, DocumentRow.year, DocumentRow.id))
        return [(r.id, _document(r, with_text)) for r in rows]


def document(engine: Engine, *, doc_id: int) -> Document:
    with Session(engine) as s:
        r = s.get(DocumentRow, doc_id)
        assert r is not None
        return _document(r, True)


def _document(r: DocumentRow, with_text: bool) -> Document:
    return Document(
        source=r.source,
        sha256=r.sha256,
        text=r.text if with_text else "",
        region=Region(name=r.region, level=r.region_level, parent=r.parent_region),  # type: ignore[arg-type]
        year=r.year,
        date=r.date,
        title=r.title,
        meeting=r.meeting,
        speaker=r.speaker,
        ignored=[Span(start=a, end=b) for a, b in r.ignored],
    )


def sections(engine: Engine, *, doc_id: int) -> list[Section]:
    with Session(engine) as s:
        rows = s.scalars(select(SectionRow).where(SectionRow.document_id == doc_id).order_by(SectionRow.ord))
        return [
            Section(
                heading=r.heading,
                level=r.level,
                start=r.start,
                end=r.end,
                role=r.role,  # type: ignore[arg-type]
                period=Period(start=r.period_start, end=r.period_end)
                if r.period_start is not None and r.period_end is not None
                else None,
            )
            for r in rows
        ]


def _match_values(matches: Iterable[Match]) -> list[dict[str, Any]]:
    """Rows of the matches table, for a bulk insert."""
    return [
        dict(
            goal_key=m.goal,
            outcome_key=m.outcome,
            verdict=m.verdict,
            margin=_d(m.margin),
            flags=list(m.flags),
            reason_zh=m.reason_zh,
            reason_en=m.reason_en,
            score=m.score,
        )
        for m in matches
    ]


def replace_matches(engine: Engine, *, matches: Iterable[Match]) -> int:
    """Replace every stored match in one transaction (a bulk insert)."""
    values = _match_values(matches)
    with Session(engine) as s, s.begin():
        s.execute(delete(MatchRow))
        if values:
            s.execute(insert(MatchRow), values)
        return len(values)


def matches(engine: Engine) -> list[Match]:
    with Session(engine) as s:
        return [
            Match(
                goal=r.goal_key,
                outcome=r.outcome_key,
                verdict=r.verdict,  # type: ignore[arg-type]
                margin=_D(r.margin),
                flags=list(r.flags),
                reason_zh=r.reason_zh,
                reason_en=r.reason_en,
                score=r.score,
            )
            for r in s.scalars(
                # in the order of their goals (as one judge() over everything inserts them),
                # so that matches replaced for a few regions come out where a full run puts them
                select(MatchRow)
                .outerjoin(StatementRow, StatementRow.key == MatchRow.goal_key)
                .order_by(StatementRow.document_id, StatementRow.span_start, StatementRow.id, MatchRow.id)
            )
        ]


# ---------------------------------------------------------------------- reviews


class Decision(BaseModel):
    """A reviewer's decision about a goal, as stored (append-only)."""

    model_config = ConfigDict(extra="forbid")

    goal_key: str
    action: str  # verdict | link | unlink
    before: str | None
    after: str | None
    note: str
    reviewer: str
    goal_region: str
    goal_year: int
    goal_quote: str
    version: int = 0  # set by the database: 1, 2, … per goal
    created_at: datetime | None = None
    id: int | None = None


class ConflictError(TrackerError):
    """Another reviewer decided about the same goal since this decision was prepared."""


def statement_by_id(engine: Engine, *, row_id: int) -> tuple[int, int, Statement] | None:
    with Session(engine) as s:
        r = s.get(StatementRow, row_id)
        return (r.id, r.document_id, _statement(r)) if r else None


def statement_by_key(engine: Engine, *, key: str) -> tuple[int, int, Statement] | None:
    with Session(engine) as s:
        r = s.scalar(select(StatementRow).where(StatementRow.key == key))
        return (r.id, r.document_id, _statement(r)) if r else None


def _decision(r: ReviewRow) -> Decision:
    at = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)  # SQLite drops the zone
    return Decision(
        id=r.id,
        goal_key=r.goal_key,
        version=r.version,
        action=r.action,
        before=r.before,
        after=r.after,
        note=r.note,
        reviewer=r.reviewer,
        created_at=at,
        goal_region=r.goal_region,
        goal_year=r.goal_year,
        goal_quote=r.goal_quote,
    )


def decisions(engine: Engine, *, goal_key: str | None = None) -> list[Decision]:
    """Every stored decision (or one goal's), oldest first per goal."""
    with Session(engine) as s:
        q = select(ReviewRow).order_by(ReviewRow.goal_key, ReviewRow.version)
        if goal_key is not None:
            q = q.where(ReviewRow.goal_key == goal_key)
        return [_decision(r) for r in s.scalars(q)]


def add_decisions(engine: Engine, *, items: list[tuple[Decision, int]]) -> list[Decision]:
    """Append decisions, each made from a known version of its goal, in one transaction (all or none).

    ``items`` pairs each decision with the goal's version the reviewer saw. The decision is
    stored as that version + 1; the unique (goal_key, version) constraint makes a concurrent or
    stale decision fail with ``ConflictError`` instead of silently replacing another one.
    """
    seen: dict[str, int] = {}
    try:
        with Session(engine) as s, s.begin():
            rows: list[ReviewRow] = []
            for d, base in items:
                version = seen.get(d.goal_key, base) + 1
                seen[d.goal_key] = version
                row = ReviewRow(
                    goal_key=d.goal_key,
                    version=version,
                    action=d.action,
                    before=d.before,
                    after=d.after,
                    note=d.note,
                    reviewer=d.reviewer[:100],
                    goal_region=d.goal_region,
                    goal_year=d.goal_year,
                    goal_quote=d.goal_quote,
                )
                s.add(row)
                rows.append(row)
            s.flush()
            out = [_decision(r) for r in rows]
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "locked" not in str(exc.orig):
            raise
        keys = ", ".join(sorted(seen))
        raise ConflictError(
            f"goal {keys}: another reviewer recorded a decision at the same time or since you looked; "
            "nothing was saved (check `tracker review history` and try again)"
        ) from exc
    return out


def document_regions(engine: Engine) -> list[tuple[str, str]]:
    """(sha256, region) of every stored document."""
    with Session(engine) as s:
        return [(h, r) for h, r in s.execute(select(DocumentRow.sha256, DocumentRow.region))]


def replace_matches_in(engine: Engine, *, regions: Iterable[str], matches: Iterable[Match]) -> int:
    """Replace the matches of the goals of ``regions`` (and of goals no longer stored) in one transaction."""
    regs = list(regions)
    values = _match_values(matches)
    with Session(engine) as s, s.begin():
        s.execute(delete(MatchRow).where(MatchRow.goal_key.not_in(select(StatementRow.key))))
        for k in range(0, len(regs), _IN_CHUNK):
            goals = select(StatementRow.key).where(StatementRow.region.in_(regs[k : k + _IN_CHUNK]))
            s.execute(delete(MatchRow).where(MatchRow.goal_key.in_(goals)))
        if values:
            s.execute(insert(MatchRow), values)
        return len(values)


def region_digests(engine: Engine) -> dict[str, str]:
    """A digest per region of everything its pages are built from: its documents (all but the text, which
    the sha256 stands for), its statements' ids and keys, the matches and reviewers' decisions of its goals.
    Decisions whose goal is no longer stored (they may be re-attached anywhere) are under the key "".
    Two renders with the same digest of a region write the same scorecards, source and indicator pages for it
    (with the same code and tolerances)."""
    hs: dict[str, Any] = defaultdict(hashlib.sha256)
    st = _STATEMENTS
    doc_cols = [c for c in _DOCS.c if c.name not in ("text", "created_at")]
    match_cols = [c for c in cast(Table, MatchRow.__table__).c if c.name != "id"]
    reviews = cast(Table, ReviewRow.__table__)
    with Session(engine) as s:
        for row in s.execute(select(*doc_cols).order_by(_DOCS.c.id)):
            hs[row.region].update(b"d" + repr(tuple(row)).encode())
        for region, rid, key in s.execute(select(st.c.region, st.c.id, st.c.key).order_by(st.c.id)):
            hs[region].update(f"s{rid}:{key}\n".encode())
        q = select(st.c.region, *match_cols).join(st, st.c.key == MatchRow.goal_key).order_by(MatchRow.id)
        for row in s.execute(q):
            hs[row[0]].update(b"m" + repr(tuple(row[1:])).encode())
        q2 = select(st.c.region, reviews).outerjoin(st, st.c.key == reviews.c.goal_key).order_by(reviews.c.id)
        for row in s.execute(q2):
            hs[row[0] or ""].update(b"r" + repr(tuple(row[1:])).encode())
    return {k: h.hexdigest() for k, h in hs.items()}
