"""Export: the database -> ``tracker.export/1`` JSON (see docs/export.md) and a goals CSV."""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import review, store
from tracker.csvcell import SafeWriter
from tracker.errors import TrackerError
from tracker.lexicon import Tolerances
from tracker.match import POSSIBLE, Judge, target_text
from tracker.models import Document, GoalStatus, Match, Statement
from tracker.similar import Things

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
    thing: str | None = None  # the thing counted (核心对象): the name without actions, adverbs, tails, qualifiers


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
    score: float | None = None  # similarity of the things counted, when the match rests on it


class ExportCandidate(_M):
    """Possible evidence for a goal that needs review: an outcome counting a similar thing."""

    outcome: str | None  # statement id
    outcome_key: str
    score: float | None
    verdict: str  # what the verdict would be if a reviewer accepts it
    reason_zh: str
    reason_en: str


class ExportGoalStatus(_M):
    goal: str
    status: str
    reason_zh: str
    reason_en: str
    machine_status: str | None = None
    overridden: bool = False
    review: ExportReview | None = None
    candidate: ExportCandidate | None = None


class Export(_M):
    schema_: str
    documents: list[ExportDocument]
    statements: list[ExportStatement]
    figureless_goals: list[ExportStatement]  # relational and qualitative goals (value null)
    matches: list[ExportMatch]
    goal_status: list[ExportGoalStatus]
    reviews: list[ExportDecision] = []

    def to_json(self) -> str:
        buf = io.StringIO()
        dump_json(
            buf,
            self.documents,
            self.statements,
            self.figureless_goals,
            self.matches,
            self.goal_status,
            self.reviews,
        )
        return buf.getvalue()


def json_record(r: BaseModel) -> str:
    return json.dumps(r.model_dump(), ensure_ascii=False)


def _records(out: TextIO, key: str, records: Iterable[BaseModel | str], last: bool = False) -> None:
    """One JSON record per line (fast, streamable, diff-friendly); a str is a record already dumped."""
    out.write(f"{json.dumps(key)}: [")
    sep = "\n"
    for r in records:
        out.write(sep)
        out.write(r if isinstance(r, str) else json_record(r))
        sep = ",\n"
    out.write("\n]" if sep != "\n" else "]")
    out.write("\n}\n" if last else ",\n")


def dump_json(
    out: TextIO,
    documents: Iterable[ExportDocument],
    statements: Iterable[ExportStatement],
    figureless_goals: Iterable[ExportStatement | str],
    matches: Iterable[ExportMatch],
    goal_status: Iterable[ExportGoalStatus | str],
    reviews: Iterable[ExportDecision] = (),
) -> None:
    """Write ``tracker.export/1`` JSON; the iterables are consumed in this order (they may be generators)."""
    out.write(f'{{"schema": {json.dumps(SCHEMA)},\n')
    _records(out, "documents", documents)
    _records(out, "statements", statements)
    _records(out, "figureless_goals", figureless_goals)
    _records(out, "matches", matches)
    _records(out, "goal_status", goal_status)
    _records(out, "reviews", reviews, last=True)


