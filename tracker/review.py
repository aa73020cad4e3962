"""Reviewers' workflow: overrides with an audit trail, kept across re-runs.

Every decision (a verdict, a link of a goal to an outcome the machine missed, or an
unlink of a wrong match) is an append-only row (``tracker.db.ReviewRow``) that names
the goal by its content key, never by a row id: re-extraction, ``run --replace`` and
re-matching leave the reviews alone. The machine's matches stay as the matcher wrote
them; :func:`apply` lays the reviews over them when the export and the site are built:

* the current verdict of a goal is its latest ``verdict`` decision, else the machine's;
* the current evidence is its latest ``link``/``unlink`` decision, else the machine's match;
* a decision whose goal (or linked outcome) is no longer extracted is reported, not dropped.

Each decision is made from a known version of the goal (the number of decisions so far);
of two reviewers deciding from the same version the later one gets a one-line error.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import store
from tracker.csvcell import SafeWriter, restore
from tracker.errors import TrackerError
from tracker.lexicon import Tolerances
from tracker.match import POSSIBLE, Judge, fmt, target_text
from tracker.models import GoalStatus, Match, Statement
from tracker.store import ConflictError, Decision

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Row = tuple[int, int, Statement]  # (statement row id, document id, statement)

#: what a reviewer may set; ``machine`` withdraws the override (back to the machine's verdict)
VERDICTS = ("met", "missed", "partly", "not_comparable", "no_evidence", "needs_review")
MACHINE = "machine"
STATUSES = ("met", "partly", "missed", "not_comparable", "pending", "no_evidence", "needs_review")
_MATCH_VERDICTS = {"met", "missed", "partly", "not_comparable"}
OVERRIDDEN = "overridden"
LINKED = "linked_by_reviewer"


class GoalReview(BaseModel):
    """The reviewed state of one goal, folded from its decisions (oldest first)."""

    model_config = ConfigDict(extra="forbid")

    goal_key: str
    version: int
    history: list[Decision]
    verdict: str | None = None  # the reviewer's verdict; None: the machine's
    link: str | None = None  # "link" or "unlink": the latest evidence decision, if any
    outcome: str | None = None  # the linked outcome's key
    outcome_missing: bool = False  # linked to an outcome that is no longer extracted
    overridden: bool = False  # the current verdict or evidence differs from the machine's
    machine_status: str | None = None
    moved_from: list[str] = []  # earlier keys of the goal whose reviews were re-attached by their quote

    @property
    def last(self) -> Decision:
        return self.history[-1]


def fold(history: list[Decision], key: str | None = None) -> GoalReview:
    """The state after ``history`` (in the order the decisions were made) of the goal ``key``.

    ``version`` counts the decisions stored under ``key`` itself: the next one is ``version + 1``.
    """
    key = key or history[0].goal_key
    rv = GoalReview(
        goal_key=key, version=max((d.version for d in history if d.goal_key == key), default=0), history=history
    )
    for d in history:
        if d.action == "verdict":
            rv.verdict = d.after
        else:
            rv.link = d.action
            rv.outcome = d.after if d.action == "link" else None
    return rv


@dataclass
class Reviewed:
    """The machine's results with the reviews laid over them."""

    matches: list[Match]  # current evidence of every goal that has one
    statuses: list[GoalStatus]  # current status of every goal, in statement order
    machine: dict[str, GoalStatus]  # the machine's status, by goal key
    reviews: dict[str, GoalReview]  # by goal key, for goals still extracted
    orphans: list[GoalReview] = field(default_factory=list)  # reviews of goals no longer extracted

    def notes(self) -> list[str]:
        """One line per review that could not be applied (goal or linked outcome gone)."""
        out = [
            f"review of goal {o.goal_key} ({o.last.goal_region} {o.last.goal_year}: {short(o.last.goal_quote)}) "
            f"by {o.last.reviewer}: the goal is no longer extracted; the review is kept "
            "(see `tracker review list --orphans`)"
            for o in self.orphans
        ]
        out += [
            f"review of goal {r.goal_key} links outcome {r.outcome}, which is no longer extracted; "
            "the machine's evidence is shown (relink with `tracker review link`)"
            for r in self.reviews.values()
            if r.outcome_missing
        ]
        return out


