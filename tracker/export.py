"""Export: the database -> ``tracker.export/1`` JSON (see ../shared/spec/export.md) and a goals CSV."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import review, store
from tracker.match import Judge, target_text
from tracker.models import GoalStatus, Match, Statement

SCHEMA = "tracker.export/1"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportDocument(_M):
    id: str
    source: str
    region: str
    region_level: str
    parent_region: str | None
    year: int
    date: str | None
    title: str
    meeting: str | None
    speaker: str | None
    sha256: str


class ExportIndicator(_M):
    id: str | None
    name: str
    key: str


class ExportSpan(_M):
    start: int
    end: int


class ExportPeriod(_M):
    start: int
    end: int


class ExportStatement(_M):
    id: str
    key: str
    document: str
    kind: str
    indicator: ExportIndicator
    quote: str
    span: ExportSpan
    value: int | float | None
    value_high: int | float | None
    stretch: int | float | None
    baseline: int | float | None
    unit: str | None
    comparator: str
    measure: str
    period: ExportPeriod
    relation: str | None
    rule: str
    section: str | None


class ExportDecision(_M):
    """One reviewer's decision (append-only audit trail)."""

    goal: str | None  # statement id, None when the goal is no longer extracted
    goal_key: str
    version: int
    action: str  # verdict | link | unlink
    before: str | None  # status, or outcome statement key
    after: str | None  # status (None: back to the machine's), or outcome statement key
    note: str
    reviewer: str
    at: str  # ISO 8601
    orphaned: bool


class ExportReview(_M):
    """The current review of a goal: the reviewer's verdict and/or evidence, and the history."""

    verdict: str | None
    outcome: str | None  # linked outcome (statement id), when a reviewer linked one
    unlinked: bool
    reviewed_by: str
    reviewed_at: str
    note: str
    version: int
    history: list[ExportDecision]


class ExportMatch(_M):
    goal: str
    outcome: str
    verdict: str
    margin: int | float | None
    flags: list[str]
    reason: str
    reason_zh: str
    reason_en: str
    machine_verdict: str | None = None  # the matcher's verdict (None: a reviewer linked this evidence)
    review: ExportReview | None = None


class ExportGoalStatus(_M):
    goal: str
    status: str
    reason_zh: str
    reason_en: str
    machine_status: str | None = None
    overridden: bool = False
    review: ExportReview | None = None


class Export(_M):
    schema_: str
    documents: list[ExportDocument]
    statements: list[ExportStatement]
    figureless_goals: list[ExportStatement]  # relational and qualitative goals (value null)
    matches: list[ExportMatch]
    goal_status: list[ExportGoalStatus]
    reviews: list[ExportDecision] = []

    def to_json(self) -> str:
        data = self.model_dump()
        data = {"schema": data.pop("schema_"), **data}
        return json.dumps(data, ensure_ascii=False, indent=1)


def num(d: Decimal | None) -> int | float | None:
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def _figureless(st: Statement) -> bool:
    """A goal without a figure (relational, qualitative): exported apart from the figure statements."""
    return st.kind == "goal" and st.value is None


def _statement(rid: int, doc_id: int, st: Statement) -> ExportStatement:
    return ExportStatement(
        id=f"s{rid}",
        key=st.key,
        document=f"d{doc_id}",
        kind=st.kind,
        indicator=ExportIndicator(id=st.indicator.id, name=st.indicator.name, key=st.indicator.key),
        quote=st.quote,
        span=ExportSpan(start=st.span.start, end=st.span.end),
        value=num(st.value),
        value_high=num(st.value_high),
        stretch=num(st.stretch),
        baseline=num(st.baseline),
        unit=st.unit,
        comparator=st.comparator,
        measure=st.measure,
        period=ExportPeriod(start=st.period.start, end=st.period.end),
        relation=st.relation,
        rule=st.rule,
        section=st.section,
    )


def build_export(engine: Engine) -> Export:
    """Everything in the database as ``tracker.export/1``.

    ``statements`` holds every statement with a figure (and outcomes); goals without a
    figure (relational: 居民收入增长与经济增长同步; qualitative: 劣V类水体全面消除) are under
    ``figureless_goals`` in the same shape, with ``value: null``. Match and status ids
    point into either list.
    """
    docs = store.documents(engine)
    rows = store.statements(engine)
    sid = {st.key: f"s{rid}" for rid, _, st in rows}
    machine = store.matches(engine)
    reviewed = review.apply(rows, machine, store.decisions(engine))
    matches = reviewed.matches
    machine_verdict = {(m.goal, m.outcome): m.verdict for m in machine}
    by_key = {st.key: st for _, _, st in rows}
    statuses = reviewed.statuses
    reviews = {k: export_review(rv, sid) for k, rv in reviewed.reviews.items()}
    return Export(
        schema_=SCHEMA,
        documents=[
            ExportDocument(
                id=f"d{i}",
                source=d.source,
                region=d.region.name,
                region_level=d.region.level,
                parent_region=d.region.parent,
                year=d.year,
                date=d.date,
                title=d.title,
                meeting=d.meeting,
                speaker=d.speaker,
                sha256=d.sha256,
            )
            for i, d in docs
        ],
        statements=[_statement(rid, doc_id, st) for rid, doc_id, st in rows if not _figureless(st)],
        figureless_goals=[_statement(rid, doc_id, st) for rid, doc_id, st in rows if _figureless(st)],
        matches=[
            ExportMatch(
                goal=sid[m.goal],
                outcome=sid[m.outcome],
                verdict=m.verdict,
                margin=num(m.margin),
                flags=m.flags,
                reason=m.reason_en,
                reason_zh=m.reason_zh,
                reason_en=m.reason_en,
                machine_verdict=machine_verdict.get((m.goal, m.outcome)),
                review=reviews.get(m.goal),
            )
            for m in matches
            if m.goal in by_key and m.outcome in by_key
        ],
        goal_status=[
            ExportGoalStatus(
                goal=sid[g.goal],
                status=g.status,
                reason_zh=g.reason_zh,
                reason_en=g.reason_en,
                machine_status=reviewed.machine[g.goal].status,
                overridden=g.goal in reviewed.reviews and reviewed.reviews[g.goal].overridden,
                review=reviews.get(g.goal),
            )
            for g in statuses
        ],
        reviews=[
            export_decision(d, sid, rv.goal_key)
            for rv in [*reviewed.reviews.values(), *reviewed.orphans]
            for d in rv.history
        ],
    )


