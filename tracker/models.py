"""Pydantic models at the pipeline's boundaries: document, section, statement, match.

Every stage takes and returns these; the database layer converts them to rows and
back, the site and the export read them. Values are ``Decimal`` so that 16.4亿 is
exactly 1640000000.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Comparator = Literal[">=", ">", "<=", "<", "~", "=", "range", "none"]
Kind = Literal["goal", "outcome"]
Role = Literal["review", "plan", "government", "other"]
Verdict = Literal["met", "missed", "partly", "not_comparable"]
Status = Literal["met", "missed", "partly", "not_comparable", "no_evidence", "pending", "needs_review"]
RegionLevel = Literal["national", "provincial", "municipal", "district", "county"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Period(Model):
    start: int
    end: int

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"

    def contains(self, year: int) -> bool:
        return self.start <= year <= self.end


class Region(Model):
    name: str
    level: RegionLevel
    parent: str | None = None


class Document(Model):
    """A report as read: ``text`` is the decoded source, every span points into it."""

    source: str
    sha256: str
    text: str
    region: Region
    year: int
    date: str | None = None
    title: str = "政府工作报告"
    meeting: str | None = None
    speaker: str | None = None
    ignored: list[Span] = []  # page furniture: adverts, TOC, glossary (never quoted)


class Section(Model):
    heading: str
    level: int
    start: int
    end: int
    role: Role
    period: Period | None = None
    path: list[str] = []


class IndicatorRef(Model):
    id: str | None = None  # lexicon id, None when the phrase is not in the lexicon
    name: str  # the lexicon's Chinese name, or the phrase as written
    key: str  # normalised key: lexicon id, else the normalised phrase


class Statement(Model):
    """A goal or an outcome, with its evidence and the rule that produced it."""

    key: str  # content-based identity, stable across re-runs
    kind: Kind
    indicator: IndicatorRef
    quote: str
    span: Span
    value: Decimal | None = None
    value_high: Decimal | None = None
    stretch: Decimal | None = None  # two-threshold targets: 增长5%、力争6%
    baseline: Decimal | None = None  # 从3.3%提高到3.8%: 3.3
    unit: str | None = None
    comparator: Comparator = "none"
    measure: str = "level"
    period: Period
    relation: str | None = None  # relational goals: the reference indicator key
    rule: str
    section: str | None = None
    # denormalised from the document, for matching without a database
    region: str = ""
    report_year: int = 0


class Match(Model):
    goal: str  # statement key
    outcome: str  # statement key
    verdict: Verdict
    margin: Decimal | None = None
    flags: list[str] = []
    reason_zh: str
    reason_en: str
    # how alike the things counted are (0–1) when the match rests on that, not on one indicator key
    score: float | None = None


class GoalStatus(Model):
    goal: str
    status: Status
    match: Match | None = None
    reason_zh: str
    reason_en: str
