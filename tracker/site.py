"""Site: database rows -> typed, JSON-able page contexts -> static HTML (templates only display).

The site is built in a temporary folder beside the output folder and swapped in at
the end, so a failed run leaves the previous site in place.
"""

from __future__ import annotations

import csv
import ctypes
import html
import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import store
from tracker.export import (
    CSV_COLUMNS,
    ExportStatement,
    csv_row,
    dump_json,
    export_document,
    export_matches,
    export_statement,
    export_status,
    goal_statuses,
    json_record,
)
from tracker.match import Judge, fmt, target_text
from tracker.models import Document, GoalStatus, Statement
from tracker.paths import templates_dir

RENDER_BATCH = 20000  # statements rendered at a time (whole reports)
TMP_TAG = "building-"  # temporary build folders are named .<out>.building-XXXX beside the output folder
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


Rows = list[tuple[int, int, Statement]]


Pages = tuple[ReportLink, ScorecardPage, SourcePage]


def iter_pages(engine: Engine, rows: Rows | None = None) -> Iterator[Pages]:
    """Page contexts one report at a time (the source text is loaded per report, not all at once)."""
    docs = store.documents(engine)
    rows = store.statements(engine) if rows is None else rows
    matches = store.matches(engine)
    statuses = {g.goal: g for g in goal_statuses(rows, matches)}
    by_key = {st.key: (rid, doc_id, st) for rid, doc_id, st in rows}
    by_doc: dict[int, list[tuple[int, Statement]]] = defaultdict(list)
    for rid, d, st in rows:
        by_doc[d].append((rid, st))
    doc_by_id = dict(docs)
    for doc_id, doc in docs:
        yield pages_for(engine, doc_id, doc, by_doc.get(doc_id, []), statuses, by_key, doc_by_id)


