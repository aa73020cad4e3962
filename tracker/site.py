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
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from tracker import review, store
from tracker.errors import TrackerError
from tracker.export import write_export_and_csv
from tracker.lexicon import Tolerance, Tolerances, lexicon
from tracker.match import POSSIBLE, Judge, fmt, target_text
from tracker.models import Document, GoalStatus, Match, Region, Statement
from tracker.paths import BUILD_FILE, templates_dir

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
    "needs_review": (
        "目标没有数值，或只找到可能的证据，或证据只够判定一半，需人工判断",
        "a target without a figure, only possible evidence, or evidence that settles only half of it: a person must judge",
    ),
}
FLAGS = {
    "overridden": ("人工改判", "overridden by a reviewer"),
    "linked_by_reviewer": ("证据由复核人指定", "evidence linked by a reviewer"),
    "evidence_after_deadline": ("证据晚于目标期限", "evidence from after the deadline"),
    POSSIBLE: ("可能的证据，需人工核对", "possible evidence, to be checked by hand"),
    "interim": ("期中数据", "interim figure"),
    "approximate": ("含约数", "approximate figures"),
    "several_outcomes": ("有多个结果，取最新报告", "several results: the latest report's is used"),
    "proxy_indicator": ("相近指标", "a related indicator"),
    "end_of_period": ("多年回顾中截至该年的水平", "the level a multi-year review gives for its last year"),
    "per_year": ("多年回顾中每年的数字", "a multi-year review's figure for each year"),
    "conflicting": ("同期数字结论不同，需人工核对", "figures for the same period point different ways: check by hand"),
    "inconclusive": ("每年下限低于目标，需人工核对", "a floor for each year below the target: check by hand"),
    "two_conditions": ("两个条件只核对了一个", "two conditions, only one checked"),
    "comparability_caveat": ("结果另有同口径数字", "the result is also given on another basis"),
}
# a verdict resting on a result from after the goal's deadline says so on its badge
LATE = "evidence_after_deadline"
LATE_ZH, LATE_EN = "（据期后数据）", " on later data"
# what a goal without evidence is waiting for (derived from its status and the reports on hand)
GAPS = {
    "no_later_report": ("尚无覆盖目标期的后续报告", "no later report covering the period on hand yet"),
    "silence": ("后续报告未提及", "silence: the later report never mentions it"),
    "candidate": ("候选证据待复核", "a candidate needs review"),
}
GAP_NOTE = {
    "no_later_report": (
        "本地区尚无报告回顾目标期（目标期末之后的报告）",
        "no report of the region reviewing the goal's period (one from after its end) is on hand yet",
    ),
    "silence": (
        "本地区目标期之后的报告已在手，却从未提及该目标：这本身就是一项发现，按报告单独列出",
        "the region's report after the goal's period is on hand and never mentions the target: a finding "
        "in itself, listed on its own for each report",
    ),
    "candidate": (
        "找到了可能的证据，但不足以自动判定（例如只核对了两个条件之一，或结果另有同口径数字）；需人工复核",
        "a possible piece of evidence was found but cannot settle the verdict by itself (only one of two "
        "conditions checked, or the result also given on another basis): a person must review it",
    ),
}
# the headline targets compared across regions (lexicon indicator ids), in this order
HEADLINE = [
    "gdp",
    "retail_sales",
    "fixed_asset_investment",
    "unemployment_surveyed",
    "cpi",
    "disposable_income",
    "general_budget_revenue",
    "new_urban_jobs",
    "grain_output",
]
OTHER_INDICATOR = "其他（词表外的指标） other"  # the filter option for every indicator outside the lexicon
FRAGMENT_HEAD = 8  # a quote with less than this before its figure, none of it the indicator's name, is a fragment
CONTEXT_CHARS = 40  # at most this much of the clause before an evidence fragment is shown
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
    coverage: float | None = None  # judged / goals, in %: what the share rests on


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
    silence: int = 0  # goals the later report on hand never mentions


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
    possible: bool = False  # a weaker candidate: shown for review, not judged on
    context: str = ""  # the clause before a fragment quote (增加值增长3%) that names its subject
    role: str = ""  # a relational goal's two sentences: "subject" or "reference"


