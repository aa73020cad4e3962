"""Structure: a ``Document`` -> its heading tree, each section with a role and a period.

Headings: 一、 (level 1), （一） (level 2), 1. (level 3), and short unnumbered lines
that name a part of the report (2024年工作回顾). A section's role and period come from
its heading, else from its parent. Periods of sentences and paragraphs are read in
``period_of_text``; they override the section's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.ingest import blank, lines_with_offsets
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Document, Period, Role, Section
from tracker.normalize import normalize

_CN = "一二三四五六七八九十"
_H1 = re.compile(rf"^\s*(?:[{_CN}]+、|第[{_CN}]+部分)")
_H2 = re.compile(rf"^\s*[（(][{_CN}]+[)）]")
_H3 = re.compile(r"^\s*\d{1,2}\s*[.、．](?!\d)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    level: int
    text: str


def find_headings(text: str, lex: Lexicon | None = None) -> list[Heading]:
    """Heading lines of the (furniture-blanked, normalised) text."""
    lex = lex or lexicon()
    cues = [c for words in lex.sections.roles.values() for c in words]
    out: list[Heading] = []
    for start, end, line in lines_with_offsets(text):
        s = line.strip()
        if not s or len(s) > 60:
            continue
        level = 0
        if _H1.match(s) and (len(s) <= 40 or "。" not in s):
            level = 1
        elif _H2.match(s) and "。" not in s[:-1] and len(s) <= 40:
            level = 2
        elif _H3.match(s) and "。" not in s[:-1] and len(s) <= 30:
            level = 3
        elif (
            len(s) <= 24
            and "。" not in s
            and "，" not in s
            and any(c in s for c in cues)
            and ("工作" in s or "目标" in s or "任务" in s or "成就" in s)
        ):
            level = 1
        if level:
            out.append(Heading(start=start, end=end, level=level, text=s))
    return out


def role_of(heading: str, lex: Lexicon | None = None) -> Role | None:
    lex = lex or lexicon()
    roles = lex.sections.roles
    for role in ("government", "review", "plan"):
        if any(c in heading for c in roles[role]):
            return role
    return None


def period_of_text(text: str, report_year: int, lex: Lexicon | None = None) -> Period | None:
    """The period a heading or a paragraph opening names, if any."""
    lex = lex or lexicon()
    t = normalize(text)
    years = [int(y) for y in _YEAR.findall(t)]
    years = [y for y in years if report_year - 10 <= y <= report_year + 15]
    if years:
        return (
            Period(start=min(years), end=max(years))
            if len(set(years)) > 1 and "到" in t
            else Period(start=years[0], end=years[0])
        )
    for plan in lex.sections.plans:
        if plan.text in t:
            return Period(start=plan.start, end=plan.end)
    for cue in lex.sections.period_cues:
        if cue.text in t:
            if cue.kind == "past_years":
                return Period(start=report_year - cue.years, end=report_year - 1)
            if cue.kind == "next_years":
                return Period(start=report_year, end=report_year + cue.years - 1)
            if cue.kind == "last_year":
                return Period(start=report_year - 1, end=report_year - 1)
            return Period(start=report_year, end=report_year)
    return None


def structure(doc: Document, lex: Lexicon | None = None) -> list[Section]:
    """The section tree of a document, flattened in reading order, with roles and periods."""
    lex = lex or lexicon()
    view = normalize(blank(doc.text, doc.ignored))
    heads = find_headings(view, lex)
    sections: list[Section] = []
    stack: list[Section] = []
    n = len(view)
    for i, h in enumerate(heads):
        end = n
        for h2 in heads[i + 1 :]:
            if h2.level <= h.level:
                end = h2.start
                break
        while stack and stack[-1].level >= h.level:
            stack.pop()
        parent = stack[-1] if stack else None
        role = role_of(h.text, lex) or (parent.role if parent else "other")
        period = period_of_text(h.text, doc.year, lex)
        if period is None:
            period = parent.period if parent else None
        if period is None and role == "plan":
            period = Period(start=doc.year, end=doc.year)
        if period is None and role == "review":
            period = Period(start=doc.year - 1, end=doc.year - 1)
        sec = Section(
            heading=h.text,
            level=h.level,
            start=h.start,
            end=end,
            role=role,
            period=period,
            path=[*(s.heading for s in stack), h.text],
        )
        sections.append(sec)
        stack.append(sec)
    return sections


def section_at(sections: list[Section], pos: int) -> Section | None:
    """The innermost section containing ``pos``."""
    best = None
    for s in sections:
        if s.start <= pos < s.end and (best is None or s.level >= best.level):
            best = s
    return best