def num(d: Decimal | None) -> int | float | None:
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def export_document(i: int, d: Document) -> ExportDocument:
    return ExportDocument(
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


def _figureless(st: Statement) -> bool:
    """A goal without a figure (relational, qualitative): exported apart from the figure statements."""
    return st.kind == "goal" and st.value is None


def export_statement(rid: int, doc_id: int, st: Statement) -> ExportStatement:
    # one validation of nested data (not one per nested model): this runs for every statement
    return ExportStatement.model_validate(
        {
            "id": f"s{rid}",
            "key": st.key,
            "document": f"d{doc_id}",
            "kind": st.kind,
            "indicator": {"id": st.indicator.id, "name": st.indicator.name, "key": st.indicator.key},
            "quote": st.quote,
            "span": {"start": st.span.start, "end": st.span.end},
            "value": num(st.value),
            "value_high": num(st.value_high),
            "stretch": num(st.stretch),
            "baseline": num(st.baseline),
            "unit": st.unit,
            "comparator": st.comparator,
            "measure": st.measure,
            "period": {"start": st.period.start, "end": st.period.end},
            "relation": st.relation,
            "rule": st.rule,
            "section": st.section,
            "thing": _things().thing(st.indicator.name),
        }
    )


@cache
def _things() -> Things:
    return Things()


@dataclass
class Reviews:
    """The reviewers' decisions laid over the machine's matches (``review.apply``), for every path
    that exports verdicts: the same statuses, matches and review fields as ``build_export``.

    Without any decision (the common case of a large run) nothing more is loaded and each goal's
    status is the machine's. With decisions, ``review.apply`` runs once over the reviewed goals and
    their linked outcomes (or over every statement when a review must be re-attached by its quote
    or is orphaned, or when the caller has loaded them all); the other goals keep the machine's status.
    """

    matches: list[Match]  # the current evidence (the machine's matches when nobody reviewed)
    machine_verdict: Mapping[tuple[str, str], str]
    reviewed: review.Reviewed | None = None
    sid: dict[str, str] = field(default_factory=dict)  # statement key -> export id (with decisions only)
    statuses: dict[str, GoalStatus] = field(default_factory=dict)
    exported: dict[str, ExportReview] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        engine: Engine,
        machine: list[Match],
        *,
        rows: list[tuple[int, int, Statement]] | None = None,
        tolerances: Tolerances | None = None,
    ) -> Reviews:
        verdicts = {(m.goal, m.outcome): m.verdict for m in machine}
        decisions = store.decisions(engine)
        if not decisions:
            return cls(matches=machine, machine_verdict=verdicts)
        latest: dict[str, int] | None = None
        partial = False
        if rows is None:
            keys = {d.goal_key for d in decisions} | {d.after for d in decisions if d.action == "link" and d.after}
            rows = store.statements(engine, keys=keys)
            if {d.goal_key for d in decisions} <= {st.key for _, _, st in rows}:
                latest, partial = store.latest_years(engine), True
            else:
                rows = store.statements(engine)
        rv = review.apply(rows, machine, decisions, tolerances=tolerances, latest_years=latest)
        sid = {st.key: f"s{rid}" for rid, _, st in rows}
        matches = rv.matches
        if partial:  # the reviewed goals' evidence in place of the machine's, in the order of the goals
            done = {g.goal for g in rv.statuses}
            matches = [m for m in machine if m.goal not in done] + rv.matches
            pos = store.statement_positions(engine, keys={m.goal for m in matches})
            matches.sort(key=lambda m: pos.get(m.goal, (-1, -1, -1)))
        return cls(
            matches=matches,
            machine_verdict=verdicts,
            reviewed=rv,
            sid=sid,
            statuses={g.goal: g for g in rv.statuses},
            exported={k: export_review(r, sid) for k, r in rv.reviews.items()},
        )

    def status(self, st: Statement, match: Match | None, latest: int) -> GoalStatus:
        """The current status of the goal ``st`` (``match``: the machine's, ``latest``: its region's latest year)."""
        g = self.statuses.get(st.key)
        return g if g is not None else Judge.status(st, match, latest)

    def review(self, key: str) -> review.GoalReview | None:
        return self.reviewed.reviews.get(key) if self.reviewed is not None else None

    def machine_status(self, key: str, g: GoalStatus) -> str:
        ms = self.reviewed.machine.get(key) if self.reviewed is not None else None
        return ms.status if ms is not None else g.status

    def export_status(self, rid: int, g: GoalStatus, ids: Mapping[str, int] | None = None) -> ExportGoalStatus:
        """``ids``: statement key -> row id, to name a possible evidence's outcome."""
        rv = self.review(g.goal)
        m = g.match
        cand = None
        if g.status == "needs_review" and m is not None and POSSIBLE in m.flags:
            rid_out = (ids or {}).get(m.outcome)
            cand = ExportCandidate(
                outcome=f"s{rid_out}" if rid_out is not None else None,
                outcome_key=m.outcome,
                score=m.score,
                verdict=m.verdict,
                reason_zh=m.reason_zh,
                reason_en=m.reason_en,
            )
        return ExportGoalStatus(
            candidate=cand,
            goal=f"s{rid}",
            status=g.status,
            reason_zh=g.reason_zh,
            reason_en=g.reason_en,
            machine_status=self.machine_status(g.goal, g),
            overridden=rv is not None and rv.overridden,
            review=self.exported.get(g.goal),
        )

    def decisions(self) -> list[ExportDecision]:
        if self.reviewed is None:
            return []
        rv = self.reviewed
        return [
            export_decision(d, self.sid, r.goal_key) for r in [*rv.reviews.values(), *rv.orphans] for d in r.history
        ]

    def csv_extra(self, key: str, g: GoalStatus) -> list[object]:
        """The review columns of a goal's CSV row."""
        rv = self.review(key)
        return [
            self.machine_status(key, g),
            rv.last.reviewer if rv else "",
            rv.last.note if rv else "",
            rv.last.created_at.isoformat() if rv and rv.last.created_at else "",
            rv.version if rv else "",
        ]