class Restatement(Ctx):
    """Another sentence of the same report that states the same target (one target, one row)."""

    id: str  # its anchor (kept on the row, so links to it still land)
    href: str
    quote: str


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
    indicator_filter: str = ""  # the filter option: a lexicon indicator's name, else OTHER_INDICATOR
    indicator_id: str | None = None
    verdict: str = ""  # the verdict word shown ("met on later data"); status stays the filter value
    gap: str | None = None  # no evidence: "no_later_report", "silence" or "candidate" (GAPS)
    more_evidence: list[Evidence] = []  # a relational goal's second sentence (the reference)
    restated: list[Restatement] = []


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


class SilenceItem(Ctx):
    """A goal the later report of the same region never mentions: a finding in itself."""

    href: str  # the goal's row
    quote: str
    indicator: str
    period: str
    later: list[Link]  # the later reports on hand that cover the goal's period


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
    silence: list[SilenceItem] = []


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
    value: str = ""  # printed beside the mark
    period: str = ""  # a multi-year figure is drawn at its end year, its years written beside it
    anchor: Literal["start", "end"] = "start"  # the label's side: left of marks in the right half of the chart


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
    gaps: list[StatusInfo] = []  # what a goal without evidence is waiting for
    flags: list[FlagInfo]
    tolerances: list[ToleranceRow]
    periods: list[PeriodRow]
    plans: list[PeriodRow]


# ---------------------------------------------------------------------------- comparison across regions


class CompareCell(Ctx):
    indicator: str  # lexicon id
    status: str = ""  # "" when the region set no such target that year
    status_zh: str = ""
    status_en: str = ""
    target: str = ""
    result: str = ""
    href: str = ""  # the goal's row on its scorecard
    quote: str = ""
    more: int = 0  # further targets for the same indicator in that report


class CompareRow(Ctx):
    region: str
    report: str  # scorecard title
    href: str
    cells: list[CompareCell]
    summary: Summary  # of the headline targets shown


class CompareTable(Ctx):
    year: int
    rows: list[CompareRow]
    columns: list[Summary]  # per indicator, over the regions


class ComparePage(Page):
    indicators: list[Label]  # column headings, HEADLINE order
    indicator_ids: list[str]
    tables: list[CompareTable]  # one per target year, the years with the most verdicts first


class Site(Ctx):
    index: IndexPage
    goals: GoalsPage
    scorecards: list[ScorecardPage]
    sources: list[SourcePage]
    indicators: list[IndicatorPage]
    methods: MethodsPage
    compare: ComparePage | None = None


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
    """区域 年份+title, the year and the region said once (2025年北京市政府工作报告 -> 北京市 2025年政府工作报告)."""
    rest = doc.title
    if rest.startswith(f"{doc.year}年"):
        rest = rest[len(f"{doc.year}年") :]
    for name in (doc.region.name, *_aliases(doc.region.name)):
        if rest.startswith(name) and len(rest) > len(name):
            rest = rest[len(name) :]
            break
    return f"{doc.region.name} {doc.year}年{rest}"


def _aliases(region: str) -> list[str]:
    return next((r.aliases for r in lexicon().regions.regions if r.name == region), [])


def region_order(names: Iterable[str]) -> list[str]:
    """Region names in the official order (lexicon/regions.yaml ``order``), districts after their parent."""
    key = lexicon().regions.sort_key
    return sorted(set(names), key=key)


@cache
def _capitalised_names() -> re.Pattern[str]:
    names = sorted(
        {i.en for i in lexicon().indicators.indicators if len(i.en) > 1 and i.en[0].isupper() and i.en[1].islower()},
        key=len,
        reverse=True,
    )
    alt = "|".join(re.escape(n) for n in names) or "(?!)"
    return re.compile(rf"(?:(?<=[^\s.]\s)|(?<=\())(?:{alt})")


