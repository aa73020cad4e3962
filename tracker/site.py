"""Site: database rows -> typed, JSON-able page contexts -> static HTML (templates only display).

The site is built in a temporary folder beside the output folder and swapped in at
the end, so a failed run leaves the previous site in place.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import review, store
from tracker.export import build_export, goals_csv
from tracker.match import fmt, target_text
from tracker.models import Document, Statement
from tracker.paths import templates_dir

STATUSES = ["met", "partly", "missed", "not_comparable", "pending", "no_evidence", "needs_review"]
STATUS_ZH = {
    "met": "达成",
    "partly": "部分达成",
    "missed": "未达成",
    "not_comparable": "不可比",
    "pending": "待核",
    "no_evidence": "无证据",
    "needs_review": "需人工判断",
}
STATUS_EN = {
    "met": "met",
    "partly": "partly met",
    "missed": "missed",
    "not_comparable": "not comparable",
    "pending": "pending",
    "no_evidence": "no evidence",
    "needs_review": "needs review",
}


class Ctx(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportLink(Ctx):
    id: int
    region: str
    year: int
    source: str
    goals: int
    outcomes: int
    counts: dict[str, int]
    share_met: float | None


class IndexPage(Ctx):
    title: str
    reports: list[ReportLink]
    statuses: list[str]
    status_zh: dict[str, str]
    status_en: dict[str, str]


class Evidence(Ctx):
    quote: str
    report_id: int
    report: str
    year: int
    period: str
    value: str
    anchor: str


class ReviewEntry(Ctx):
    version: int
    at: str
    reviewer: str
    what: str
    note: str


class ReviewBox(Ctx):
    """A reviewer's decisions about a goal (``_partials/_review.html``)."""

    overridden: bool
    machine_status: str
    machine_status_zh: str
    machine_status_en: str
    reviewer: str
    at: str
    note: str
    history: list[ReviewEntry]


class GoalRow(Ctx):
    anchor: str
    section: str
    indicator: str
    measure: str
    period: str
    target: str
    quote: str
    status: str
    status_zh: str
    status_en: str
    margin: str
    reason_zh: str
    reason_en: str
    flags: list[str]
    evidence: Evidence | None
    review: ReviewBox | None = None


class ScorecardPage(Ctx):
    title: str
    report_id: int
    region: str
    year: int
    source: str
    meeting: str | None
    counts: dict[str, int]
    share_met: float | None
    goals: list[GoalRow]
    outcomes: int
    statuses: list[str]
    status_zh: dict[str, str]
    status_en: dict[str, str]


class SourcePage(Ctx):
    title: str
    report_id: int
    region: str
    year: int
    source: str
    html_text: str  # the source text, escaped, with <mark> around quoted spans


def _anchor(rid: int) -> str:
    return f"s{rid}"


def build_contexts(engine: Engine) -> tuple[IndexPage, list[ScorecardPage], list[SourcePage]]:
    docs = store.documents(engine, with_text=True)
    rows = store.statements(engine)
    reviewed = review.apply(rows, store.matches(engine), store.decisions(engine))
    statuses = {g.goal: g for g in reviewed.statuses}
    by_key = {st.key: (rid, doc_id, st) for rid, doc_id, st in rows}
    doc_by_id = dict(docs)
    reports: list[ReportLink] = []
    cards: list[ScorecardPage] = []
    sources: list[SourcePage] = []
    for doc_id, doc in docs:
        mine = [(rid, st) for rid, d, st in rows if d == doc_id]
        goals: list[GoalRow] = []
        for rid, st in mine:
            if st.kind != "goal":
                continue
            gs = statuses[st.key]
            ev = None
            if gs.match is not None and gs.match.outcome in by_key:
                orid, odoc, ost = by_key[gs.match.outcome]
                od = doc_by_id[odoc]
                ev = Evidence(
                    quote=ost.quote,
                    report_id=odoc,
                    report=od.source,
                    year=od.year,
                    period=str(ost.period),
                    value=fmt(ost.value, ost.unit),
                    anchor=_anchor(orid),
                )
            goals.append(
                GoalRow(
                    anchor=_anchor(rid),
                    section=st.section or "",
                    indicator=st.indicator.name,
                    measure=st.measure,
                    period=str(st.period),
                    target=target_text(st),
                    quote=st.quote,
                    status=gs.status,
                    status_zh=STATUS_ZH[gs.status],
                    status_en=STATUS_EN[gs.status],
                    margin="" if gs.match is None or gs.match.margin is None else fmt(gs.match.margin, st.unit),
                    reason_zh=gs.reason_zh,
                    reason_en=gs.reason_en,
                    flags=gs.match.flags if gs.match else [],
                    evidence=ev,
                    review=review_box(reviewed, st.key, by_key),
                )
            )
        counts = dict(Counter(g.status for g in goals))
        judged = sum(counts.get(s, 0) for s in ("met", "missed", "partly"))
        share = round(100 * counts.get("met", 0) / judged, 1) if judged else None
        n_out = sum(1 for _, st in mine if st.kind == "outcome")
        reports.append(
            ReportLink(
                id=doc_id,
                region=doc.region.name,
                year=doc.year,
                source=doc.source,
                goals=len(goals),
                outcomes=n_out,
                counts=counts,
                share_met=share,
            )
        )
        cards.append(
            ScorecardPage(
                title=f"{doc.region.name} {doc.year}年政府工作报告",
                report_id=doc_id,
                region=doc.region.name,
                year=doc.year,
                source=doc.source,
                meeting=doc.meeting,
                counts=counts,
                share_met=share,
                goals=goals,
                outcomes=n_out,
                statuses=STATUSES,
                status_zh=STATUS_ZH,
                status_en=STATUS_EN,
            )
        )
        sources.append(
            SourcePage(
                title=f"{doc.region.name} {doc.year} 原文",
                report_id=doc_id,
                region=doc.region.name,
                year=doc.year,
                source=doc.source,
                html_text=highlight(doc, mine),
            )
        )
    index = IndexPage(
        title="政府工作报告目标核对", reports=reports, statuses=STATUSES, status_zh=STATUS_ZH, status_en=STATUS_EN
    )
    return index, cards, sources


