"""Lexicons: the data files that hold every cue word, unit, indicator and region.

Each YAML file is loaded into pydantic models with ``extra="forbid"`` so that a typo
in a data file fails loudly on load, naming the file and the field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tracker.errors import TrackerError

HERE = Path(__file__).parent

Comparator = Literal[">=", ">", "<=", "<", "~", "=", "range", "none"]
Better = Literal["higher", "lower", "band"]


T = TypeVar("T", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Multiplier(Strict):
    text: str
    factor: Decimal


class Unit(Strict):
    text: str
    canonical: str
    per_only: bool = False  # a unit only with a per prefix in front (每立方米20微克), never alone
    kind: Literal[
        "percent",
        "points",
        "currency",
        "count",
        "length",
        "area",
        "mass",
        "volume",
        "energy",
        "ratio",
        "concentration",
        "multiple",
        "duration",
        "compute",
    ]


class WordFigure(Strict):
    """A figure written as a word: 翻一番 (a growth of 100%), 一半 (50%), 过半 (more than 50%)."""

    text: str
    value: Decimal
    unit: str
    comparator: Comparator = "="
    measure: Literal["growth"] | None = None  # 翻番: a growth over the whole period


class PerPrefix(Strict):
    text: str  # 每人每月 in front of a figure
    unit: str  # the figure's canonical unit it applies to (元)
    canonical: str  # the rate unit it becomes (元/月)


class Units(Strict):
    multipliers: list[Multiplier]
    units: list[Unit]
    word_figures: list[WordFigure] = []
    per_prefixes: list[PerPrefix] = []

    def unit(self, text: str) -> Unit:
        for u in self.units:
            if u.text == text:
                return u
        raise KeyError(text)


class ComparatorCue(Strict):
    text: str
    comparator: Comparator


class Comparators(Strict):
    after: list[ComparatorCue]
    before: list[ComparatorCue]
    of_reference: list[str] = []
    of_reference_span: int = 24


class NonFigures(Strict):
    before: list[str]
    after: list[str]
    quoted_max: int = Field(ge=1)
    year_after: list[str]
    after_regex: list[str] = []
    before_regex: list[str] = []


class MeasureCue(Strict):
    text: str
    measure: str


class PeriodCue(Strict):
    text: str
    kind: Literal["past_years", "next_years", "last_year", "this_year", "plan_start"]
    years: int = 1


class RelationalCue(Strict):
    regex: str  # named groups: subject, reference
    measure: str
    # "none": in step with the reference (同步); ">": faster than it (增速高于经济增速)
    comparator: Literal["none", ">", ">="] = "none"


class Cues(Strict):
    measure_before: list[MeasureCue]
    task_verbs: list[str]
    adding_verbs: list[str] = []
    goal_cues: list[str]
    outcome_cues: list[str]
    phrase_strip_prefix: list[str]
    region_words: list[str]
    distribute_all: list[str]
    distribute_each: list[str]
    phrase_strip_suffix: list[str]
    phrase_strip_regex: list[str]
    from_words: list[str]
    to_verbs: list[str]
    stretch_cues: list[str]
    noun_after_stops: list[str] = []
    distribute_split: dict[str, list[str]] = {}
    shared_heads: list[str] = []
    enumeration_end: list[str] = []
    lead_verbs: list[str] = []
    relative_regex: list[str] = []
    bare_heads: list[str] = []
    gloss_bases: list[str] = []
    lower_to_cues: list[str] = []
    total_heads: list[str] = []
    predicate_starts: list[str] = []
    dependent_words: list[str] = []
    tail_verbs: list[str] = []
    shared_predicates: list[str] = []
    attribute_words: list[str] = []
    attribute_predicates: list[str] = []
    clause_openers: list[str] = []
    scope_openers: list[str] = []
    measure_after: list[MeasureCue] = []
    part_year_words: list[str] = []
    list_joiners: list[str] = []
    one_in_then: list[str] = []
    ranking_lists: list[str] = []
    shared_qualifiers: list[str] = []
    level_marks: list[str] = []
    package_units: list[str] = []
    package_things: list[str] = []
    package_verbs: list[str] = []
    package_counted: list[str] = []
    set_verbs: list[str] = []
    quality_verbs: list[str] = []
    quality_nouns: list[str] = []
    whole_scopes: list[str] = []
    coverage_marks: list[str] = []
    rank_verbs: list[str] = []
    rank_scopes: list[str] = []
    milestone_heads: list[str] = []
    batch_marks: list[str] = []
    stage_predicates: list[str] = []
    policy_rate_before: list[str] = []
    policy_rate_after: list[str] = []
    threshold_words: list[str] = []
    digit_name_after: list[str] = []
    state_verbs: list[str] = []
    rate_marks: list[str] = []
    rate_heads: list[str] = []
    opening_periods: list[PeriodCue] = []
    figureless_goals: bool = False
    relational: list[RelationalCue] = []
    qualitative: list[str] = []
    zero: list[str] = []


class PlanPeriod(Strict):
    text: str
    start: int
    end: int


class Sections(Strict):
    roles: dict[Literal["review", "plan", "government"], list[str]]
    period_cues: list[PeriodCue]
    plans: list[PlanPeriod]
    single_year_words: list[str] = []


class Related(Strict):
    id: str
    zh: str
    en: str


class Indicator(Strict):
    id: str
    zh: str
    en: str
    unit: str
    better: Better
    aliases: list[str]
    related: list[Related] = []


class Indicators(Strict):
    neutral_prefixes: list[str]
    extra_aliases: dict[str, list[str]] = {}
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _check(self) -> Indicators:
        ids = [i.id for i in self.indicators]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate indicator ids: {sorted(dup)}")
        known = set(ids)
        unknown = sorted(set(self.extra_aliases) - known)
        if unknown:
            raise ValueError(f"extra_aliases for undefined indicators: {unknown}")
        seen: dict[str, str] = {}
        for ind in self.indicators:
            for rel in ind.related:
                if rel.id not in known:
                    raise ValueError(f"indicator {ind.id}: related id {rel.id!r} is not defined")
            for alias in self.aliases_of(ind):
                if alias in seen and seen[alias] != ind.id:
                    raise ValueError(f"alias {alias!r} is used by both {seen[alias]} and {ind.id}")
                seen[alias] = ind.id
        return self

    def aliases_of(self, ind: Indicator) -> list[str]:
        """The Chinese name, the aliases and the extra aliases of ``ind``."""
        return [ind.zh, *ind.aliases, *self.extra_aliases.get(ind.id, [])]

    def by_id(self, ind_id: str) -> Indicator | None:
        for ind in self.indicators:
            if ind.id == ind_id:
                return ind
        return None


class Region(Strict):
    name: str
    level: Literal["national", "provincial", "municipal", "district", "county"]
    parent: str | None = None
    aliases: list[str] = []


class Regions(Strict):
    order: list[str] = []  # the official order (national first, then the standard province order)
    regions: list[Region]

    def sort_key(self, name: str) -> tuple[int, int, str]:
        """Sort key in the official order: a listed region by its place, any other after its parent
        (or its parent's parent), regions without a listed ancestor last, by name."""
        rank = {n: i for i, n in enumerate(self.order)}
        parents = {r.name: r.parent for r in self.regions}
        depth, cur = 0, name
        while cur not in rank and parents.get(cur) is not None and depth < 5:
            cur, depth = parents[cur] or "", depth + 1
        return (rank.get(cur, len(rank)), depth, name)


class CautionCues(Strict):
    """When a verdict would rest on half the evidence: a person must judge (caution.yaml)."""

    comparability: list[str]  # a result stated with another basis beside it: 同口径增长2.5%
    conditions: list[str]  # the words of a relational condition: 高于, 快于; two of them, two conditions


def _load(name: str, model: type[T], directory: Path | None = None) -> T:
    path = (directory or HERE) / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TrackerError(f"{path}: lexicon file missing") from exc
    except yaml.YAMLError as exc:
        raise TrackerError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TrackerError(f"{path}: {where}: {first['msg']} ({exc.error_count()} error(s))") from exc


class Tolerance(Strict):
    absolute: Decimal | None = None
    relative: Decimal | None = None

    @model_validator(mode="after")
    def _one(self) -> Tolerance:
        if (self.absolute is None) == (self.relative is None):
            raise ValueError("give exactly one of absolute or relative")
        return self

    def of(self, target: Decimal) -> Decimal:
        return self.absolute if self.absolute is not None else abs(target) * (self.relative or Decimal(0))


class Tolerances(Strict):
    default: Tolerance
    units: dict[str, Tolerance] = {}
    indicators: dict[str, Tolerance] = {}
    # relational goals (居民收入增长与经济增长同步): how far the subject's growth may lag
    # the reference's and still count as in step
    relational: Tolerance = Tolerance(absolute=Decimal("0.5"))

    def for_(self, indicator_id: str | None, unit: str | None) -> Tolerance:
        if indicator_id and indicator_id in self.indicators:
            return self.indicators[indicator_id]
        if unit and unit in self.units:
            return self.units[unit]
        return self.default


class Replace(Strict):
    text: str = Field(min_length=1)
    as_: str = Field(alias="as")


class Thresholds(Strict):
    match: float = Field(gt=0, le=1)
    review: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.review > self.match:
            raise ValueError("threshold.review must not exceed threshold.match")
        return self


class Things(Strict):
    """What a statement counts (核心对象), apart from actions, adverbs, tails and qualifiers (things.yaml)."""

    same_text: list[Replace]
    synonyms: list[Replace]
    actions: list[str]
    adverbs: list[str]
    tails: list[str]
    qualifiers: list[str]
    drop_regex: list[str] = []
    part_of: list[str] = []
    modifier_marks: list[str] = []
    measure_ends: list[str] = []
    narrowing: list[str]
    implied_by: dict[str, list[str]] = {}
    narrowing_starts: list[str]
    generic: list[str]
    measure_heads: list[str]
    list_marks: list[str]
    scope_words: list[str] = []
    own_level: dict[str, str] = {}
    unit_groups: list[list[str]]
    stock_units: list[str]
    stock_words: list[str]
    per_year_words: list[str]
    threshold: Thresholds

    @model_validator(mode="after")
    def _words(self) -> Things:
        for rx in self.drop_regex:
            try:
                re.compile(rx)
            except re.error as exc:
                raise ValueError(f"drop_regex {rx!r}: {exc}") from exc
        for name in (
            "actions",
            "adverbs",
            "tails",
            "qualifiers",
            "narrowing",
            "narrowing_starts",
            "generic",
            "stock_units",
            "stock_words",
            "per_year_words",
        ):
            if any(not w for w in getattr(self, name)):
                raise ValueError(f"{name}: empty word")
        return self


class Lexicon(Strict):
    units: Units
    comparators: Comparators
    nonfigures: NonFigures
    cues: Cues
    sections: Sections
    indicators: Indicators
    regions: Regions
    tolerances: Tolerances
    things: Things
    caution: CautionCues


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Load and validate every lexicon file in ``directory`` (default: the bundled ones)."""
    return Lexicon(
        units=_load("units.yaml", Units, directory),
        comparators=_load("comparators.yaml", Comparators, directory),
        nonfigures=_load("nonfigures.yaml", NonFigures, directory),
        cues=_load("cues.yaml", Cues, directory),
        sections=_load("sections.yaml", Sections, directory),
        indicators=_load("indicators.yaml", Indicators, directory),
        regions=_load("regions.yaml", Regions, directory),
        tolerances=_load("tolerances.yaml", Tolerances, directory),
        things=_load("things.yaml", Things, directory),
        caution=_load("caution.yaml", CautionCues, directory),
    )


def load_tolerances(path: Path) -> Tolerances:
    """Tolerances from a user's config file (same shape as the bundled tolerances.yaml).

    The file overrides the bundled table: its ``default`` and ``relational`` replace the
    bundled ones, its ``units`` and ``indicators`` entries replace entries of the same name.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TrackerError(
            f"{path}: cannot read the tolerance file: {exc.strerror}; give an existing YAML file"
        ) from exc
    except UnicodeDecodeError as exc:
        raise TrackerError(
            f"{path}: the tolerance file is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
            "save it as UTF-8 YAML"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TrackerError(f"{path}: not valid YAML{where}: {problem}; fix the file (UTF-8 YAML)") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TrackerError(f"{path}: expected a mapping with default/units/indicators/relational; fix the file")
    base = _load("tolerances.yaml", Tolerances).model_dump(exclude_none=True)
    merged = {**base, **{k: v for k, v in data.items() if k not in ("units", "indicators")}}
    for key in ("units", "indicators"):
        extra = data.get(key) or {}
        merged[key] = {**base[key], **extra} if isinstance(extra, dict) else extra
    try:
        return Tolerances.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TrackerError(f"{path}: {where}: {first['msg']} ({exc.error_count()} error(s))") from exc


@cache
def lexicon() -> Lexicon:
    """The bundled lexicon, loaded once."""
    return load_lexicon()