def sentence_case(text: str) -> str:
    """English reasons read as one sentence: a lexicon name mid-sentence (…, Gross domestic product 5.4%)
    loses its capital; acronyms (GDP, R&D, CPI) and the first word keep theirs."""
    return _capitalised_names().sub(lambda m: m.group(0)[0].lower() + m.group(0)[1:], text)


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
        coverage=round(100 * judged / total, 1) if total else None,
    )


def _margin(m: Decimal | None, unit: str | None) -> tuple[str, str]:
    """The margin with its unit: percentage points for figures in % (and for relational goals, which
    compare two growth rates), the target's unit otherwise; a minus sign, never a hyphen."""
    if m is None:
        return "", ""
    sign = "+" if m > 0 else ("−" if m < 0 else "±")
    if unit == "%":  # a difference of percentages is in percentage points
        v = fmt(abs(m), None)
        return f"{sign}{v}个百分点", f"{sign}{v} pp"
    if m == 0 and unit:
        return f"±0{unit}", f"±0{unit}"
    v = fmt(abs(m), unit)
    return f"{sign}{v}", f"{sign}{v}"


def _target(st: Statement) -> tuple[str, str]:
    if st.value is None and st.relation is not None:  # 居民收入增长与经济增长同步: the reference named
        ref = lexicon().indicators.by_id(st.relation)
        rzh, ren = (ref.zh, ref.en) if ref else (st.relation, st.relation)
        if st.comparator in (">", ">="):
            word = "高于" if st.comparator == ">" else "不低于"
            return (
                f"增速{word}{rzh}增速",
                f"growth {'faster than' if st.comparator == '>' else 'at least'} {ren} growth",
            )
        return f"与{rzh}增长同步", f"growth in step with {ren} growth"
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
        self.key_of = {_anchor(rid): st.key for rid, _, st in self.rows}
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
            if (
                gs is not None
                and gs.match is not None
                and gs.match.outcome in self.by_key
                and gs.status != "needs_review"
            ):
                orid, odoc, _ = self.by_key[gs.match.outcome]
                self.evidenced[odoc].append((rid, doc_id, st, gs, orid))
        # the years of the reports on hand, by region (what a goal without evidence is waiting for)
        self.years: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for doc_id, d in self.docs:
            self.years[d.region.name][d.year].append(doc_id)
        self.engine = engine
        self._texts: dict[int, str] = {}
        self._judge: Judge | None = None
        self.tolerances = tolerances
        self.charted = {
            k
            for k, v in self.series.items()
            if any(st.value is not None for _, _, st in v)
            and any(st.kind == "goal" or st.indicator.id is not None for _, _, st in v)
        }

    def indicator_href(self, st: Statement) -> str | None:
        key = (st.region, st.indicator.key)
        return f"indicator/{indicator_slug(*key)}.html" if key in self.charted else None

    def text(self, doc_id: int) -> str:
        if doc_id not in self._texts:
            d = self.doc[doc_id]
            self._texts[doc_id] = (
                d.text if d.text or self.with_text else store.document(self.engine, doc_id=doc_id).text
            )
        return self._texts[doc_id]

    def context(self, doc_id: int, st: Statement) -> str:
        """The clause before a quote that does not name its subject (规模以上工业企业达7.6万家、| 增加值增长3%)."""
        if st.indicator.id is None:  # the phrase is read from the quote itself: it names its subject
            return ""
        names = [st.indicator.name]
        ind = lexicon().indicators.by_id(st.indicator.id)
        if ind is not None:
            names += lexicon().indicators.aliases_of(ind)
        if any(n and n in st.quote for n in names):
            return ""
        head = re.split(r"[\d０-９]", st.quote, maxsplit=1)[0]
        if len(head) >= FRAGMENT_HEAD:  # a subject of its own before the figure
            return ""
        text = self.text(doc_id)
        start = st.span.start
        cut = max(text.rfind(c, 0, start) for c in "。；！？\n") + 1
        before = text[cut:start].strip()
        return before if len(before) <= CONTEXT_CHARS else "…" + before[-CONTEXT_CHARS:]

    def evidence(self, rid: int, doc_id: int, st: Statement, role: str = "", possible: bool = False) -> Evidence:
        d = self.doc[doc_id]
        return Evidence(
            quote=st.quote,
            href=source_href(doc_id, _anchor(rid)),
            report_id=doc_id,
            report=d.source,
            report_title=_title(d),
            report_year=d.year,
            period=str(st.period),
            value=fmt(st.value, st.unit),
            context=self.context(doc_id, st),
            role=role,
            possible=possible,
        )

    def reference(self, goal: Statement) -> tuple[int, int, Statement] | None:
        """The reference result a relational goal was judged against (经济增长 of 居民收入增长与经济增长同步):
        the same pick as the matcher's."""
        if goal.relation is None:
            return None
        self._judge = self._judge or Judge(tolerances=self.tolerances)
        probe = goal.model_copy(update={"unit": "%", "measure": "growth"})
        pool = [
            st
            for _, _, st in self.series.get((goal.region, goal.relation), [])
            if st.kind == "outcome" and st.unit == "%" and st.measure == "growth" and st.value is not None
        ]
        picked = self._judge.pick(probe, pool)
        return self.by_key.get(picked[0].key) if picked else None

    def later(self, st: Statement) -> list[int]:
        """The reports of the goal's region on hand that cover its period: the ones of the year after
        its end, which review its last year (a report years later reviews other years)."""
        year = st.period.end + 1
        return self.years.get(st.region, {}).get(year, []) if year > st.report_year else []

    def gap(self, st: Statement, gs: GoalStatus) -> str | None:
        if gs.status == "needs_review" and gs.match is not None:
            return "candidate"
        if gs.match is not None or (st.value is None and st.relation is None):
            return None
        if gs.status not in ("no_evidence", "pending"):
            return None
        return "silence" if self.later(st) else "no_later_report"

    def goal_row(self, rid: int, doc_id: int, st: Statement) -> GoalRow:
        doc = self.doc[doc_id]
        gs = self.status[st.key]
        m = gs.match
        ev = None
        more: list[Evidence] = []
        if m is not None and m.outcome in self.by_key:
            orid, odoc, ost = self.by_key[m.outcome]
            ev = self.evidence(orid, odoc, ost, "subject" if st.relation else "", possible=POSSIBLE in m.flags)
            ref = self.reference(st) if st.relation else None
            if ref is not None and ref[2].key != ost.key:
                more.append(self.evidence(*ref, role="reference"))
        tzh, ten = _target(st)
        # a relational goal's margin is the gap between two growth rates: percentage points
        judged_on = m.margin if m and POSSIBLE not in m.flags else None
        mzh, men = _margin(judged_on, "%" if st.relation else st.unit)
        late = _late(gs)
        gap = self.gap(st, gs)
        badges = [Badge(css=f"gap {gap}", zh=GAPS[gap][0], en=GAPS[gap][1])] if gap else []
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
            status_zh=STATUS_ZH[gs.status] + (LATE_ZH if late else ""),
            status_en=STATUS_EN[gs.status] + (LATE_EN if late else ""),
            margin_zh=mzh,
            margin_en=men,
            reason_zh=gs.reason_zh,
            reason_en=sentence_case(gs.reason_en),
            flags=[_label(FLAGS, f) for f in (m.flags if m else []) if not (late and f == LATE)],
            evidence=ev,
            badges=badges,
            review=review_box(self.reviewed, st.key, self.by_key),
            indicator_filter=st.indicator.name if st.indicator.id else OTHER_INDICATOR,
            indicator_id=st.indicator.id,
            verdict="late" if late else "",
            gap=gap,
            more_evidence=more,
        )