def short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def linked_match(judge: Judge, goal: Statement, out: Statement, reviewer: str) -> Match:
    """The verdict of a goal against the outcome a reviewer linked it to (same rules as the matcher)."""
    flags = [LINKED]
    if out.period.end < goal.period.end:
        flags.append("interim")
    elif out.period.end > goal.period.end:
        flags.append("evidence_after_deadline")
    note: tuple[str, str] | None = None
    margin = None
    same_indicator = goal.indicator.key == out.indicator.key or (
        goal.indicator.id is not None and goal.indicator.id == out.indicator.id
    )
    if goal.value is None or out.value is None:
        note = ("目标或证据没有数值", "the goal or the evidence has no figure")
    elif not same_indicator:
        note = (
            f"指标不同（{out.indicator.name}与{goal.indicator.name}），需复核人判定",
            f"different indicators ({out.indicator.name} vs {goal.indicator.name}): the reviewer must judge",
        )
    elif out.unit is not None and out.unit != goal.unit:
        note = (f"单位不同（{out.unit}与{goal.unit}）", f"the units differ ({out.unit} vs {goal.unit})")
    elif goal.measure != out.measure:
        note = (f"口径不同（{out.measure}与{goal.measure}）", f"the measures differ ({out.measure} vs {goal.measure})")
    if note is not None:
        verdict = "not_comparable"
    else:
        verdict, margin, vflags = judge.verdict(goal, out)
        flags += [f for f in vflags if f not in flags]
    zh, en = judge.reason(goal, out, verdict, flags, note)
    return Match(
        goal=goal.key,
        outcome=out.key,
        verdict=verdict,  # type: ignore[arg-type]
        margin=margin,
        flags=flags,
        reason_zh=f"{zh}（证据由复核人{reviewer}指定）",
        reason_en=f"{en} (evidence linked by reviewer {reviewer})",
    )