def export_decision(d: store.Decision, sid: dict[str, str], key: str | None = None) -> ExportDecision:
    """A decision; ``key`` is the goal's current key when its reviews were re-attached from an earlier one."""
    key = key or d.goal_key
    return ExportDecision(
        goal=sid.get(key),
        goal_key=d.goal_key,
        version=d.version,
        action=d.action,
        before=d.before,
        after=d.after,
        note=d.note,
        reviewer=d.reviewer,
        at=d.created_at.isoformat() if d.created_at else "",
        orphaned=key not in sid,
    )


def export_review(rv: review.GoalReview, sid: dict[str, str]) -> ExportReview:
    verdicts = [d for d in rv.history if d.action == "verdict"]
    return ExportReview(
        verdict=rv.verdict,
        outcome=sid.get(rv.outcome) if rv.outcome else None,
        unlinked=rv.link == "unlink",
        reviewed_by=rv.last.reviewer,
        reviewed_at=rv.last.created_at.isoformat() if rv.last.created_at else "",
        note=(verdicts[-1] if verdicts and rv.verdict is not None else rv.last).note,
        version=rv.version,
        history=[export_decision(d, sid, rv.goal_key) for d in rv.history],
    )


def goal_statuses(rows: list[tuple[int, int, Statement]], matches: list[Match]) -> list[GoalStatus]:
    """Each goal's status from the stored matches (the latest report year per region decides pending)."""
    latest: dict[str, int] = {}
    for _, _, st in rows:
        latest[st.region] = max(latest.get(st.region, 0), st.report_year)
    by_goal = {m.goal: m for m in matches}
    return [Judge.status(st, by_goal.get(st.key), latest[st.region]) for _, _, st in rows if st.kind == "goal"]


CSV_COLUMNS = [
    "goal_id",
    "region",
    "report",
    "report_year",
    "section",
    "indicator",
    "indicator_id",
    "measure",
    "period",
    "target",
    "goal_quote",
    "goal_span",
    "status",
    "verdict",
    "margin",
    "flags",
    "outcome_id",
    "outcome_report",
    "outcome_period",
    "outcome_value",
    "outcome_quote",
    "reason_zh",
    "reason_en",
    # reviews (appended; see tracker/review.py)
    "machine_status",
    "reviewed_by",
    "review_note",
    "reviewed_at",
    "review_version",
]


def goals_csv(engine: Engine) -> str:
    """One row per goal with its verdict and evidence; UTF-8 with BOM so Excel reads the Chinese."""
    docs = dict(store.documents(engine))
    rows = store.statements(engine)
    reviewed = review.apply(rows, store.matches(engine), store.decisions(engine))
    by_key = {st.key: (rid, doc_id, st) for rid, doc_id, st in rows}
    statuses = {g.goal: g for g in reviewed.statuses}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for rid, doc_id, st in rows:
        if st.kind != "goal":
            continue
        g = statuses[st.key]
        m = g.match
        rv = reviewed.reviews.get(st.key)
        o = by_key.get(m.outcome) if m else None
        w.writerow(
            [
                f"s{rid}",
                st.region,
                docs[doc_id].source,
                st.report_year,
                st.section or "",
                st.indicator.name,
                st.indicator.id or "",
                st.measure,
                str(st.period),
                target_text(st),
                st.quote,
                f"{st.span.start}-{st.span.end}",
                g.status,
                m.verdict if m else "",
                "" if not m or m.margin is None else f"{m.margin:f}",
                " ".join(m.flags) if m else "",
                f"s{o[0]}" if o else "",
                docs[o[1]].source if o else "",
                str(o[2].period) if o else "",
                "" if not o or o[2].value is None else f"{o[2].value:f}",
                o[2].quote if o else "",
                g.reason_zh,
                g.reason_en,
                reviewed.machine[st.key].status,
                rv.last.reviewer if rv else "",
                rv.last.note if rv else "",
                rv.last.created_at.isoformat() if rv and rv.last.created_at else "",
                rv.version if rv else "",
            ]
        )
    return "\ufeff" + buf.getvalue()


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)