def _late(gs: GoalStatus) -> bool:
    """A verdict that rests on a result from after the goal's deadline."""
    return gs.match is not None and LATE in gs.match.flags and gs.status in JUDGED


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
    def indicator_filter(self) -> str: ...

    @property
    def region(self) -> str: ...


class _GoalKey(NamedTuple):
    """What the all-goals page's summary and filters need of a goal row."""

    status: str
    indicator_filter: str
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
    """Lexicon indicators by name; every phrase outside the lexicon grouped as one "other" option."""
    named = sorted({r.indicator_filter for r in rows} - {OTHER_INDICATOR})
    other = [OTHER_INDICATOR] if any(r.indicator_filter == OTHER_INDICATOR for r in rows) else []
    return Filters(
        table=table,
        statuses=_status_options(),
        indicators=_options(named + other),
        regions=_options(region_order(r.region for r in rows)) if regions else [],
        total=len(rows),
    )


_RANK = {s: i for i, s in enumerate(["met", "partly", "missed", "needs_review", "not_comparable", "pending"])}


def _same_target(st: Statement) -> tuple[object, ...] | None:
    """What makes two goals of one report the same target; None for a goal without a figure or relation."""
    if st.value is None and st.relation is None:
        return None
    return (
        st.indicator.key,
        st.measure,
        st.period.start,
        st.period.end,
        st.comparator,
        st.value,
        st.value_high,
        st.stretch,
        st.unit,
        st.relation,
    )