def review_box(reviewed: review.Reviewed, key: str, by_key: dict[str, tuple[int, int, Statement]]) -> ReviewBox | None:
    rv = reviewed.reviews.get(key)
    if rv is None:
        return None

    def sid(k: str | None) -> str:
        return _anchor(by_key[k][0]) if k in by_key else (k or "—")

    def what(d: store.Decision) -> str:
        if d.action == "verdict":
            return f"{d.before or '—'} → {d.after or 'machine'}"
        return f"{d.action} {sid(d.before)} → {sid(d.after)}" if d.action == "link" else f"unlink {sid(d.before)}"

    def when(d: store.Decision) -> str:
        return f"{d.created_at:%Y-%m-%d %H:%M} UTC" if d.created_at else ""

    return ReviewBox(
        overridden=rv.overridden,
        machine_status=reviewed.machine[key].status,
        machine_status_zh=STATUS_ZH[reviewed.machine[key].status],
        machine_status_en=STATUS_EN[reviewed.machine[key].status],
        reviewer=rv.last.reviewer,
        at=when(rv.last),
        note=rv.last.note,
        history=[
            ReviewEntry(version=d.version, at=when(d), reviewer=d.reviewer, what=what(d), note=d.note)
            for d in reversed(rv.history)
        ],
    )


def highlight(doc: Document, statements: list[tuple[int, Statement]]) -> str:
    """The escaped source text with every statement's span in a <mark id=…>."""
    text = doc.text
    spans = sorted(((st.span.start, st.span.end, rid, st.kind) for rid, st in statements), key=lambda t: (t[0], -t[1]))
    out: list[str] = []
    pos = 0
    for start, end, rid, kind in spans:
        if start < pos:  # overlapping quote (several statements from one clause): anchor only
            out.append(f'<span id="{_anchor(rid)}"></span>')
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark id="{_anchor(rid)}" class="{kind}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_html"] = Markup
    return env


def render_site(engine: Engine, out: Path) -> Path:
    """Write the whole site to ``out`` (atomically swapped in); returns the path of index.html."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        env = environment()
        index, cards, sources = build_contexts(engine)
        (tmp / "report").mkdir()
        (tmp / "source").mkdir()
        (tmp / "index.html").write_text(env.get_template("index.html").render(page=index, root="."), "utf-8")
        for card in cards:
            (tmp / "report" / f"{card.report_id}.html").write_text(
                env.get_template("scorecard.html").render(page=card, root=".."), "utf-8"
            )
        for src in sources:
            (tmp / "source" / f"{src.report_id}.html").write_text(
                env.get_template("source.html").render(page=src, root=".."), "utf-8"
            )
        (tmp / "methods.html").write_text(env.get_template("methods.html").render(root="."), "utf-8")
        (tmp / "export.json").write_text(build_export(engine).to_json(), "utf-8")
        (tmp / "goals.csv").write_text(goals_csv(engine), "utf-8")
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out / "index.html"