def apply(
    rows: list[Row],
    matches: list[Match],
    decisions: list[Decision],
    *,
    tolerances: Tolerances | None = None,
    latest_years: Mapping[str, int] | None = None,
) -> Reviewed:
    """Lay the reviewers' decisions over the machine's matches (pure).

    ``tolerances`` are the ones the matcher ran with; a reviewer's link is judged with them.
    ``latest_years``: region -> latest report year of the whole database, when ``rows`` are only
    some statements (every reviewed goal and linked outcome, so that nothing is orphaned).
    """
    by_key = {st.key: st for _, _, st in rows}
    latest: dict[str, int] = dict(latest_years or {})
    if latest_years is None:
        for _, _, st in rows:
            latest[st.region] = max(latest.get(st.region, 0), st.report_year)
    machine_match = {m.goal: m for m in matches}
    grouped: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        grouped[d.goal_key].append(d)
    # a goal whose key changed (a tracker upgrade reads it differently) keeps its reviews when
    # exactly one goal of the same report still has the quote the review was made on
    by_quote: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for _, _, st in rows:
        if st.kind == "goal":
            by_quote[(st.region, st.report_year, st.quote)].append(st.key)
    moved: dict[str, list[str]] = defaultdict(list)
    for key, hist in list(grouped.items()):
        if key in by_key:
            continue
        last = max(hist, key=lambda d: d.version)
        cands = by_quote.get((last.goal_region, last.goal_year, last.goal_quote), [])
        if len(cands) == 1:
            moved[cands[0]].append(key)
            grouped[cands[0]].extend(grouped.pop(key))
    reviews: dict[str, GoalReview] = {}
    orphans: list[GoalReview] = []
    for key, hist in grouped.items():
        if key in by_key:
            order = sorted(hist, key=lambda d: (d.created_at or _EPOCH, d.version))
            folded = fold(order, key)
            folded.moved_from = sorted(moved.get(key, []))
            reviews[key] = folded
        else:
            orphans.append(fold(sorted(hist, key=lambda d: d.version)))
    judge: Judge | None = None
    out_matches: list[Match] = []
    statuses: list[GoalStatus] = []
    machine: dict[str, GoalStatus] = {}
    for _, _, st in rows:
        if st.kind != "goal":
            continue
        m = machine_match.get(st.key)
        year = latest[st.region]
        ms = Judge.status(st, m, year)
        machine[st.key] = ms
        rv = reviews.get(st.key)
        if rv is None:
            if m is not None:
                out_matches.append(m)
            statuses.append(ms)
            continue
        rv.machine_status = ms.status
        eff = m
        if rv.link == "unlink":
            eff = None
        elif rv.link == "link" and rv.outcome is not None:
            out = by_key.get(rv.outcome)
            if out is None:
                rv.outcome_missing = True
            else:
                judge = judge or Judge(tolerances=tolerances)
                eff = linked_match(judge, st, out, _who(rv, "link"))
        gs = Judge.status(st, eff, year)
        changed = (eff.outcome if eff else None) != (m.outcome if m else None)
        if rv.link == "unlink" and m is not None:
            u = _last(rv, "unlink")
            gs = gs.model_copy(
                update={
                    "reason_zh": f"复核人{u.reviewer}撤销了机器匹配的证据：{u.note}；{gs.reason_zh}",
                    "reason_en": f"reviewer {u.reviewer} removed the machine's evidence: {u.note}; {gs.reason_en}",
                }
            )
        if rv.verdict is not None:
            d = _last(rv, "verdict")
            gs = GoalStatus(
                goal=st.key,
                status=rv.verdict,  # type: ignore[arg-type]
                match=gs.match,
                reason_zh=f"复核人{d.reviewer}判定：{d.note}（机器判定：{ms.status}；{ms.reason_zh}）",
                reason_en=f"set by reviewer {d.reviewer}: {d.note} (machine: {ms.status}; {ms.reason_en})",
            )
        changed = changed or gs.status != ms.status
        rv.overridden = changed
        if eff is not None:
            flags = list(eff.flags)
            if rv.verdict is not None:  # a reviewer's verdict on possible evidence makes it the evidence
                flags = [f for f in flags if f != POSSIBLE]
            if changed and OVERRIDDEN not in flags:
                flags.append(OVERRIDDEN)
            upd: dict[str, object] = {"flags": flags}
            if rv.verdict is not None:  # the reviewer's verdict and reason replace the machine's
                upd.update(reason_zh=gs.reason_zh, reason_en=gs.reason_en)
                if gs.status in _MATCH_VERDICTS:
                    upd["verdict"] = gs.status
            eff = eff.model_copy(update=upd)
            out_matches.append(eff)
            gs = gs.model_copy(update={"match": eff})
        statuses.append(gs)
    return Reviewed(matches=out_matches, statuses=statuses, machine=machine, reviews=reviews, orphans=orphans)


def _last(rv: GoalReview, action: str) -> Decision:
    return next(d for d in reversed(rv.history) if d.action == action)


def _who(rv: GoalReview, action: str) -> str:
    return _last(rv, action).reviewer


# ---------------------------------------------------------------------- the database side


@dataclass
class State:
    rows: list[Row]
    reviewed: Reviewed
    ids: dict[str, int]  # statement key -> row id (the export's s-number)
    by_key: dict[str, Row]
    docs: dict[int, str]  # document id -> source

    def sid(self, key: str | None) -> str:
        return f"s{self.ids[key]}" if key in self.ids else (key or "")


def load(engine: Engine) -> State:
    rows = store.statements(engine)
    rv = apply(rows, store.matches(engine), store.decisions(engine))
    docs = {i: d.source for i, d in store.documents(engine)}
    return State(
        rows=rows, reviewed=rv, ids={st.key: rid for rid, _, st in rows}, by_key={r[2].key: r for r in rows}, docs=docs
    )