def _one_row_per_target(rows: list[tuple[GoalRow, Statement]]) -> list[GoalRow]:
    """The same target stated twice in one report (经济增长6％左右 … 经济增长目标设定为6％左右) is one row:
    the sentence with the most informative verdict (else the first) carries it, the others are listed
    on that row as restating it. Rows stay in the order of the report."""
    groups: dict[object, list[int]] = defaultdict(list)
    for i, (_, st) in enumerate(rows):
        key = _same_target(st)
        groups[key if key is not None else ("single", i)].append(i)
    keep: dict[int, list[int]] = {}
    for members in groups.values():
        best = min(members, key=lambda i: (_RANK.get(rows[i][0].status, 9), i))
        keep[best] = [i for i in members if i != best]
    out = []
    for i, (row, _) in enumerate(rows):
        if i not in keep:
            continue
        if keep[i]:
            row = row.model_copy(
                update={
                    "restated": [
                        Restatement(id=rows[j][0].id, href=rows[j][0].href, quote=rows[j][0].quote) for j in keep[i]
                    ]
                }
            )
        out.append(row)
    return out


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
    rows = _one_row_per_target([(data.goal_row(rid, doc_id, st), st) for rid, st in mine if st.kind == "goal"])
    n_out = sum(1 for _, st in mine if st.kind == "outcome")
    summary = summarize([r.status for r in rows])
    title = _title(doc)
    silence = []
    for r in rows:
        if r.gap != "silence":
            continue
        gst = data.by_key[data.key_of[r.id]][2]
        silence.append(
            SilenceItem(
                href=f"{report_href(doc_id)}#{r.id}",
                quote=r.quote,
                indicator=r.indicator,
                period=r.period,
                later=[
                    Link(href=report_href(d), zh=_title(data.doc[d]), en=data.doc[d].source) for d in data.later(gst)
                ],
            )
        )
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
        silence=len(silence),
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
                status_zh=STATUS_ZH[gs.status] + (LATE_ZH if _late(gs) else ""),
                status_en=STATUS_EN[gs.status] + (LATE_EN if _late(gs) else ""),
            )
            for grid, gdoc, gst, gs, orid in data.evidenced.get(doc_id, [])
        ],
        silence=silence,
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
                goal_keys.extend(_GoalKey(r.status, r.indicator_filter, r.region) for r in rows)
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
    for name in region_order(links):
        reps = links[name]
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
                regions=_options(region_order(links)),
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
    yield "compare.html", "compare.html", compare_page(goal_groups)