def export_matches(reviews: Reviews, sid: Mapping[str, int]) -> Iterator[ExportMatch]:
    """The current matches whose goal and outcome are stored; ``sid``: statement key -> row id."""
    for m in reviews.matches:
        if POSSIBLE in m.flags:
            continue  # not evidence: shown as the goal's candidate (``goal_status[].candidate``)
        if m.goal in sid and m.outcome in sid:
            yield ExportMatch(
                score=m.score,
                goal=f"s{sid[m.goal]}",
                outcome=f"s{sid[m.outcome]}",
                verdict=m.verdict,
                margin=num(m.margin),
                flags=m.flags,
                reason=m.reason_en,
                reason_zh=m.reason_zh,
                reason_en=m.reason_en,
                machine_verdict=reviews.machine_verdict.get((m.goal, m.outcome)),
                review=reviews.exported.get(m.goal),
            )


def build_export(engine: Engine, *, rows: list[tuple[int, int, Statement]] | None = None) -> Export:
    """Everything in the database as ``tracker.export/1``, the reviews laid over the machine's results.

    ``statements`` holds every statement with a figure (and outcomes); goals without a
    figure (relational: 居民收入增长与经济增长同步; qualitative: 劣V类水体全面消除) are under
    ``figureless_goals`` in the same shape, with ``value: null``. Match and status ids
    point into either list. ``rows``: the stored statements, when the caller has loaded them already.
    """
    docs = store.documents(engine)
    rows = store.statements(engine) if rows is None else rows
    sid = {st.key: rid for rid, _, st in rows}
    machine = store.matches(engine)
    reviews = Reviews.load(engine, machine, rows=rows)
    latest: dict[str, int] = {}
    for _, _, st in rows:
        latest[st.region] = max(latest.get(st.region, 0), st.report_year)
    by_goal = {m.goal: m for m in machine}
    return Export(
        schema_=SCHEMA,
        documents=[export_document(i, d) for i, d in docs],
        statements=[export_statement(rid, doc_id, st) for rid, doc_id, st in rows if not _figureless(st)],
        figureless_goals=[export_statement(rid, doc_id, st) for rid, doc_id, st in rows if _figureless(st)],
        matches=list(export_matches(reviews, sid)),
        goal_status=[
            reviews.export_status(rid, reviews.status(st, by_goal.get(st.key), latest[st.region]), sid)
            for rid, _, st in rows
            if st.kind == "goal"
        ],
        reviews=reviews.decisions(),
    )