def orphan_notes(engine: Engine) -> list[str]:
    """The reviews that could not be applied to the current statements, one line each."""
    if not store.decisions(engine):
        return []
    return load(engine).reviewed.notes()


def resolve(state: State, ref: str, kind: str) -> Row:
    """A statement by export id (``s123``) or content key; a one-line error otherwise."""
    ref = ref.strip()
    row: Row | None = None
    if ref[:1] in ("s", "S") and ref[1:].isdigit():
        rid = int(ref[1:])
        row = next((r for r in state.rows if r[0] == rid), None)
    else:
        row = state.by_key.get(ref)
    if (
        row is None
        and ref[:1] in ("s", "S")
        and ref[1:].isdigit()
        and int(ref[1:]) <= max((r[0] for r in state.rows), default=0)
    ):
        raise TrackerError(
            f"{ref}: no statement has this id now (ids of a report replaced or read again since you listed it "
            "are not reused; list the goals again with `tracker review list`, or pass the statement key)"
        )
    if row is None:
        raise TrackerError(
            f"{ref}: no such statement in the database (use an id such as s123 from `tracker review list` or the export, or a statement key)"
        )
    if row[2].kind != kind:
        raise TrackerError(
            f"{ref}: is {'an' if row[2].kind == 'outcome' else 'a'} {row[2].kind}, not {'an' if kind == 'outcome' else 'a'} {kind}"
        )
    return row


def _check_text(note: str, by: str) -> None:
    if not by.strip():
        raise TrackerError("every decision names its reviewer: pass --by NAME")
    if not note.strip():
        raise TrackerError("every decision carries a note saying why: pass --note TEXT")


def _version(state: State, key: str, expected: int | None) -> int:
    rv = state.reviewed.reviews.get(key)
    current = rv.version if rv else 0
    if expected is not None and expected != current:
        who = f" (latest by {rv.last.reviewer} at {rv.last.created_at:%Y-%m-%d %H:%M})" if rv else ""
        raise ConflictError(
            f"goal {state.sid(key)} is at version {current}{who}, not {expected}: "
            "another decision was recorded since you looked; check `tracker review history` and decide again"
        )
    return current


def _status(state: State, key: str) -> GoalStatus:
    return next(g for g in state.reviewed.statuses if g.goal == key)


def _decision(goal: Statement, action: str, before: str | None, after: str | None, note: str, by: str) -> Decision:
    return Decision(
        goal_key=goal.key,
        action=action,
        before=before,
        after=after,
        note=note.strip(),
        reviewer=by.strip(),
        goal_region=goal.region,
        goal_year=goal.report_year,
        goal_quote=goal.quote,
    )


def plan_verdict(state: State, goal_ref: str, verdict: str, note: str, by: str) -> Decision:
    _check_text(note, by)
    if verdict not in (*VERDICTS, MACHINE):
        raise TrackerError(f"{verdict}: not a verdict (use one of {', '.join((*VERDICTS, MACHINE))})")
    _, _, goal = resolve(state, goal_ref, "goal")
    before = _status(state, goal.key).status
    return _decision(goal, "verdict", before, None if verdict == MACHINE else verdict, note, by)


def plan_link(state: State, goal_ref: str, outcome_ref: str | None, note: str, by: str) -> Decision:
    """A link of the goal to an outcome (``outcome_ref``), or an unlink (``None``)."""
    _check_text(note, by)
    _, _, goal = resolve(state, goal_ref, "goal")
    current = _status(state, goal.key).match
    before = current.outcome if current else None
    if outcome_ref is None:
        if current is None:
            raise TrackerError(f"{goal_ref}: the goal has no evidence to unlink")
        return _decision(goal, "unlink", before, None, note, by)
    _, _, out = resolve(state, outcome_ref, "outcome")
    if out.region != goal.region:
        raise TrackerError(
            f"{outcome_ref}: the outcome is about {out.region}, the goal about {goal.region}; link an outcome of the same region"
        )
    if before == out.key:
        raise TrackerError(f"{goal_ref}: the goal is already matched to {outcome_ref}")
    return _decision(goal, "link", before, out.key, note, by)