def pages_for(
    engine: Engine,
    doc_id: int,
    doc: Document,
    mine: list[tuple[int, Statement]],
    statuses: Mapping[str, GoalStatus],
    by_key: Mapping[str, tuple[int, int, Statement]],
    doc_by_id: Mapping[int, Document],
) -> Pages:
    """The index entry, scorecard and source page of one report.

    ``mine``: its statements; ``statuses``: goal key -> status; ``by_key``: statement key ->
    (row id, document id, statement), at least for the outcomes its goals are matched to.
    """
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
            )
        )
    counts = dict(Counter(g.status for g in goals))
    judged = sum(counts.get(s, 0) for s in ("met", "missed", "partly"))
    share = round(100 * counts.get("met", 0) / judged, 1) if judged else None
    n_out = sum(1 for _, st in mine if st.kind == "outcome")
    link = ReportLink(
        id=doc_id,
        region=doc.region.name,
        year=doc.year,
        source=doc.source,
        goals=len(goals),
        outcomes=n_out,
        counts=counts,
        share_met=share,
    )
    card = ScorecardPage(
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
    source = SourcePage(
        title=f"{doc.region.name} {doc.year} 原文",
        report_id=doc_id,
        region=doc.region.name,
        year=doc.year,
        source=doc.source,
        html_text=highlight(store.document(engine, doc_id=doc_id), mine),
    )
    return link, card, source


def index_page(reports: list[ReportLink]) -> IndexPage:
    return IndexPage(
        title="政府工作报告目标核对", reports=reports, statuses=STATUSES, status_zh=STATUS_ZH, status_en=STATUS_EN
    )


def build_contexts(engine: Engine, rows: Rows | None = None) -> tuple[IndexPage, list[ScorecardPage], list[SourcePage]]:
    reports: list[ReportLink] = []
    cards: list[ScorecardPage] = []
    sources: list[SourcePage] = []
    for link, card, source in iter_pages(engine, rows):
        reports.append(link)
        cards.append(card)
        sources.append(source)
    return index_page(reports), cards, sources


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


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _recover(out: Path) -> None:
    """Undo what a killed run may have left: the site moved aside, half-built temporary folders."""
    old = out.with_name(f".{out.name}.old")
    if not out.exists() and old.is_dir():
        old.rename(out)  # killed between moving the site aside and moving the new one in
    for p in out.parent.iterdir():
        if p.is_dir() and (p == old or p.name.startswith(f".{out.name}.{TMP_TAG}")):
            shutil.rmtree(p, ignore_errors=True)


def _swap_in(tmp: Path, out: Path) -> None:
    """Put the built folder ``tmp`` at ``out``; the previous site stays in place until then."""
    if out.is_dir() and _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous site
        return
    old = out.with_name(f".{out.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    if old.exists():
        shutil.rmtree(old)


def render_site(
    engine: Engine, out: Path, *, rows: Rows | None = None, extra_files: dict[str, str] | None = None
) -> Path:
    """Write the whole site to ``out`` (atomically swapped in); returns the path of index.html.

    One pass over the statements, a few reports at a time, writes the pages, export.json
    and goals.csv together, so memory does not grow with the size of the database.
    ``rows``: the statements, when the caller has them loaded already; ``extra_files``: more files to write.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{TMP_TAG}", dir=out.parent))
    try:
        env = environment()
        (tmp / "report").mkdir()
        (tmp / "source").mkdir()
        card_t, source_t = env.get_template("scorecard.html"), env.get_template("source.html")
        docs = store.documents(engine)
        doc_by_id = dict(docs)
        matches = store.matches(engine)
        by_goal = {m.goal: m for m in matches}
        latest = store.latest_years(engine)
        ids = store.statement_ids(engine)
        evidence = {st.key: (rid, d, st) for rid, d, st in store.statements(engine, keys={m.outcome for m in matches})}
        links: dict[int, ReportLink] = {}

        def write_pages(pages: Pages) -> None:
            link, card, src = pages
            links[link.id] = link
            (tmp / "report" / f"{card.report_id}.html").write_text(card_t.render(page=card, root=".."), "utf-8")
            (tmp / "source" / f"{src.report_id}.html").write_text(source_t.render(page=src, root=".."), "utf-8")

        with (
            (tmp / "export.json").open("w", encoding="utf-8") as jf,
            (tmp / "goals.csv").open("w", encoding="utf-8", newline="") as cf,
            tempfile.TemporaryFile("w+", encoding="utf-8") as status_lines,
        ):
            cf.write("\ufeff")
            w = csv.writer(cf)
            w.writerow(CSV_COLUMNS)

            def stream() -> Iterator[ExportStatement]:
                for batch in [rows] if rows is not None else store.statement_batches(engine, size=RENDER_BATCH):
                    by_doc: dict[int, list[tuple[int, Statement]]] = defaultdict(list)
                    statuses: dict[str, GoalStatus] = {}
                    for rid, d, st in batch:
                        by_doc[d].append((rid, st))
                        if st.kind == "goal":
                            g = Judge.status(st, by_goal.get(st.key), latest[st.region])
                            statuses[st.key] = g
                            w.writerow(csv_row(rid, d, st, g, evidence, doc_by_id))
                            status_lines.write(json_record(export_status(rid, g)) + "\n")
                    for d, mine in by_doc.items():
                        write_pages(pages_for(engine, d, doc_by_id[d], mine, statuses, evidence, doc_by_id))
                    for rid, d, st in batch:
                        yield export_statement(rid, d, st)

            def saved_statuses() -> Iterator[str]:
                status_lines.seek(0)
                for line in status_lines:
                    yield line.rstrip("\n")

            dump_json(
                jf,
                (export_document(i, d) for i, d in docs),
                stream(),
                export_matches(matches, ids),
                saved_statuses(),
            )
        for doc_id, doc in docs:  # reports without a single statement still get their pages
            if doc_id not in links:
                write_pages(pages_for(engine, doc_id, doc, [], {}, evidence, doc_by_id))
        index = index_page([links[doc_id] for doc_id, _ in docs])
        (tmp / "index.html").write_text(env.get_template("index.html").render(page=index, root="."), "utf-8")
        (tmp / "methods.html").write_text(env.get_template("methods.html").render(root="."), "utf-8")
        for name, data in (extra_files or {}).items():
            (tmp / name).write_text(data, "utf-8")
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out / "index.html"