def write_export(engine: Engine, out: TextIO, *, batch: int = 20000) -> None:
    """Stream ``tracker.export/1`` JSON to ``out``: the same text as ``build_export(engine).to_json()``,
    with the statements read a few documents (about ``batch`` statements) at a time."""
    docs = store.documents(engine)
    matches = store.matches(engine)
    reviews = Reviews.load(engine, matches)
    by_goal = {m.goal: m for m in matches}
    latest = store.latest_years(engine)
    ids = store.statement_ids(engine)

    def statements(figureless: bool) -> Iterator[ExportStatement]:
        for rows in store.statement_batches(engine, size=batch):
            for rid, doc_id, st in rows:
                if _figureless(st) == figureless:
                    yield export_statement(rid, doc_id, st)

    def statuses() -> Iterator[ExportGoalStatus]:
        for rows in store.statement_batches(engine, size=batch):
            for rid, _, st in rows:
                if st.kind == "goal":
                    yield reviews.export_status(rid, reviews.status(st, by_goal.get(st.key), latest[st.region]), ids)

    dump_json(
        out,
        (export_document(i, d) for i, d in docs),
        statements(figureless=False),
        statements(figureless=True),
        export_matches(reviews, ids),
        statuses(),
        reviews.decisions(),
    )


def write_export_and_csv(engine: Engine, json_out: TextIO, csv_out: TextIO, *, batch: int = 20000) -> None:
    """export.json and goals.csv in one pass over the statements (what the site writes): the same
    text as ``write_export`` and ``write_goals_csv``. The figureless goals and the goal statuses,
    which come after the statements in the JSON, wait in temporary files, one record per line."""
    docs = store.documents(engine)
    goal_rows = _GoalRows.load(engine, dict(docs))
    reviews = goal_rows.reviews
    ids = store.statement_ids(engine)
    csv_out.write("\ufeff")
    w = SafeWriter(csv_out)
    w.writerow(CSV_COLUMNS)
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as figureless,
        tempfile.TemporaryFile("w+", encoding="utf-8") as statuses,
    ):

        def stream() -> Iterator[ExportStatement]:
            for rows in store.statement_batches(engine, size=batch):
                for rid, d, st in rows:
                    rec = export_statement(rid, d, st)
                    if st.kind == "goal":
                        g = goal_rows.status(st)
                        w.writerow(goal_rows.row(rid, d, st, g))
                        statuses.write(json_record(reviews.export_status(rid, g, ids)) + "\n")
                    if _figureless(st):
                        figureless.write(json_record(rec) + "\n")
                    else:
                        yield rec

        def saved(f: TextIO) -> Iterator[str]:
            f.seek(0)
            for line in f:
                yield line.rstrip("\n")

        dump_json(
            json_out,
            (export_document(i, d) for i, d in docs),
            stream(),
            saved(figureless),
            export_matches(reviews, ids),
            saved(statuses),
            reviews.decisions(),
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


def goal_statuses(
    rows: list[tuple[int, int, Statement]], matches: list[Match], latest: Mapping[str, int] | None = None
) -> list[GoalStatus]:
    """Each goal's machine status from the stored matches (the latest report year per region decides pending).

    ``latest``: region -> latest report year over the whole database, when ``rows`` are only some of it.
    """
    if latest is None:
        latest_: dict[str, int] = {}
        for _, _, st in rows:
            latest_[st.region] = max(latest_.get(st.region, 0), st.report_year)
        latest = latest_
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


def goals_csv(engine: Engine, *, rows: list[tuple[int, int, Statement]] | None = None) -> str:
    """One row per goal with its (reviewed) verdict and evidence; UTF-8 with BOM so Excel reads the Chinese."""
    docs = dict(store.documents(engine))
    rows = store.statements(engine) if rows is None else rows
    machine = store.matches(engine)
    reviews = Reviews.load(engine, machine, rows=rows)
    by_goal = {m.goal: m for m in machine}
    latest: dict[str, int] = {}
    for _, _, st in rows:
        latest[st.region] = max(latest.get(st.region, 0), st.report_year)
    by_key = {st.key: (rid, doc_id, st) for rid, doc_id, st in rows}
    buf = io.StringIO()
    w = SafeWriter(buf)
    w.writerow(CSV_COLUMNS)
    for rid, doc_id, st in rows:
        if st.kind == "goal":
            g = reviews.status(st, by_goal.get(st.key), latest[st.region])
            w.writerow(csv_row(rid, doc_id, st, g, by_key, docs) + reviews.csv_extra(st.key, g))
    return "\ufeff" + buf.getvalue()


@dataclass
class _GoalRows:
    """What a streamed goals CSV needs besides the goals themselves (loaded once)."""

    docs: Mapping[int, Document]
    reviews: Reviews
    by_goal: dict[str, Match]
    latest: Mapping[str, int]
    evidence: dict[str, tuple[int, int, Statement]]

    @classmethod
    def load(cls, engine: Engine, docs: Mapping[int, Document]) -> _GoalRows:
        matches = store.matches(engine)
        reviews = Reviews.load(engine, matches)
        keys = {m.outcome for m in reviews.matches}
        return cls(
            docs=docs,
            reviews=reviews,
            by_goal={m.goal: m for m in matches},
            latest=store.latest_years(engine),
            evidence={st.key: (rid, d, st) for rid, d, st in store.statements(engine, keys=keys)},
        )

    def status(self, st: Statement) -> GoalStatus:
        return self.reviews.status(st, self.by_goal.get(st.key), self.latest[st.region])

    def row(self, rid: int, doc_id: int, st: Statement, g: GoalStatus) -> list[object]:
        return csv_row(rid, doc_id, st, g, self.evidence, self.docs) + self.reviews.csv_extra(st.key, g)


def write_goals_csv(engine: Engine, out: TextIO, *, batch: int = 20000) -> None:
    """Stream the goals CSV to ``out`` (open it with ``newline=""``): the same text as ``goals_csv(engine)``."""
    goal_rows = _GoalRows.load(engine, dict(store.documents(engine)))
    out.write("\ufeff")
    w = SafeWriter(out)
    w.writerow(CSV_COLUMNS)
    for rows in store.statement_batches(engine, size=batch):
        for rid, doc_id, st in rows:
            if st.kind == "goal":
                w.writerow(goal_rows.row(rid, doc_id, st, goal_rows.status(st)))


def csv_row(
    rid: int,
    doc_id: int,
    st: Statement,
    g: GoalStatus,
    outcomes: Mapping[str, tuple[int, int, Statement]],
    docs: Mapping[int, Document],
) -> list[object]:
    """The CSV row of one goal without the review columns; ``outcomes``: statement key -> (row id, document id, statement)."""
    m = g.match
    o = outcomes.get(m.outcome) if m else None
    judged = m is not None and POSSIBLE not in m.flags  # possible evidence: no verdict or margin, flagged
    return [
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
        m.verdict if m and judged else "",
        "" if not m or not judged or m.margin is None else f"{m.margin:f}",
        " ".join(m.flags) if m else "",
        f"s{o[0]}" if o else "",
        docs[o[1]].source if o else "",
        str(o[2].period) if o else "",
        "" if not o or o[2].value is None else f"{o[2].value:f}",
        o[2].quote if o else "",
        g.reason_zh,
        g.reason_en,
    ]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def output_file(path: Path) -> Iterator[TextIO]:
    """Open ``path`` to write text (UTF-8, ``newline=""``) without ever destroying what is there.

    - a device, FIFO or socket (``/dev/null``, ``/dev/stdout``, a named pipe) is written through;
    - a symbolic link is followed: its target is replaced atomically and the link kept;
    - a file (new or existing) is written to a new temporary file beside it and renamed over it at
      the end (keeping its permissions): a failure leaves the previous file whole, and no other file
      is touched;
    - a folder is refused.
    """
    real = Path(os.path.realpath(path))
    if real.is_dir():
        raise TrackerError(f"{path}: is a folder; pass --output with a file name")
    if real.exists() and not real.is_file():
        with real.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        return
    real.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(real.stat().st_mode) if real.exists() else 0o666 & ~_umask()
    fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        tmp.chmod(mode)
        tmp.replace(real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure never leaves half a file
    (see ``output_file``: a device is written through, a symbolic link keeps pointing at the new file)."""
    with output_file(path) as fh:
        fh.write(data)