def record(engine: Engine, state: State, decisions: list[Decision], expected: int | None = None) -> list[Decision]:
    """Store decisions, each from the version of its goal in ``state`` (or ``expected``)."""
    items = [(d, _version(state, d.goal_key, expected)) for d in decisions]
    try:
        return store.add_decisions(engine, items=items)
    except ConflictError as exc:
        labels = ", ".join(sorted({state.sid(d.goal_key) for d in decisions}))
        raise ConflictError(
            f"goal {labels}: another reviewer recorded a decision since you looked; nothing was saved "
            "(check `tracker review history` and try again)"
        ) from exc


def set_verdict(
    engine: Engine, goal: str, verdict: str, *, note: str, by: str, expected: int | None = None
) -> Decision:
    state = load(engine)
    return record(engine, state, [plan_verdict(state, goal, verdict, note, by)], expected)[0]


def link(
    engine: Engine, goal: str, outcome: str | None, *, note: str, by: str, expected: int | None = None
) -> Decision:
    """Link ``goal`` to ``outcome``; ``outcome=None`` unlinks its current evidence."""
    state = load(engine)
    return record(engine, state, [plan_link(state, goal, outcome, note, by)], expected)[0]


def history(engine: Engine, goal: str) -> tuple[str, list[Decision]]:
    """(label, decisions oldest first) of a goal, by id or key (also for a goal no longer extracted)."""
    state = load(engine)
    key = goal.strip()
    if not (key in state.by_key or key in {o.goal_key for o in state.reviewed.orphans}):
        key = resolve(state, goal, "goal")[2].key
    rv = state.reviewed.reviews.get(key)
    return state.sid(key), rv.history if rv else store.decisions(engine, goal_key=key)


# ---------------------------------------------------------------------- listing


class ListedGoal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    key: str
    region: str
    report: str
    report_year: int
    indicator: str
    period: str
    target: str
    quote: str
    machine_status: str
    status: str
    outcome_id: str
    outcome_key: str
    outcome_quote: str
    reason_en: str
    reviewed_by: str
    review_note: str
    version: int
    overridden: bool


def listed(
    state: State, *, statuses: tuple[str, ...] = (), reports: tuple[str, ...] = (), reviewed: bool | None = None
) -> list[ListedGoal]:
    """The goals to review, filtered by current status, report (file name, d-id or region) and reviewed or not."""
    want_reports = {r.strip() for r in reports}
    out: list[ListedGoal] = []
    gs_by = {g.goal: g for g in state.reviewed.statuses}
    for rid, doc_id, st in state.rows:
        if st.kind != "goal":
            continue
        src = state.docs[doc_id]
        if want_reports and not want_reports & {src, f"d{doc_id}", st.region}:
            continue
        gs = gs_by[st.key]
        if statuses and gs.status not in statuses:
            continue
        rv = state.reviewed.reviews.get(st.key)
        if reviewed is not None and (rv is not None) != reviewed:
            continue
        m = gs.match
        o = state.by_key.get(m.outcome) if m else None
        out.append(
            ListedGoal(
                id=f"s{rid}",
                key=st.key,
                region=st.region,
                report=src,
                report_year=st.report_year,
                indicator=st.indicator.name,
                period=str(st.period),
                target=target_text(st),
                quote=st.quote,
                machine_status=state.reviewed.machine[st.key].status,
                status=gs.status,
                outcome_id=f"s{o[0]}" if o else "",
                outcome_key=o[2].key if o else "",
                outcome_quote=o[2].quote if o else "",
                reason_en=gs.reason_en,
                reviewed_by=rv.last.reviewer if rv else "",
                review_note=rv.last.note if rv else "",
                version=rv.version if rv else 0,
                overridden=bool(rv and rv.overridden),
            )
        )
    return out


def outcome_value(st: Statement) -> str:
    return fmt(st.value, st.unit)


