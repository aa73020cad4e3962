"""Site: database rows -> typed, JSON-able page contexts -> static HTML (templates only display).

Every page is described by a pydantic model built here (``build_site``); the Jinja2
templates in ``templates/`` only lay those models out, with autoescape and
StrictUndefined, so no text taken from a report reaches the page unescaped. Links in
the contexts are relative to the site root; each page carries ``root`` (the way back
to the root from where the page lives), so the site works from ``file://`` and on any
static host. The site is built in a temporary folder beside the output folder and
swapped in at the end, so a failed run leaves the previous site in place.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import itertools
import math
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import review, store
from tracker.errors import TrackerError
from tracker.export import write_export_and_csv
from tracker.lexicon import Tolerance, Tolerances, lexicon
from tracker.match import fmt, target_text
from tracker.models import Document, GoalStatus, Match, Region, Statement
from tracker.paths import templates_dir

RENDER_BATCH = 20000  # statements streamed into export.json and goals.csv at a time (whole reports)
TMP_TAG = "building-"  # temporary build folders are named .<out>.building-XXXX beside the output folder
STATUSES = ["met", "partly", "missed", "not_comparable", "pending", "no_evidence", "needs_review"]
JUDGED = ("met", "partly", "missed")
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
STATUS_NOTE = {
    "met": ("后续报告的结果达到目标", "a later report's result reaches the target"),
    "partly": ("达到底线目标，未达到力争目标", "the floor is reached, the stretch target is not"),
    "missed": ("后续报告的结果未达到目标", "a later report's result falls short of the target"),
    "not_comparable": (
        "找到的结果与目标口径不同（相近指标、年均与单年增长）",
        "the result found measures something close but different (a related indicator, one year vs an average)",
    ),
    "pending": ("目标期尚未结束或尚无后续报告", "the period is not over, or no later report is on hand yet"),
    "no_evidence": (
        "后续报告中未找到同一地区、指标、时期的结果；不等于未达成",
        "no later report gives a result for the same region, indicator and period; not a miss",
    ),
    "needs_review": ("目标没有数值，需人工判断", "a target without a figure: a person must judge"),
}
FLAGS = {
    "overridden": ("人工改判", "overridden by a reviewer"),
    "linked_by_reviewer": ("证据由复核人指定", "evidence linked by a reviewer"),
    "evidence_after_deadline": ("证据晚于目标期限", "evidence from after the deadline"),
    "interim": ("期中数据", "interim figure"),
    "approximate": ("含约数", "approximate figures"),
    "several_outcomes": ("有多个结果，取最新报告", "several results: the latest report's is used"),
    "proxy_indicator": ("相近指标", "a related indicator"),
    "end_of_period": ("多年回顾中截至该年的水平", "the level a multi-year review gives for its last year"),
}
MEASURES = {
    "level": ("水平", "level"),
    "share": ("占比", "share"),
    "cumulative": ("累计", "cumulative"),
    "growth": ("增长", "growth"),
    "avg_growth": ("年均增长", "average annual growth"),
    "decline": ("下降", "decline"),
    "avg_decline": ("年均下降", "average annual decline"),
    "cumulative_decline": ("累计下降", "cumulative decline"),
    "cumulative_growth": ("累计增长", "cumulative growth"),
    "increase": ("新增", "increase"),
}
LEVELS = {
    "national": ("全国", "national"),
    "provincial": ("省级", "provincial"),
    "municipal": ("地市级", "municipal"),
    "district": ("区级", "district"),
    "county": ("县级", "county"),
}
KINDS = {"goal": ("目标", "target"), "outcome": ("结果", "outcome")}
PERIOD_KINDS = {
    "past_years": ("报告年之前的{n}年", "the {n} years before the report year"),
    "next_years": ("从报告年起的{n}年", "{n} years from the report year on"),
    "last_year": ("报告年的前一年", "the year before the report"),
    "this_year": ("报告年", "the report year"),
    "plan_start": ("所指五年规划的第一年", "the first year of the five-year plan it names"),
}
OTHER_SECTION = "其他 Other"


class Ctx(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------- shared pieces


class Label(Ctx):
    zh: str
    en: str


class Option(Ctx):
    value: str
    label: str


class Filters(Ctx):
    """What a filter form offers; an empty list hides that select. Works only with JavaScript."""

    table: str  # id of the table the form filters
    statuses: list[Option] = []
    indicators: list[Option] = []
    regions: list[Option] = []
    total: int


class StatusCount(Ctx):
    status: str
    zh: str
    en: str
    n: int
    pct: float  # share of all goals, for the bar
    href: str | None = None  # the goals of that status, on the all-goals page


class Summary(Ctx):
    goals: int
    counts: list[StatusCount]  # in STATUSES order, zero counts left out
    judged: int  # met + partly + missed
    met: int
    share_met: float | None  # met / judged, in %


class Badge(Ctx):
    """An extra badge on a goal row (e.g. a reviewer's override); ``css`` is a class name."""

    css: str
    zh: str
    en: str
    title: str = ""


class Link(Ctx):
    href: str
    zh: str
    en: str


class Page(Ctx):
    title: str
    root: str  # from the page back to the site root: "." or ".."


# ---------------------------------------------------------------------------- index


class ReportLink(Ctx):
    id: int
    href: str
    source_href: str
    title: str
    region: str
    year: int
    source: str
    outcomes: int
    summary: Summary


class IndicatorLink(Ctx):
    href: str
    region: str
    indicator: str
    goals: int
    outcomes: int


class RegionGroup(Ctx):
    name: str
    level: Label
    parent: str | None
    reports: list[ReportLink]
    indicators: list[IndicatorLink]


START_HERE = 3  # scorecards suggested to a newcomer on the index


class IndexPage(Page):
    regions: list[RegionGroup]
    start: list[ReportLink]  # where a newcomer looks first: the reports with the most judged goals
    summary: Summary
    downloads: list[Link]
    filters: Filters


# ---------------------------------------------------------------------------- goal rows


class Evidence(Ctx):
    quote: str
    href: str  # the highlighted sentence in the source page
    report_id: int
    report: str  # source file name
    report_title: str
    report_year: int
    period: str
    value: str


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
    """One goal with its verdict; new optional fields (with defaults) extend it without breaking snapshots' shape."""

    id: str  # anchor on the scorecard, same as the highlight's id on the source page
    href: str  # the goal's sentence in its source page
    scorecard_href: str
    region: str
    report: str
    report_year: int
    section: str
    indicator: str
    indicator_key: str
    indicator_href: str | None
    measure: Label
    period: str
    target_zh: str
    target_en: str
    quote: str
    status: str
    status_zh: str
    status_en: str
    margin_zh: str
    margin_en: str
    reason_zh: str
    reason_en: str
    flags: list[Label]
    evidence: Evidence | None
    badges: list[Badge] = []
    review: ReviewBox | None = None


class EvidenceFor(Ctx):
    """A goal of an earlier report that one of this report's results is evidence for."""

    goal: str  # the goal's quote
    href: str  # the goal's row on its scorecard
    report_title: str
    outcome: str  # this report's sentence
    outcome_href: str
    status: str
    status_zh: str
    status_en: str


class GoalGroup(Ctx):
    heading: str
    goals: list[GoalRow]


class ScorecardPage(Page):
    report_id: int
    region: str
    year: int
    source: str
    sha256: str
    date: str | None
    meeting: str | None
    source_href: str
    outcomes: int
    summary: Summary
    groups: list[GoalGroup]
    filters: Filters
    evidence_for: list[EvidenceFor] = []  # earlier goals this report's results are evidence for


class GoalsPage(Page):
    summary: Summary
    groups: list[GoalGroup]  # one group per report
    filters: Filters


# ---------------------------------------------------------------------------- source text


class Segment(Ctx):
    """A run of the source text: plain, a highlighted statement (or several overlapping ones), or page furniture."""

    kind: Literal["text", "goal", "outcome", "both", "furniture"]
    start: int
    end: int
    text: str
    ids: list[str] = []  # anchors; the first is the mark's id, the others empty spans inside it
    title: str = ""


class SourcePage(Page):
    report_id: int
    region: str
    year: int
    source: str
    sha256: str
    scorecard_href: str
    goals: int
    outcomes: int
    segments: list[Segment]


# ---------------------------------------------------------------------------- indicator pages


class Tick(Ctx):
    pos: float
    label: str


class ChartMark(Ctx):
    kind: Literal["target", "range", "outcome"]
    css: str  # the goal's status, or "outcome"
    x: float
    x2: float  # == x for a single year
    y: float
    y2: float  # == y unless a range
    label: str
    href: str


class Chart(Ctx):
    id: str
    measure: Label
    unit: str
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    xticks: list[Tick]
    yticks: list[Tick]
    marks: list[ChartMark]
    desc: str


class SeriesRow(Ctx):
    kind: Label
    css: str
    report: str
    report_year: int
    period: str
    measure: Label
    value: str
    status_zh: str
    status_en: str
    quote: str
    href: str


class IndicatorPage(Page):
    slug: str
    key: str  # the indicator key (lexicon id, else the normalised phrase)
    region: str
    indicator: str
    indicator_id: str | None
    charts: list[Chart]
    rows: list[SeriesRow]


# ---------------------------------------------------------------------------- methods


class StatusInfo(Ctx):
    id: str
    zh: str
    en: str
    note_zh: str
    note_en: str


class FlagInfo(Ctx):
    id: str
    zh: str
    en: str


class ToleranceRow(Ctx):
    scope_zh: str
    scope_en: str
    value: str


class PeriodRow(Ctx):
    text: str
    zh: str
    en: str


class MethodsPage(Page):
    statuses: list[StatusInfo]
    flags: list[FlagInfo]
    tolerances: list[ToleranceRow]
    periods: list[PeriodRow]
    plans: list[PeriodRow]


class Site(Ctx):
    index: IndexPage
    goals: GoalsPage
    scorecards: list[ScorecardPage]
    sources: list[SourcePage]
    indicators: list[IndicatorPage]
    methods: MethodsPage


# ---------------------------------------------------------------------------- building


def _anchor(rid: int) -> str:
    return f"s{rid}"


def report_href(doc_id: int) -> str:
    return f"report/{doc_id}.html"


def source_href(doc_id: int, anchor: str | None = None) -> str:
    return f"source/{doc_id}.html" + (f"#{anchor}" if anchor else "")


def indicator_slug(region: str, key: str) -> str:
    return hashlib.sha1(f"{region}\x00{key}".encode()).hexdigest()[:12]


def _title(doc: Document) -> str:
    return f"{doc.region.name} {doc.year}年{doc.title}"


def summarize(statuses: list[str], *, query: str | None = None) -> Summary:
    """Counts by status; with ``query`` (e.g. "region=上海市") each count links to those goals on goals.html."""
    c = Counter(statuses)
    total = len(statuses)
    judged = sum(c[s] for s in JUDGED)
    return Summary(
        goals=total,
        counts=[
            StatusCount(
                status=s,
                zh=STATUS_ZH[s],
                en=STATUS_EN[s],
                n=c[s],
                pct=round(100 * c[s] / total, 2),
                href=None if query is None else "goals.html?" + "&".join(x for x in (f"status={s}", query) if x),
            )
            for s in STATUSES
            if c[s]
        ],
        judged=judged,
        met=c["met"],
        share_met=round(100 * c["met"] / judged, 1) if judged else None,
    )


def _margin(m: Decimal | None, unit: str | None) -> tuple[str, str]:
    if m is None:
        return "", ""
    sign = "+" if m > 0 else ""
    if unit == "%":  # a difference of percentages is in percentage points
        v = fmt(m, None)
        return f"{sign}{v}个百分点", f"{sign}{v} pp"
    v = fmt(m, unit)
    return f"{sign}{v}", f"{sign}{v}"


def _target(st: Statement) -> tuple[str, str]:
    zh, en = target_text(st, "zh"), target_text(st, "en")
    if st.stretch is not None:
        zh += f"，力争{fmt(st.stretch, st.unit)}"
        en += f", striving for {fmt(st.stretch, st.unit)}"
    return zh, en


def _label(table: dict[str, tuple[str, str]], key: str) -> Label:
    zh, en = table.get(key, (key, key))
    return Label(zh=zh, en=en)


def _options(values: list[str]) -> list[Option]:
    return [Option(value=v, label=v) for v in values]


def _status_options() -> list[Option]:
    return [Option(value=s, label=f"{STATUS_ZH[s]} · {STATUS_EN[s]}") for s in STATUSES]


class _Data:
    """Everything read from the database once, indexed for the page builders (no quadratic scans)."""

    def __init__(
        self,
        engine: Engine,
        *,
        tolerances: Tolerances | None = None,
        with_text: bool = True,
        docs: list[tuple[int, Document]] | None = None,
        rows: list[tuple[int, int, Statement]] | None = None,
        matches: list[Match] | None = None,
        decisions: list[store.Decision] | None = None,
    ) -> None:
        """``docs``, ``rows``, ``matches``: only some regions (whole regions: matches never cross one, nor
        does a reviewer's link). ``decisions``: the reviewers' (all of them; those of other regions are ignored)."""
        self.engine = engine
        self.with_text = with_text  # False: the source text is loaded per report, when its page is rendered
        self.docs = store.documents(engine, with_text=with_text) if docs is None else docs
        self.doc = dict(self.docs)
        self.rows = store.statements(engine) if rows is None else rows
        matches = store.matches(engine) if matches is None else matches
        decisions = store.decisions(engine) if decisions is None else decisions
        self.reviewed = review.apply(self.rows, matches, decisions, tolerances=tolerances)
        self.status: dict[str, GoalStatus] = {g.goal: g for g in self.reviewed.statuses}
        self.by_key = {st.key: (rid, doc_id, st) for rid, doc_id, st in self.rows}
        self.by_doc: dict[int, list[tuple[int, Statement]]] = defaultdict(list)
        for rid, doc_id, st in self.rows:
            self.by_doc[doc_id].append((rid, st))
        # indicator pages: every (region, indicator) with a target, or a lexicon indicator with a figure
        self.series: dict[tuple[str, str], list[tuple[int, int, Statement]]] = defaultdict(list)
        for rid, doc_id, st in self.rows:
            self.series[(st.region, st.indicator.key)].append((rid, doc_id, st))
        # goal statuses by the report whose result evidences them
        self.evidenced: dict[int, list[tuple[int, int, Statement, GoalStatus, int]]] = defaultdict(list)
        for rid, doc_id, st in self.rows:
            gs = self.status.get(st.key)
            if gs is not None and gs.match is not None and gs.match.outcome in self.by_key:
                orid, odoc, _ = self.by_key[gs.match.outcome]
                self.evidenced[odoc].append((rid, doc_id, st, gs, orid))
        self.charted = {
            k
            for k, v in self.series.items()
            if any(st.value is not None for _, _, st in v)
            and any(st.kind == "goal" or st.indicator.id is not None for _, _, st in v)
        }

    def indicator_href(self, st: Statement) -> str | None:
        key = (st.region, st.indicator.key)
        return f"indicator/{indicator_slug(*key)}.html" if key in self.charted else None

    def goal_row(self, rid: int, doc_id: int, st: Statement) -> GoalRow:
        doc = self.doc[doc_id]
        gs = self.status[st.key]
        m = gs.match
        ev = None
        if m is not None and m.outcome in self.by_key:
            orid, odoc, ost = self.by_key[m.outcome]
            od = self.doc[odoc]
            ev = Evidence(
                quote=ost.quote,
                href=source_href(odoc, _anchor(orid)),
                report_id=odoc,
                report=od.source,
                report_title=_title(od),
                report_year=od.year,
                period=str(ost.period),
                value=fmt(ost.value, ost.unit),
            )
        tzh, ten = _target(st)
        mzh, men = _margin(m.margin if m else None, st.unit)
        return GoalRow(
            id=_anchor(rid),
            href=source_href(doc_id, _anchor(rid)),
            scorecard_href=f"{report_href(doc_id)}#{_anchor(rid)}",
            region=doc.region.name,
            report=doc.source,
            report_year=doc.year,
            section=st.section or OTHER_SECTION,
            indicator=st.indicator.name,
            indicator_key=st.indicator.key,
            indicator_href=self.indicator_href(st),
            measure=_label(MEASURES, st.measure),
            period=str(st.period),
            target_zh=tzh,
            target_en=ten,
            quote=st.quote,
            status=gs.status,
            status_zh=STATUS_ZH[gs.status],
            status_en=STATUS_EN[gs.status],
            margin_zh=mzh,
            margin_en=men,
            reason_zh=gs.reason_zh,
            reason_en=gs.reason_en,
            flags=[_label(FLAGS, f) for f in (m.flags if m else [])],
            evidence=ev,
            review=review_box(self.reviewed, st.key, self.by_key),
        )


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


def _groups(rows: list[GoalRow]) -> list[GoalGroup]:
    """Goals grouped by their section, sections in order of first appearance."""
    groups: dict[str, list[GoalRow]] = {}
    for r in rows:
        groups.setdefault(r.section, []).append(r)
    return [GoalGroup(heading=h, goals=g) for h, g in groups.items()]


class _Filterable(Protocol):
    @property
    def indicator(self) -> str: ...

    @property
    def region(self) -> str: ...


class _GoalKey(NamedTuple):
    """What the all-goals page's summary and filters need of a goal row."""

    status: str
    indicator: str
    region: str


class _GoalSpool:
    """The goal groups of goals.html, pickled to a temporary file as each report is done and read back
    one at a time while the page is written: the goal rows of the whole site are never held at once."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._n = 0

    def append(self, group: GoalGroup) -> None:
        pickle.dump(group, self._file, pickle.HIGHEST_PROTOCOL)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[GoalGroup]:
        self._file.seek(0)
        for _ in range(self._n):
            yield pickle.load(self._file)

    def __del__(self) -> None:
        self._file.close()


def _filters(table: str, rows: Sequence[_Filterable], *, regions: bool) -> Filters:
    return Filters(
        table=table,
        statuses=_status_options(),
        indicators=_options(sorted({r.indicator for r in rows})),
        regions=_options(sorted({r.region for r in rows})) if regions else [],
        total=len(rows),
    )


class Reused:
    """A page whose region did not change since the site in place was built: ``write_site`` links the
    previous site's file instead of rendering it again, and renders ``page()`` only when that file is missing."""

    __slots__ = ("_page",)

    def __init__(self, page: BaseModel | Callable[[], BaseModel]) -> None:
        self._page = page

    def page(self) -> BaseModel:
        return self._page if isinstance(self._page, BaseModel) else self._page()


PageOut = tuple[str, str, BaseModel | Reused]  # (path in the site, template, context)


def _report_pages(
    data: _Data, doc_id: int, doc: Document, *, with_source: bool = True
) -> tuple[ReportLink, ScorecardPage, SourcePage | None, list[GoalRow]]:
    """The index entry, scorecard and source page of one report, and its goal rows (for goals.html).
    ``with_source=False``: no source page (None; it needs the report's text)."""
    mine = data.by_doc.get(doc_id, [])
    rows = [data.goal_row(rid, doc_id, st) for rid, st in mine if st.kind == "goal"]
    n_out = sum(1 for _, st in mine if st.kind == "outcome")
    summary = summarize([r.status for r in rows])
    title = _title(doc)
    link = ReportLink(
        id=doc_id,
        href=report_href(doc_id),
        source_href=source_href(doc_id),
        title=title,
        region=doc.region.name,
        year=doc.year,
        source=doc.source,
        outcomes=n_out,
        summary=summary,
    )
    card = ScorecardPage(
        title=title,
        root="..",
        report_id=doc_id,
        region=doc.region.name,
        year=doc.year,
        source=doc.source,
        sha256=doc.sha256,
        date=doc.date,
        meeting=doc.meeting,
        source_href=source_href(doc_id),
        outcomes=n_out,
        summary=summary,
        groups=_groups(rows),
        filters=_filters("goals", rows, regions=False),
        evidence_for=[
            EvidenceFor(
                goal=gst.quote,
                href=f"{report_href(gdoc)}#{_anchor(grid)}",
                report_title=_title(data.doc[gdoc]),
                outcome=data.by_key[gs.match.outcome][2].quote if gs.match else "",
                outcome_href=source_href(doc_id, _anchor(orid)),
                status=gs.status,
                status_zh=STATUS_ZH[gs.status],
                status_en=STATUS_EN[gs.status],
            )
            for grid, gdoc, gst, gs, orid in data.evidenced.get(doc_id, [])
        ],
    )
    if not with_source:
        return link, card, None, rows
    text_doc = doc if data.with_text else store.document(data.engine, doc_id=doc_id)
    source = SourcePage(
        title=f"{title} · 原文 Source text",
        root="..",
        report_id=doc_id,
        region=doc.region.name,
        year=doc.year,
        source=doc.source,
        sha256=doc.sha256,
        scorecard_href=report_href(doc_id),
        goals=len(rows),
        outcomes=n_out,
        segments=segments(text_doc, mine) if data.with_text else [],
    )
    if not data.with_text:  # the site is streamed: the segments are made as the page is written, never all held
        source = source.model_copy(update={"segments": _Segments(text_doc, mine)})
    return link, card, source, rows


def _source_page(data: _Data, doc_id: int, doc: Document) -> SourcePage:
    page = _report_pages(data, doc_id, doc)[2]
    assert page is not None
    return page


def _pages(
    batches: Iterable[_Data], tolerances: Tolerances | None, reuse: Collection[str] = (), *, spool: bool = False
) -> Iterator[PageOut]:
    """Every page of the site, one at a time: the report and indicator pages of each batch of
    regions first (each built, yielded and dropped), then index, goals and methods from what
    was kept of them. The batches hold whole regions, in the order of the documents.
    ``reuse``: regions whose report and indicator pages are yielded as ``Reused`` (their source
    pages not even built), for the pages that show every region. ``spool``: the goal rows of
    goals.html wait in a temporary file (its ``groups`` are then read back as it is written)."""
    links: dict[str, list[ReportLink]] = defaultdict(list)
    region_of: dict[str, Region] = {}
    goal_groups: list[GoalGroup] | _GoalSpool = _GoalSpool() if spool else []
    goal_keys: list[_GoalKey] = []
    ind_links: dict[str, list[IndicatorLink]] = defaultdict(list)
    for data in batches:
        for doc_id, doc in data.docs:
            reused = doc.region.name in reuse
            link, card, source, rows = _report_pages(data, doc_id, doc, with_source=not reused)
            links[doc.region.name].append(link)
            region_of.setdefault(doc.region.name, doc.region)
            if reused:
                yield report_href(doc_id), "scorecard.html", Reused(card)
                yield source_href(doc_id), "source.html", Reused(partial(_source_page, data, doc_id, doc))
            else:
                assert source is not None
                yield report_href(doc_id), "scorecard.html", card
                yield source_href(doc_id), "source.html", source
            if rows:
                goal_groups.append(GoalGroup(heading=link.title, goals=rows))  # in the order of the documents
                goal_keys.extend(_GoalKey(r.status, r.indicator, r.region) for r in rows)
        for key in sorted(data.charted):
            if key[0] in reuse:  # the page is not even built: the link needs only its name
                slug, name = indicator_slug(*key), min(data.series[key], key=_series_order)[2].indicator.name
                yield f"indicator/{slug}.html", "indicator.html", Reused(partial(_indicator_page, data, key))
            else:
                p = _indicator_page(data, key)
                slug, name = p.slug, p.indicator
                yield f"indicator/{slug}.html", "indicator.html", p
            sts = [st for _, _, st in data.series[key]]
            ind_links[key[0]].append(
                IndicatorLink(
                    href=f"indicator/{slug}.html",
                    region=key[0],
                    indicator=name,
                    goals=sum(1 for st in sts if st.kind == "goal"),
                    outcomes=sum(1 for st in sts if st.kind == "outcome"),
                )
            )
    regions: list[RegionGroup] = []
    for name, reps in links.items():
        r = region_of[name]
        regions.append(
            RegionGroup(
                name=name,
                level=_label(LEVELS, r.level),
                parent=r.parent,
                reports=reps,
                indicators=sorted(ind_links.get(name, []), key=lambda i: (-i.goals, -i.outcomes, i.indicator)),
            )
        )
    total = summarize([g.status for g in goal_keys], query="")
    goals: dict[str, Any] = {
        "title": "全部目标 · All goals",
        "root": ".",
        "summary": total,
        "groups": goal_groups,
        "filters": _filters("goals", goal_keys, regions=True),
    }
    judged = [r for reps in links.values() for r in reps if r.summary.judged]
    start = sorted(judged, key=lambda r: (-r.summary.judged, -r.summary.goals, r.title))[:START_HERE]
    yield (
        "index.html",
        "index.html",
        IndexPage(
            title="政府工作报告目标核对 · Government work report scorecards",
            root=".",
            regions=regions,
            start=start,
            summary=total,
            downloads=[
                Link(href="export.json", zh="全部数据（JSON）", en="everything (JSON, tracker.export/1)"),
                Link(href="goals.csv", zh="目标表（CSV）", en="one row per goal (CSV)"),
            ],
            filters=Filters(
                table="reports",
                regions=_options(list(links)),
                total=sum(len(v) for v in links.values()),
            ),
        ),
    )
    yield (
        "goals.html",
        "goals.html",
        GoalsPage.model_validate(goals)
        if isinstance(goal_groups, list)
        else GoalsPage.model_construct(**goals),  # a spool is no list: not validated
    )
    yield "methods.html", "methods.html", methods_page(tolerances or lexicon().tolerances)


def _region_batches(engine: Engine, size: int, tolerances: Tolerances | None = None) -> Iterator[_Data]:
    """The database a few whole regions (about ``size`` statements) at a time, regions in document order."""
    docs = store.documents(engine)
    matches = store.matches(engine)
    decisions = store.decisions(engine)
    counts = dict(store.region_counts(engine))
    order = list(dict.fromkeys(d.region.name for _, d in docs))
    batch: list[str] = []
    n = 0
    for k, region in enumerate(order):
        batch.append(region)
        n += counts.get(region, 0)
        if n >= size or k == len(order) - 1:
            mine = set(batch)
            rows = store.statements(engine, regions=[r for r in batch if r in counts]) if n else []
            yield _Data(
                engine,
                with_text=False,
                docs=[(i, d) for i, d in docs if d.region.name in mine],
                rows=rows,
                matches=matches,
                decisions=decisions,
                tolerances=tolerances,
            )
            batch, n = [], 0


def iter_site(
    engine: Engine, *, tolerances: Tolerances | None = None, reuse: Collection[str] = ()
) -> Iterator[PageOut]:
    """The pages of the site one at a time, a few regions at a time, the source text read per
    report (what ``render_site`` writes); the pages of the regions in ``reuse`` as ``Reused``."""
    return _pages(_region_batches(engine, RENDER_BATCH, tolerances), tolerances, reuse, spool=True)


def build_site(engine: Engine, *, tolerances: Tolerances | None = None) -> Site:
    """Every page's context, from what the database holds (all in memory: for tests and tools)."""
    cards: list[ScorecardPage] = []
    sources: list[SourcePage] = []
    indicators: list[IndicatorPage] = []
    single: dict[str, BaseModel] = {}
    for path, _, page in _pages([_Data(engine, tolerances=tolerances)], tolerances):
        assert not isinstance(page, Reused)
        if isinstance(page, ScorecardPage):
            cards.append(page)
        elif isinstance(page, SourcePage):
            sources.append(page)
        elif isinstance(page, IndicatorPage):
            indicators.append(page)
        else:
            single[path] = page
    index, goals, methods = single["index.html"], single["goals.html"], single["methods.html"]
    assert isinstance(index, IndexPage) and isinstance(goals, GoalsPage) and isinstance(methods, MethodsPage)
    return Site(index=index, goals=goals, scorecards=cards, sources=sources, indicators=indicators, methods=methods)


def site_pages(site: Site) -> Iterator[PageOut]:
    """The pages of a built ``site``."""
    yield "index.html", "index.html", site.index
    yield "goals.html", "goals.html", site.goals
    yield "methods.html", "methods.html", site.methods
    for card in site.scorecards:
        yield report_href(card.report_id), "scorecard.html", card
    for src in site.sources:
        yield source_href(src.report_id), "source.html", src
    for ind in site.indicators:
        yield f"indicator/{ind.slug}.html", "indicator.html", ind


def segments(doc: Document, statements: list[tuple[int, Statement]]) -> list[Segment]:
    """The source text cut into runs: statements highlighted (overlapping ones merged), furniture marked."""
    return list(_iter_segments(doc, statements))


class _Segments:
    """The segments of a source page, made as they are iterated (a long report has a hundred thousand)."""

    def __init__(self, doc: Document, statements: list[tuple[int, Statement]]) -> None:
        self.doc, self.statements = doc, statements

    def __iter__(self) -> Iterator[Segment]:
        return _iter_segments(self.doc, self.statements)


def _iter_segments(doc: Document, statements: list[tuple[int, Statement]]) -> Iterator[Segment]:
    text = doc.text
    spans = sorted((st.span.start, st.span.end, rid, st) for rid, st in statements)
    clusters: list[tuple[int, int, list[tuple[int, Statement]]]] = []
    for start, end, rid, st in spans:
        if clusters and start < clusters[-1][1]:
            a, b, members = clusters[-1]
            members.append((rid, st))
            clusters[-1] = (a, max(b, end), members)
        else:
            clusters.append((start, end, [(rid, st)]))
    runs: list[tuple[int, int, str, list[tuple[int, Statement]]]] = [(a, b, "mark", m) for a, b, m in clusters]
    marks = iter(clusters)
    cur = next(marks, None)
    for sp in sorted(doc.ignored, key=lambda s: s.start):
        while cur is not None and cur[1] <= sp.start:
            cur = next(marks, None)
        if cur is not None and cur[0] < sp.end:  # furniture overlapping a quote: the quote wins
            continue
        runs.append((sp.start, sp.end, "furniture", []))
    runs.sort(key=lambda r: r[0])
    pos = 0
    for a, b, what, members in runs:
        if a < pos:
            continue
        if a > pos:
            yield Segment(kind="text", start=pos, end=a, text=text[pos:a])
        if what == "furniture":
            yield Segment(kind="furniture", start=a, end=b, text=text[a:b])
        else:
            kinds = {st.kind for _, st in members}
            kind: Literal["goal", "outcome", "both"] = "both" if len(kinds) > 1 else members[0][1].kind
            yield Segment(
                kind=kind,
                start=a,
                end=b,
                text=text[a:b],
                ids=[_anchor(rid) for rid, _ in members],
                title=" / ".join(f"{KINDS[st.kind][0]} {KINDS[st.kind][1]}: {st.indicator.name}" for _, st in members),
            )
        pos = b
    if pos < len(text):
        yield Segment(kind="text", start=pos, end=len(text), text=text[pos:])


# ---------------------------------------------------------------------------- charts

CHART_W, CHART_H = 640, 240
PAD_L, PAD_R, PAD_T, PAD_B = 64, 16, 14, 30


def _nice_step(span: float) -> float:
    raw = span / 4 if span > 0 else 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _tick_label(v: float) -> str:
    d = Decimal(str(round(v, 6)))
    if abs(d) >= 100000000:
        return f"{(d / Decimal(100000000)).normalize():f}亿"
    if abs(d) >= 10000:
        return f"{(d / Decimal(10000)).normalize():f}万"
    return f"{d.normalize():f}"


def _chart(cid: str, measure: str, unit: str, items: list[tuple[int, int, Statement, str]]) -> Chart:
    """An SVG chart: targets as markers (a line over a multi-year period, a band for a range), outcomes as points."""
    years = [y for _, _, st, _ in items for y in (st.period.start, st.period.end)]
    x0, x1 = min(years) - 0.5, max(years) + 0.5
    vals = [float(v) for _, _, st, _ in items for v in (st.value, st.value_high, st.stretch) if v is not None]
    lo, hi = min([0.0, *vals]), max([0.0, *vals])
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    lo = step * (lo // step)
    hi = step * -(-hi // step)
    pw, ph = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B

    def X(year: float) -> float:
        return round(PAD_L + (year - x0) / (x1 - x0) * pw, 1)

    def Y(v: float) -> float:
        return round(PAD_T + (hi - v) / (hi - lo) * ph, 1)

    marks: list[ChartMark] = []
    for rid, doc_id, st, status in items:
        assert st.value is not None
        href = source_href(doc_id, _anchor(rid))
        if st.kind == "goal":
            tzh, ten = _target(st)
            label = f"目标 {st.period} {tzh} · target {ten} ({STATUS_ZH[status]} · {STATUS_EN[status]})"
            if st.comparator == "range" and st.value_high is not None:
                kind: Literal["target", "range", "outcome"] = "range"
                y, y2 = Y(float(st.value_high)), Y(float(st.value))
            else:
                kind = "target"
                y = y2 = Y(float(st.value))
            marks.append(
                ChartMark(
                    kind=kind, css=status, x=X(st.period.start), x2=X(st.period.end), y=y, y2=y2, label=label, href=href
                )
            )
        else:
            v = fmt(st.value, st.unit)
            marks.append(
                ChartMark(
                    kind="outcome",
                    css="outcome",
                    x=X(st.period.end),
                    x2=X(st.period.start),
                    y=Y(float(st.value)),
                    y2=Y(float(st.value)),
                    label=f"结果 {st.period}年 {v} · outcome {v} in {st.period}",
                    href=href,
                )
            )
    first, last = int(x0 + 0.5), int(x1 - 0.5)
    every = max(1, (last - first + 1) // 10 + 1)
    xticks = [Tick(pos=X(y), label=str(y)) for y in range(first, last + 1, every)]
    yticks = []
    n_steps = round((hi - lo) / step)
    for i in range(n_steps + 1):
        tv = lo + i * step
        yticks.append(Tick(pos=Y(tv), label=_tick_label(tv)))
    m = _label(MEASURES, measure)
    n_t = sum(1 for x in marks if x.kind != "outcome")
    return Chart(
        id=cid,
        measure=m,
        unit=unit,
        width=CHART_W,
        height=CHART_H,
        left=PAD_L,
        top=PAD_T,
        right=CHART_W - PAD_R,
        bottom=CHART_H - PAD_B,
        xticks=xticks,
        yticks=yticks,
        marks=marks,
        desc=f"{m.zh}（{unit or '无单位'}）：{n_t}个目标，{len(marks) - n_t}个结果 · {m.en} ({unit or 'no unit'}): "
        f"{n_t} target(s), {len(marks) - n_t} outcome(s), {first}–{last}",
    )


def _series_order(t: tuple[int, int, Statement]) -> tuple[int, int, str, int]:
    """The order of an indicator page's rows: by period, goals before outcomes, then as stored."""
    return t[2].period.end, t[2].period.start, t[2].kind, t[0]


def _indicator_page(data: _Data, key: tuple[str, str]) -> IndicatorPage:
    region, ikey = key
    items = sorted(data.series[key], key=_series_order)
    name = items[0][2].indicator.name
    slug = indicator_slug(region, ikey)
    groups: dict[tuple[str, str], list[tuple[int, int, Statement, str]]] = {}
    rows: list[SeriesRow] = []
    for rid, doc_id, st in items:
        status = data.status[st.key].status if st.kind == "goal" else ""
        if st.value is not None:
            groups.setdefault((st.measure, st.unit or ""), []).append((rid, doc_id, st, status))
        doc = data.doc[doc_id]
        value = _target(st)[0] if st.kind == "goal" else fmt(st.value, st.unit)
        rows.append(
            SeriesRow(
                kind=_label(KINDS, st.kind),
                css=status or "outcome",
                report=doc.source,
                report_year=doc.year,
                period=str(st.period),
                measure=_label(MEASURES, st.measure),
                value=value,
                status_zh=STATUS_ZH.get(status, ""),
                status_en=STATUS_EN.get(status, ""),
                quote=st.quote,
                href=source_href(doc_id, _anchor(rid)),
            )
        )
    charts = [_chart(f"c{i}", m, u, its) for i, ((m, u), its) in enumerate(groups.items())]
    return IndicatorPage(
        title=f"{region} · {name}",
        root="..",
        slug=slug,
        key=ikey,
        region=region,
        indicator=name,
        indicator_id=items[0][2].indicator.id,
        charts=charts,
        rows=rows,
    )


# ---------------------------------------------------------------------------- methods


def _tol(t: Tolerance) -> str:
    if t.absolute is not None:
        return f"±{t.absolute.normalize():f}"
    assert t.relative is not None
    return f"{(t.relative * 100).normalize():f}% of the target"


def methods_page(tol: Tolerances) -> MethodsPage:
    lex = lexicon()
    rows = [ToleranceRow(scope_zh="默认", scope_en="default", value=_tol(tol.default))]
    rows += [ToleranceRow(scope_zh=f"单位 {u}", scope_en=f"unit {u}", value=_tol(t)) for u, t in tol.units.items()]
    for ind_id, t in tol.indicators.items():
        ind = lex.indicators.by_id(ind_id)
        rows.append(
            ToleranceRow(
                scope_zh=f"指标 {ind.zh if ind else ind_id}",
                scope_en=f"indicator {ind.en if ind else ind_id}",
                value=_tol(t),
            )
        )
    relational = getattr(tol, "relational", None)  # relational goals (收入增长与经济增长同步), when configured
    if isinstance(relational, Tolerance):
        rows.append(
            ToleranceRow(scope_zh="同步类目标", scope_en="goals in step with another indicator", value=_tol(relational))
        )
    periods = []
    for cue in lex.sections.period_cues:
        zh, en = PERIOD_KINDS[cue.kind]
        periods.append(PeriodRow(text=cue.text, zh=zh.format(n=cue.years), en=en.format(n=cue.years)))
    plans = [
        PeriodRow(text=f"“{p.text}”", zh=f"{p.start}–{p.end}年", en=f"{p.start}–{p.end}") for p in lex.sections.plans
    ]
    return MethodsPage(
        title="方法 · Methods",
        root=".",
        statuses=[
            StatusInfo(id=s, zh=STATUS_ZH[s], en=STATUS_EN[s], note_zh=STATUS_NOTE[s][0], note_en=STATUS_NOTE[s][1])
            for s in STATUSES
        ],
        flags=[FlagInfo(id=f, zh=zh, en=en) for f, (zh, en) in FLAGS.items()],
        tolerances=rows,
        periods=periods,
        plans=plans,
    )


# ---------------------------------------------------------------------------- rendering


def environment() -> Environment:
    """The templates' environment. Each template is compiled to Python once per environment, so
    ``write_site`` uses one cached environment (``_environment``) for every page of every render."""
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


ASSETS = {"_partials/_style.css": "assets/tracker.css", "_partials/_filter.js": "assets/tracker.js"}


@functools.cache
def _environment() -> Environment:
    return environment()


STREAMED = (GoalsPage, SourcePage, ScorecardPage)  # pages that can be tens of MB: written in pieces, never held whole


def _link(src: Path, dest: Path) -> bool:
    """Put the file ``src`` of the previous site at ``dest`` (a hard link: no copy, and the previous site
    is left as it is); False when ``src`` is missing."""
    try:
        os.link(src, dest)
    except FileNotFoundError:
        return False
    except OSError:  # no hard links on this file system
        try:
            shutil.copyfile(src, dest)
        except FileNotFoundError:
            return False
    return True


def write_site(site: Site | Iterable[PageOut], folder: Path, *, previous: Path | None = None) -> None:
    """Render every page of ``site`` (built, or pages one at a time) into ``folder`` (which must exist),
    with the stylesheet and script beside them. A ``Reused`` page is linked from the site ``previous``
    when it has that file, else rendered."""
    env = _environment()
    for sub in ("report", "source", "indicator", "assets"):
        (folder / sub).mkdir(exist_ok=True)
    for asset, dest in ASSETS.items():
        shutil.copyfile(templates_dir() / asset, folder / dest)

    for rel, template, item in site_pages(site) if isinstance(site, Site) else site:
        if isinstance(item, Reused):
            if previous is not None and _link(previous / rel, folder / rel):
                continue
            item = item.page()
        tpl = env.get_template(template)
        if isinstance(item, GoalsPage) and isinstance(item.groups, _GoalSpool):
            _write_goals(tpl, item, folder / rel)
        elif isinstance(item, STREAMED):
            stream = tpl.stream(page=item)
            stream.enable_buffering(500)  # written in pieces: goals.html of a large database is tens of MB
            stream.dump(str(folder / rel), encoding="utf-8")
        else:
            (folder / rel).write_bytes(tpl.render(page=item).encode("utf-8"))


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n  # the length of the common prefix, by bisection on slices (C speed)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _group_cut(render: Callable[[list[GoalGroup]], str], first: GoalGroup) -> tuple[str, str, int, int]:
    """The page rendered without groups cut where the groups go: (before, after, and where a page of one group
    starts and how much follows its group), found by comparing it with the page of ``first`` alone."""
    p0, p1 = render([]), render([first])
    n = _common_prefix(p0, p1)
    m = _common_prefix(p0[n:][::-1], p1[n:][::-1])
    return p0[:n], p0[len(p0) - m :], n, m


class _Mismatch(Exception):
    pass


def _write_goals(tpl: Template, page: GoalsPage, path: Path) -> None:
    """goals.html with its goal groups read back one report at a time (``_GoalSpool``) and each rendered
    alone, on a page with empty filters (small), so the table of every goal is never one string (the
    template's table macro returns one). Each piece is checked to sit in the page as the first one does
    (and the first two against the page of both rendered whole); should one not (a template whose groups
    depend on each other), the page is rendered whole."""
    try:
        with path.open("wb") as f:
            for text in _goal_pieces(tpl, page):
                f.write(text.encode("utf-8"))
    except _Mismatch:  # pragma: no cover - the templates of today are not like that
        with path.open("wb") as f:
            f.write(tpl.render(page=page.model_copy(update={"groups": list(page.groups)})).encode("utf-8"))


def _goal_pieces(tpl: Template, page: GoalsPage) -> Iterator[str]:
    groups = iter(page.groups)
    first = list(itertools.islice(groups, 2))
    if len(first) < 2:
        yield tpl.render(page=page.model_copy(update={"groups": first}))
        return
    bare = page.filters.model_copy(update={"statuses": [], "indicators": [], "regions": []})
    small = page.model_copy(update={"filters": bare})
    pre, suf, _, _ = _group_cut(lambda gs: tpl.render(page=page.model_copy(update={"groups": gs})), first[0])
    s_pre, s_suf, ns, ms = _group_cut(lambda gs: tpl.render(page=small.model_copy(update={"groups": gs})), first[0])

    def piece(g: GoalGroup) -> str:
        p = tpl.render(page=small.model_copy(update={"groups": [g]}))
        if not (p.startswith(s_pre) and p.endswith(s_suf)):
            raise _Mismatch
        return p[ns : len(p) - ms]

    a, b = piece(first[0]), piece(first[1])
    if pre + a + b + suf != tpl.render(page=page.model_copy(update={"groups": first})):
        raise _Mismatch
    yield pre
    yield a
    yield b
    yield from map(piece, groups)
    yield suf


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


def _write_data(engine: Engine, folder: Path) -> None:
    """export.json and goals.csv, streamed over the statements."""
    with (
        (folder / "export.json").open("w", encoding="utf-8") as jf,
        (folder / "goals.csv").open("w", encoding="utf-8", newline="") as cf,
    ):
        write_export_and_csv(engine, jf, cf, batch=RENDER_BATCH)


def _data_child(url: str, folder: str, parent: int) -> None:
    """In a child process (``_CHILD``): ``_write_data`` from its own connection; it dies with ``parent``."""
    if os.getppid() != parent:  # the parent was killed before the child could ask to die with it
        raise SystemExit(1)
    from tracker.db import open_db

    engine = open_db(url, migrate=False)
    try:
        _write_data(engine, Path(folder))
    finally:
        engine.dispose()


# first of all (before the imports), ask Linux to kill the child when its parent dies: a killed run must
# leave nothing writing into its half-built folder
_CHILD = (
    "import sys\n"
    "if sys.platform.startswith('linux'):\n"
    "    import ctypes, signal\n"
    "    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG\n"
    "from tracker.site import _data_child\n"
    "_data_child(sys.stdin.readline().rstrip('\\n'), sys.argv[1], int(sys.argv[2]))\n"
)


def _start_data(engine: Engine, folder: Path) -> subprocess.Popen[bytes] | None:
    """Write export.json and goals.csv in a child process while this one renders the pages (they read
    the same database and write different files); None when that cannot help or work here
    (one CPU, an in-memory database). A fresh interpreter, not a fork: it starts small instead of
    sharing (and being measured with) all this process holds, no database connection crosses a
    fork, and no caller's main module is imported again. The URL (maybe with a password) goes
    through a pipe, not the command line."""
    if (os.cpu_count() or 1) < 2 or engine.url.database in (None, "", ":memory:"):
        return None
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(folder), str(os.getpid())], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write(url.encode() + b"\n")
    proc.stdin.close()
    return proc


def render_site(
    engine: Engine,
    out: Path,
    *,
    tolerances: Tolerances | None = None,
    extra_files: dict[str, str] | None = None,
    reuse: Collection[str] = (),
) -> Path:
    """Write the whole site to ``out`` (atomically swapped in); returns the path of index.html.

    The statements are read and grouped once; the scorecard, source and indicator pages are
    rendered and written one at a time (the source text is loaded per report), and export.json
    and goals.csv are streamed (by a child process, at the same time), so only the small
    per-goal rows of the goals page are held.
    ``extra_files``: more files to write (the build stamp). ``reuse``: regions whose pages have not
    changed since the site at ``out`` was built (the caller knows, from the build stamp): their
    scorecards, source and indicator pages are hard-linked from it, not rendered again; the new
    site is still built beside it and swapped in whole.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{TMP_TAG}", dir=out.parent))
    data = None
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; a published site must be readable
        data = _start_data(engine, tmp)
        pages = iter_site(engine, tolerances=tolerances, reuse=reuse)
        write_site(pages, tmp, previous=out if reuse and out.is_dir() else None)
        if data is None:
            _write_data(engine, tmp)
        elif data.wait() != 0:
            raise TrackerError(
                f"{tmp}: writing export.json and goals.csv failed (exit code {data.returncode}, see above); "
                "the previous site is left in place"
            )
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, "utf-8")
        _swap_in(tmp, out)
    except BaseException:
        if data is not None and data.poll() is None:
            data.kill()
            data.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out / "index.html"