def compare_page(groups: Iterable[GoalGroup]) -> ComparePage:
    """The headline targets of every region side by side, one table per target year: each region's
    target, result and verdict, with how many of them are judged (coverage)."""
    lex = lexicon().indicators
    labels = []
    for ind_id in HEADLINE:
        ind = lex.by_id(ind_id)
        labels.append(Label(zh=ind.zh if ind else ind_id, en=ind.en if ind else ind_id))
    # (year, region) -> the report's title and href, and its annual headline goals by indicator
    found: dict[tuple[int, str], tuple[str, str, dict[str, list[GoalRow]]]] = {}
    for grp in groups:
        for r in grp.goals:
            if r.indicator_id not in HEADLINE or r.period != str(r.report_year):
                continue
            href = r.scorecard_href.split("#")[0]
            _, _, by = found.setdefault((r.report_year, r.region), (grp.heading, href, defaultdict(list)))
            by[r.indicator_id].append(r)
    tables = []
    for year in sorted({y for y, _ in found}, reverse=True):
        rows: list[CompareRow] = []
        per_ind: dict[str, list[str]] = defaultdict(list)
        for region in region_order(reg for y, reg in found if y == year):
            title, href, by_ind = found[(year, region)]
            cells: list[CompareCell] = []
            statuses: list[str] = []
            for ind_id in HEADLINE:
                goals = sorted(by_ind.get(ind_id, []), key=lambda g: _RANK.get(g.status, 9))
                if not goals:
                    cells.append(CompareCell(indicator=ind_id))
                    continue
                g = goals[0]
                statuses.append(g.status)
                per_ind[ind_id].append(g.status)
                cells.append(
                    CompareCell(
                        indicator=ind_id,
                        status=g.status,
                        status_zh=g.status_zh,
                        status_en=g.status_en,
                        target=g.target_zh,
                        result=(f"{g.evidence.value}" if g.evidence else ""),
                        href=g.scorecard_href,
                        quote=g.quote,
                        more=len(goals) - 1,
                    )
                )
            rows.append(CompareRow(region=region, report=title, href=href, cells=cells, summary=summarize(statuses)))
        columns = [summarize(per_ind.get(i, [])) for i in HEADLINE]
        tables.append(CompareTable(year=year, rows=rows, columns=columns))
    tables.sort(key=lambda t: -sum(c.judged for c in t.columns))  # the year with the most verdicts first
    return ComparePage(
        title="地区对比：主要目标 · Regions compared: headline targets",
        root=".",
        indicators=labels,
        indicator_ids=list(HEADLINE),
        tables=tables,
    )


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
    compare = single["compare.html"]
    assert isinstance(compare, ComparePage)
    return Site(
        index=index,
        goals=goals,
        scorecards=cards,
        sources=sources,
        indicators=indicators,
        methods=methods,
        compare=compare,
    )


def site_pages(site: Site) -> Iterator[PageOut]:
    """The pages of a built ``site``."""
    yield "index.html", "index.html", site.index
    yield "goals.html", "goals.html", site.goals
    yield "methods.html", "methods.html", site.methods
    if site.compare is not None:
        yield "compare.html", "compare.html", site.compare
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
    if abs(d) >= 1000000000000:
        return f"{(d / Decimal(1000000000000)).normalize():f}万亿"
    if abs(d) >= 100000000:
        return f"{(d / Decimal(100000000)).normalize():f}亿"
    if abs(d) >= 10000:
        return f"{(d / Decimal(10000)).normalize():f}万"
    return f"{d.normalize():f}"


def _big(v: Decimal | None, unit: str | None) -> str:
    """A figure as people write it: 5.2万亿元, never 52000亿元."""
    if v is not None and abs(v) >= 1000000000000:
        return f"{(v / Decimal(1000000000000)).normalize():f}万亿{unit or ''}"
    return fmt(v, unit)


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
            # a figure for several years (a five-year target) is one figure: drawn at its end year,
            # never as a flat line that would read as the same level every year
            end = X(st.period.end)
            many = st.period.start != st.period.end
            marks.append(
                ChartMark(
                    kind=kind,
                    css=status,
                    x=end,
                    x2=end,
                    y=y,
                    y2=y2,
                    label=label,
                    href=href,
                    value="目标 " + target_text(st, "zh").replace(fmt(st.value, st.unit), _big(st.value, st.unit)),
                    period=f"{st.period}" if many else "",
                )
            )
        else:
            v = _big(st.value, st.unit)
            many = st.period.start != st.period.end
            marks.append(
                ChartMark(
                    kind="outcome",
                    css="outcome",
                    x=X(st.period.end),
                    x2=X(st.period.end),
                    y=Y(float(st.value)),
                    y2=Y(float(st.value)),
                    label=f"结果 {st.period}年 {v} · outcome {v} in {st.period}",
                    href=href,
                    value=v,
                    period=f"{st.period}" if many else "",
                )
            )
    for i, mk in enumerate(marks):
        if mk.x > PAD_L + pw / 2:
            marks[i] = mk.model_copy(update={"anchor": "end"})
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
        gaps=[
            StatusInfo(id=g, zh=zh, en=en, note_zh=GAP_NOTE[g][0], note_en=GAP_NOTE[g][1])
            for g, (zh, en) in GAPS.items()
        ],
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