# ---------------------------------------------------------------------- CSV round trip

CSV_COLUMNS = [
    "goal_id",
    "goal_key",
    "region",
    "report",
    "report_year",
    "indicator",
    "period",
    "target",
    "goal_quote",
    "machine_status",
    "status",
    "outcome_id",
    "outcome_key",
    "outcome_quote",
    "reason_en",
    "reviewed_by",
    "review_version",
    # the reviewer fills these in
    "new_verdict",
    "new_outcome",
    "note",
]
EDITABLE = ("new_verdict", "new_outcome", "note")
UNLINK = "none"


def export_csv(goals: list[ListedGoal]) -> str:
    """The goals to review as CSV (UTF-8 with BOM for Excel); fill in new_verdict / new_outcome and note.

    Every row is one line (a line break in a cell is written as a space: an import refuses a row
    that runs over several lines, the sign of an unbalanced quote); cells a spreadsheet would take
    for a formula are neutralised (``tracker.csvcell``)."""
    buf = io.StringIO()
    w = SafeWriter(buf)
    w.writerow(CSV_COLUMNS)
    for g in goals:
        w.writerow(
            _one_line(v)
            for v in [
                g.id,
                g.key,
                g.region,
                g.report,
                g.report_year,
                g.indicator,
                g.period,
                g.target,
                g.quote,
                g.machine_status,
                g.status,
                g.outcome_id,
                g.outcome_key,
                g.outcome_quote,
                g.reason_en,
                g.reviewed_by,
                g.version,
                "",
                "",
                "",
            ]
        )
    return "\ufeff" + buf.getvalue()


def _one_line(v: object) -> object:
    return " ".join(v.splitlines()) if isinstance(v, str) else v


