"""Repository: every query in one place; functions take and return pydantic models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, select
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

EXTRACTOR_VERSION = "1"


def _d(v: Decimal | None) -> str | None:
    return None if v is None else f"{v:f}"


def _D(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def document_by_sha(engine: Engine, *, sha256: str) -> int | None:
    with Session(engine) as s:
        return s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha256))


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


def save_document(engine: Engine, *, doc: Document, sections: list[Section], statements: list[Statement]) -> int:
    """Store a document with its sections and statements in one transaction."""
    with Session(engine) as s, s.begin():
        row = DocumentRow(
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
        )
        s.add(row)
        s.flush()
        for i, sec in enumerate(sections):
            s.add(
                SectionRow(
                    document_id=row.id,
                    ord=i,
                    heading=sec.heading[:200],
                    level=sec.level,
                    start=sec.start,
                    end=sec.end,
                    role=sec.role,
                    period_start=sec.period.start if sec.period else None,
                    period_end=sec.period.end if sec.period else None,
                )
            )
        for st in statements:
            s.add(_statement_row(row.id, st))
        return row.id


def _statement_row(doc_id: int, st: Statement) -> StatementRow:
    return StatementRow(
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


def _statement(r: StatementRow) -> Statement:
    return Statement(
        key=r.key,
        kind=r.kind,  # type: ignore[arg-type]
        indicator=IndicatorRef(id=r.indicator_id, name=r.indicator_name, key=r.indicator_key),
        quote=r.quote,
        span=Span(start=r.span_start, end=r.span_end),
        value=_D(r.value),
        value_high=_D(r.value_high),
        stretch=_D(r.stretch),
        baseline=_D(r.baseline),
        unit=r.unit,
        comparator=r.comparator,  # type: ignore[arg-type]
        measure=r.measure,
        period=Period(start=r.period_start, end=r.period_end),
        relation=r.relation,
        rule=r.rule,
        section=r.section,
        region=r.region,
        report_year=r.report_year,
    )


def statements(engine: Engine, *, document_id: int | None = None) -> list[tuple[int, int, Statement]]:
    """(row id, document id, statement) in document and text order."""
    with Session(engine) as s:
        q = select(StatementRow).order_by(StatementRow.document_id, StatementRow.span_start, StatementRow.id)
        if document_id is not None:
            q = q.where(StatementRow.document_id == document_id)
        return [(r.id, r.document_id, _statement(r)) for r in s.scalars(q)]


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


def replace_matches(engine: Engine, *, matches: Iterable[Match]) -> int:
    with Session(engine) as s, s.begin():
        s.execute(delete(MatchRow))
        n = 0
        for m in matches:
            s.add(
                MatchRow(
                    goal_key=m.goal,
                    outcome_key=m.outcome,
                    verdict=m.verdict,
                    margin=_d(m.margin),
                    flags=list(m.flags),
                    reason_zh=m.reason_zh,
                    reason_en=m.reason_en,
                )
            )
            n += 1
        return n


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
            )
            for r in s.scalars(select(MatchRow).order_by(MatchRow.id))
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
