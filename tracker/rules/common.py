"""What the figure rules share: the draft of a statement, the state of a sentence and of one
figure while the rules read it, and small text helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import cn2an

from tracker.quantity import Quantity

HARD = "，,；;：:。！？!?\n"
YEAR_OF = re.compile(r"(?:19|20)\d{2}年(?:底|末)?的?$")
SHORT_NOUN = re.compile(r"(?:(?![和与及或])[\u4e00-\u9fff]){1,4}")
SPAN_OF_YEARS = re.compile(r"(?:^|(?<=[\u4e00-\u9fff]))(?:\d{1,2}|[一二三四五六七八九十]+)年$")
# an opened bracket right after a figure, not yet closed: the text glosses that figure
GLOSS_OPEN = re.compile(r"^\s*[（(][^）)]*$")
MAX_PHRASE = 30
# a span of years the subject opens with (近五年累计…, 五年来新增…)
LEAD_YEARS = re.compile(r"(?:近|这|过去)?([一二三四五六七八九十两]|\d{1,2})年(?:来|间)?")
LISTED = ("和", "、", "及", "与", "")
LIST_SEP = re.compile(r"、(?![^（(]*[）)])")


@dataclass
class Draft:
    q: Quantity
    phrase: str
    measure: str
    clause_start: int
    clause_end: int
    rule: str
    verb: str | None = None
    baseline: Decimal | None = None
    distribute: list[str] | None = None
    group: list[str] | None = None
    stretch: Decimal | None = None
    noun: str | None = None  # the thing a counted figure counts
    noun_cut: str | None = None  # the same, as written before the next list item
    years: int | None = None  # 五年增长30.8%: the figure covers that many years
    within: tuple[str, str] | None = None  # 其中…: the words that make an item part of the whole
    list_verb: str | None = None  # 新增A 5家、B 3家: the verb the list opened with
    per_year: bool = False  # 每年实施20项: the figure is for each year of the period
    whole_period: bool = False  # 翻番: a change over the whole period, however many years
    skip: bool = False


@dataclass
class Sentence:
    """One sentence of the view while its figures are read, in order."""

    view: str
    start: int
    end: int
    qs: list[Quantity]
    out: list[Draft] = field(default_factory=list)
    prev: Draft | None = None  # the last draft made (None after a figure without a subject)
    group: list[str] | None = None  # subjects that 分别 distributes
    group_i: int = 0
    pending: list[Draft] = field(default_factory=list)  # from-figures of 分别从…提高到… waiting
    cut: int = -1  # 首批121个…: the words of the next figure start after a batch count left out

    def emit(self, d: Draft) -> bool:
        self.out.append(d)
        self.prev = d
        return True


@dataclass
class Figure:
    """One figure of a sentence and what the rules have read about it so far."""

    qi: int
    q: Quantity
    hard_start: int = 0  # the clause: from the hard punctuation before the figure …
    clause_end: int = 0  # … to the list separator or hard punctuation after it
    clause_end_hard: int = 0
    later: list[Quantity] = field(default_factory=list)  # the figures after it in the clause
    region_start: int = 0
    same_clause_prev: bool = False  # the draft before is in the same clause
    raw: str = ""  # the words in front of the figure
    of_thing: bool = False  # …下达的90亿元…: the words end with 的
    soft_split: bool = False
    clause_start: int = 0
    phrase: str = ""
    measure: str = "level"
    verb: str | None = None
    had_cue: bool = False
    list_verb: str | None = None
    noun: str = ""
    noun_cut: str = ""
    removed: set[str] = field(default_factory=set)  # the suffix words stripped from the subject
    phrase_clean: str = ""
    lead_words: str = ""  # the prefix words stripped from the subject
    years: int | None = None
    rule: str = "figure.subject"
    within: tuple[str, str] | None = None
    distribute: list[str] | None = None
    listed: bool = False
    task_verb: str | None = None
    counted: bool = False
    whole_period: bool = False


def strip_suffixes(phrase: str, words: list[str]) -> tuple[str, set[str]]:
    removed: set[str] = set()
    changed = True
    while changed and phrase:
        changed = False
        for w in words:
            if phrase.endswith(w):
                phrase = phrase[: -len(w)]
                removed.add(w)
                changed = True
    return phrase, removed


def strip_prefixes(phrase: str, words: list[str]) -> str:
    changed = True
    while changed and phrase:
        changed = False
        for w in words:
            if phrase.startswith(w) and len(phrase) > len(w):
                phrase = phrase[len(w) :]
                changed = True
    return phrase


def count_of(n: str) -> int:
    """A small count written in digits or Chinese numerals (5, 五, 两)."""
    return int(n) if n.isdigit() else int(cn2an.cn2an(n, "smart"))


def last_list_sep(raw: str) -> int:
    """The last 、 of ``raw`` that is not inside brackets (县（市、区）), or -1."""
    depth = 0
    for i in range(len(raw) - 1, -1, -1):
        ch = raw[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            return i
    return -1


def same_or_next(prev: Draft, hard_start: int) -> bool:
    """Is ``prev`` in the clause just before (or the same as) the one starting at ``hard_start``?"""
    return prev.clause_end + 1 >= hard_start - 1