def read_rows(path: Path, text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """(header, [(line, row)], problems) of a review sheet; a problem is ``FILE:LINE: what (what to do)``.

    Strict: a row must be one line with as many fields as the header (a line break inside a
    field is how an unbalanced quote swallows the rows below it); a malformed quote or a field
    over the csv module's limit is a problem, and reading stops there. Cells are restored
    (``tracker.csvcell.restore``) from what the export neutralised."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    while True:
        start = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field limit" in str(exc):
                problems.append(
                    f"{path}:{start}: a field is longer than {csv.field_size_limit()} characters "
                    "(shorten the note; keep the exported cells as they are)"
                )
            else:
                problems.append(
                    f'{path}:{start}: not valid CSV ({exc}): an unbalanced quote "? '
                    "(fix the quotes of this row, or save the sheet again as CSV)"
                )
            break
        if not rec:
            continue  # a blank line
        end = reader.line_num
        if end > start:
            problems.append(
                f"{path}:{start}: the row runs on to line {end}: a line break inside a field, or an unbalanced "
                'quote " swallowing the rows below (keep every row on one line; fix the quotes)'
            )
            continue
        if not header:
            header = [restore(c).strip() for c in rec]
            continue
        if len(rec) != len(header):
            kind = "short" if len(rec) < len(header) else "long"
            problems.append(
                f"{path}:{start}: a {kind} row: {len(rec)} field(s), the header has {len(header)} "
                "(a comma missing or too many, or a quote out of place; keep the exported columns)"
            )
            continue
        rows.append((start, dict(zip(header, (restore(c) for c in rec), strict=True))))
    return header, rows, problems


@dataclass
class ImportResult:
    decisions: list[Decision]
    errors: list[str]
    rows: int  # data rows read
    unchanged: int  # rows with nothing filled in


def _read_csv(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise TrackerError(f"{path}: not UTF-8 or GB18030 text (save the sheet as CSV UTF-8)")


def plan_import(state: State, path: Path, by: str) -> ImportResult:
    """Validate a reviewed CSV; every problem is one line ``FILE:LINE: problem (what to do)``."""
    if not by.strip():
        raise TrackerError("every decision names its reviewer: pass --by NAME")
    header, records, problems = read_rows(path, _read_csv(path))
    if problems and not header:
        raise TrackerError(problems[0])
    missing = [c for c in ("goal_id", "goal_key", "review_version", *EDITABLE) if c not in header]
    if missing:
        raise TrackerError(
            f"{path}: missing column(s) {', '.join(missing)} (start from `tracker review export`, keep its header)"
        )
    res = ImportResult(decisions=[], errors=problems, rows=0, unchanged=0)
    seen: dict[str, int] = {}
    for line, rec in records:
        res.rows += 1
        where = f"{path}:{line}"
        verdict = (rec.get("new_verdict") or "").strip()
        outcome = (rec.get("new_outcome") or "").strip()
        note = (rec.get("note") or "").strip()
        if not verdict and not outcome:
            if note:
                res.errors.append(f"{where}: a note but no new_verdict or new_outcome (fill one in, or clear the note)")
            else:
                res.unchanged += 1
            continue
        ref = (rec.get("goal_key") or "").strip() or (rec.get("goal_id") or "").strip()
        if ref and ref == (rec.get("goal_key") or "").strip() and ref not in state.by_key:
            res.errors.append(
                f"{where}: goal {rec.get('goal_id') or ref} is no longer extracted as exported "
                "(its report changed since the export; export again and redo this row)"
            )
            continue
        try:
            goal = resolve(state, ref, "goal")[2]
        except TrackerError as exc:
            res.errors.append(f"{where}: {exc}")
            continue
        if goal.key in seen:
            res.errors.append(f"{where}: goal {ref} also on line {seen[goal.key]} (one row per goal)")
            continue
        seen[goal.key] = line
        if not note:
            res.errors.append(f"{where}: goal {state.sid(goal.key)}: a note is required (say why)")
            continue
        try:
            version = int((rec.get("review_version") or "0").strip() or "0")
        except ValueError:
            res.errors.append(
                f"{where}: review_version {rec.get('review_version')!r} is not a number (keep the exported value)"
            )
            continue
        try:
            _version(state, goal.key, version)
            if outcome:
                res.decisions.append(
                    plan_link(state, goal.key, None if outcome.lower() == UNLINK else outcome, note, by)
                )
            if verdict:
                res.decisions.append(plan_verdict(state, goal.key, verdict, note, by))
        except TrackerError as exc:
            res.errors.append(f"{where}: {exc}")
    return res


def import_csv(engine: Engine, path: Path, *, by: str, dry_run: bool = False) -> ImportResult:
    """Validate a reviewed CSV and, unless ``dry_run`` or invalid, store all its decisions in one transaction."""
    state = load(engine)
    res = plan_import(state, path, by)
    if res.errors or dry_run or not res.decisions:
        return res
    items = []
    for d in res.decisions:
        rv = state.reviewed.reviews.get(d.goal_key)
        items.append((d, rv.version if rv else 0))
    # consecutive decisions on one goal (a link then a verdict) take consecutive versions
    try:
        res.decisions = store.add_decisions(engine, items=items)
    except ConflictError as exc:
        raise ConflictError(
            f"{path}: another reviewer recorded a decision on one of these goals meanwhile; nothing was imported "
            "(export again and redo the rows)"
        ) from exc
    return res


def confirmation(state: State, d: Decision) -> str:
    """The line confirming a recorded decision: the goal's id and (shortened) quote, what changed, who and why."""
    return (
        f"{state.sid(d.goal_key)} “{short(d.goal_quote, 40)}”: {describe(state, d)} "
        f"(version {d.version}, by {d.reviewer}: {d.note})"
    )


def describe(state: State, d: Decision) -> str:
    """One line for a decision: ``link s12 -> s40``, ``verdict no_evidence -> missed``."""
    if d.action == "verdict":
        return f"verdict {d.before or '—'} → {d.after or MACHINE}"
    if d.action == "link":
        return f"link {state.sid(d.before) or '—'} → {state.sid(d.after)}"
    return f"unlink {state.sid(d.before) or '—'}"