def is_stamped(folder: Path) -> bool:
    """Whether ``folder`` carries tracker's build stamp (a site, or a build folder, tracker made)."""
    return (folder / BUILD_FILE).is_file()


def _ours(folder: Path) -> bool:
    """A folder tracker may delete: stamped, or empty."""
    return folder.is_dir() and not folder.is_symlink() and (is_stamped(folder) or not any(folder.iterdir()))


def db_file(engine: Engine) -> Path | None:
    """The file of a SQLite database (None for a server or an in-memory database)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None  # a URI filename: left to SQLite
    return Path(url.database).resolve()


def check_out(out: Path, engine: Engine | None = None, *, inputs: Iterable[Path] = ()) -> None:
    """Refuse (one line: why, and what to pass) an ``--out`` whose replacement would destroy what the
    user owns: an existing file, a folder holding the database or an input, a non-empty folder
    tracker did not build. Only a folder carrying tracker's build stamp (or an empty one) is replaced."""
    shown = out
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise TrackerError(f"{shown}: is a file, not a folder tracker built; pass --out with a new folder")
    db = db_file(engine) if engine is not None else None
    if db is not None and db.is_relative_to(out):
        raise TrackerError(
            f"{shown}: holds the database {db}; pass --out with a folder that does not hold the database "
            "(the site folder is replaced whole)"
        )
    for p in inputs:
        if p.resolve().is_relative_to(out):
            raise TrackerError(
                f"{shown}: holds the input {p}; pass --out with a folder apart from the reports "
                "(the site folder is replaced whole)"
            )
    if out.is_dir() and not is_stamped(out) and any(out.iterdir()):
        raise TrackerError(
            f"{shown}: is a folder tracker did not build (no {BUILD_FILE}) and is not empty; "
            "pass --out with a new or empty folder, or a site folder tracker built"
        )


def _recover(out: Path) -> None:
    """Undo what a killed run may have left: the site moved aside, half-built temporary folders.

    Only folders carrying the build stamp (or empty ones) are ever deleted."""
    old = out.with_name(f".{out.name}.old")
    if not out.exists() and _ours(old):
        old.rename(out)  # killed between moving the site aside and moving the new one in
    for p in out.parent.iterdir():
        if (p == old or p.name.startswith(f".{out.name}.{TMP_TAG}")) and _ours(p):
            shutil.rmtree(p, ignore_errors=True)


def _swap_in(tmp: Path, out: Path) -> None:
    """Put the built folder ``tmp`` at ``out``; the previous site stays in place until then."""
    if out.is_dir() and _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous site
        return
    old = out.with_name(f".{out.name}.old")
    if old.exists() or old.is_symlink():
        if not _ours(old):
            raise TrackerError(f"{old}: is in the way of replacing {out} and tracker did not build it; move it away")
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
    ``extra_files``: more files to write (the build stamp with the fingerprint). ``reuse``: regions whose
    pages have not changed since the site at ``out`` was built (the caller knows, from the build stamp):
    their scorecards, source and indicator pages are hard-linked from it, not rendered again; the new
    site is still built beside it and swapped in whole.
    ``out`` is refused (``check_out``) unless it is new, empty or a site tracker built.
    """
    check_out(out, engine)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{TMP_TAG}", dir=out.parent))
    data = None
    try:
        (tmp / BUILD_FILE).write_text(json.dumps({"tracker": "site"}), "utf-8")  # replaced below when given
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
