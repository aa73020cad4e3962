"""Structure: a ``Document`` -> its heading tree, each section with a role and a period.

Headings: 一、 / 第一部分 (level 1), （一） (level 2), 1. (level 3), short unnumbered
lines that name a part of the report (2024年工作回顾), and 附件 (an attachment after the
report; its own headings sit one level lower). A （一） heading may open a paragraph
("（一）改革开放持续攻坚突破，引领区建设全面深化。扎实推动……"): its heading is the first
sentence.

A section's role comes from the cue words of its heading, else from its period (a past
period is a review, the report year or later a plan), else from its parent. Its period
comes from its heading (the cue written first wins: "2025年和“十四五”时期工作回顾" is
2025, "“十四五”时期和2025年工作回顾" is 2021–2025), else from the opening of its first
paragraphs (level 1 only), else from its parent. Periods of paragraph openings
(``opening_period``) and of sentences override the section's in ``tracker.extract``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.ingest import blank, lines_with_offsets
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Document, Period, Role, Section
from tracker.normalize import normalize

_CN = "一二三四五六七八九十"
_H1 = re.compile(rf"^\s*(?:[{_CN}]+、|第[{_CN}]+(?:部分|章|篇)(?![的是]))")
_H2 = re.compile(rf"^\s*[（(][{_CN}]+[)）]")
_H3 = re.compile(r"^\s*\d{1,2}\s*[.、．](?!\d)")
_ANNEX = re.compile(r"^\s*附\s*件\s*\d*\s*[:：]?")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")
_TO = re.compile(r"(?:到|至|截至)\s*$")
_VOCATIVE = re.compile(r"^\s*(?:各位代表|同志们)\s*[！!，,：:]?\s*")
_FIGURE = re.compile(r"\d[\d.,]*\s*(?:%|万|亿|个百分点|倍)")
_OPENING_CHARS = 16  # a paragraph's period cue must start within its first characters
_INLINE_MAX = 50  # longest first sentence read as an inline （一） heading


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    level: int
    text: str


def _is_lead_in(s: str) -> bool:
    return s.endswith((":", "：")) or s.endswith("是")


def find_headings(text: str, lex: Lexicon | None = None, year: int | None = None) -> list[Heading]:
    """Heading lines of the (furniture-blanked, normalised) text, in reading order.

    ``year`` (the report year) lets unnumbered lines with a period count as headings.
    """
    lex = lex or lexicon()
    cues = [c for words in lex.sections.roles.values() for c in words]
    numbered: list[Heading] = []
    loose: list[Heading] = []
    annex_at: int | None = None
    lines = lines_with_offsets(text)
    for k, (start, end, line) in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        lead = len(line) - len(line.lstrip())
        if len(s) <= 30 and _ANNEX.match(s) and (annex_at is not None or start > len(text) // 2):
            title = s
            for _, _, nxt in lines[k + 1 : k + 4]:
                if nxt.strip():
                    if len(nxt.strip()) <= 30 and not _H1.match(nxt) and "。" not in nxt:
                        title = f"{s} {nxt.strip()}"
                    break
            numbered.append(Heading(start=start, end=end, level=1, text=title))
            annex_at = start
            continue
        shift = 1 if annex_at is not None else 0
        if len(s) > 60:
            # a （一） heading that opens a paragraph: its first sentence
            if _H2.match(s):
                dot = s.find("。")
                if 0 < dot < _INLINE_MAX:
                    h_end = start + lead + dot + 1
                    numbered.append(Heading(start=start, end=h_end, level=2 + shift, text=s[: dot + 1]))
            continue
        level = 0
        if _H1.match(s) and (len(s) <= 40 or "。" not in s):
            level = 1
        elif _H2.match(s) and "。" not in s[:-1]:
            level = 2
        elif _H2.match(s) and 0 < s.find("。") < _INLINE_MAX:
            dot = s.find("。")
            numbered.append(Heading(start=start, end=start + lead + dot + 1, level=2 + shift, text=s[: dot + 1]))
            continue
        elif _H3.match(s) and "。" not in s[:-1] and len(s) <= 30:
            level = 3
        elif (
            len(s) <= 24
            and "。" not in s
            and "，" not in s
            and not _is_lead_in(s)
            and (
                (any(c in s for c in cues) and ("工作" in s or "目标" in s or "任务" in s or "成就" in s))
                or role_of(s, lex) == "government"
            )
        ):
            loose.append(Heading(start=start, end=end, level=1, text=s))
            continue
        if level > 1 and _FIGURE.search(s):
            level = 0  # "1.地区生产总值增长5.5%以上": a target in a list, not a heading
        if level:
            numbered.append(Heading(start=start, end=end, level=level + shift, text=s))
    has_h1 = any(h.level == 1 for h in numbered)
    keep = [h for h in loose if not has_h1 or (year is not None and period_of_text(h.text, year, lex) is not None)]
    return sorted([*numbered, *keep], key=lambda h: h.start)


def role_of(heading: str, lex: Lexicon | None = None) -> Role | None:
    lex = lex or lexicon()
    roles = lex.sections.roles
    for role in ("government", "review", "plan"):
        if any(c in heading for c in roles[role]):
            return role
    return None


def period_of_text(text: str, report_year: int, lex: Lexicon | None = None) -> Period | None:
    """The period a heading or a paragraph opening names, if any.

    Every cue is found with its position and the one written first wins: a year
    (2023年; 到2027年 -> report year..2027; 2023—2025年 -> 2023..2025), a plan period
    (“十四五” -> 2021–2025; “十五五”开好局 -> 2026), or a relative cue of the lexicon
    (过去五年, 今后五年, 过去一年, 今年 ...).
    """
    lex = lex or lexicon()
    t = normalize(text)
    found: list[tuple[int, int, Period]] = []  # (position, -length, period)
    for m in _RANGE.finditer(t):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b and report_year - 15 <= a and b <= report_year + 15:
            found.append((m.start(), -len(m.group()), Period(start=a, end=b)))
    for m in _YEAR.finditer(t):
        y = int(m.group(1))
        if not report_year - 10 <= y <= report_year + 15:
            continue
        if _TO.search(t[max(0, m.start() - 3) : m.start()]) and y > report_year:
            found.append((m.start(), -len(m.group()), Period(start=report_year, end=y)))
        else:
            found.append((m.start(), -len(m.group()), Period(start=y, end=y)))
    plan_at: list[tuple[int, Period]] = []
    for plan in lex.sections.plans:
        i = t.find(plan.text)
        if i >= 0:
            p = Period(start=plan.start, end=plan.end)
            plan_at.append((i, p))
            found.append((i, -len(plan.text), p))
    for cue in lex.sections.period_cues:
        i = t.find(cue.text)
        if i < 0:
            continue
        if cue.kind == "plan_start":
            named = [p for j, p in plan_at if j < i]
            if named:  # “十五五”开好局: the first year of the plan named before it
                p0 = named[-1]
                i = min(j for j, p in plan_at if p == p0)
                found.append((i, -100, Period(start=p0.start, end=p0.start)))
                continue
            p = Period(start=report_year, end=report_year)
        elif cue.kind == "past_years":
            p = Period(start=report_year - cue.years, end=report_year - 1)
        elif cue.kind == "next_years":
            p = Period(start=report_year, end=report_year + cue.years - 1)
        elif cue.kind == "last_year":
            p = Period(start=report_year - 1, end=report_year - 1)
        else:
            p = Period(start=report_year, end=report_year)
        found.append((i, -len(cue.text), p))
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def strip_vocative(paragraph: str) -> str:
    """The paragraph without a leading address to the deputies (各位代表！)."""
    return _VOCATIVE.sub("", paragraph.strip(), count=1)


def opening_period(paragraph: str, report_year: int, lex: Lexicon | None = None) -> Period | None:
    """The period a paragraph's opening names (过去一年，… / “十四五”时期… / 各位代表！五年来…);
    none for one year of a term (本届政府依法履职的第一年)."""
    lex = lex or lexicon()
    opening = strip_vocative(paragraph)[: _OPENING_CHARS * 2]
    if any(w in opening for w in lex.sections.single_year_words):
        p = period_of_text(opening[:_OPENING_CHARS], report_year, lex)
        return p if p is None or p.start == p.end else None
    return period_of_text(opening[:_OPENING_CHARS], report_year, lex)


_LEAD_PUNCT = re.compile(r"^[\s—\-–“”\"‘’「」『』]+")
_TURN_KINDS = ("past_years", "next_years", "last_year")
_TURN_AT = 2  # a turning cue starts a sentence (after a vocative, a dash or a quote mark)


def turn_period(sentence: str, report_year: int, lex: Lexicon | None = None) -> Period | None:
    """The period a later sentence of a paragraph turns to: 五年来，… / “十四五”的五年，… / 过去一年，….

    Only cues that start a new stretch of the report count (five-year plans and relative
    periods); a year at a sentence's start is that sentence's own period, read in
    ``tracker.extract``, and does not carry over.
    """
    lex = lex or lexicon()
    s = _LEAD_PUNCT.sub("", _VOCATIVE.sub("", sentence.strip(), count=1))
    w = normalize(s[: _TURN_AT + 6])
    found: list[tuple[int, int, Period]] = []
    for plan in lex.sections.plans:
        i = w.find(plan.text)
        if 0 <= i <= _TURN_AT:
            found.append((i, -len(plan.text), Period(start=plan.start, end=plan.end)))
    for cue in lex.sections.period_cues:
        if cue.kind not in _TURN_KINDS:
            continue
        i = w.find(cue.text)
        if cue.kind == "past_years" and any(x in s[: _OPENING_CHARS * 2] for x in lex.sections.single_year_words):
            continue  # 本届政府履职的第一年，…: one year, not the term
        if 0 <= i <= _TURN_AT:
            if cue.kind == "past_years":
                p = Period(start=report_year - cue.years, end=report_year - 1)
            elif cue.kind == "next_years":
                p = Period(start=report_year, end=report_year + cue.years - 1)
            else:
                p = Period(start=report_year - 1, end=report_year - 1)
            found.append((i, -len(cue.text), p))
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None


def _body_period(view: str, start: int, end: int, year: int, lex: Lexicon) -> Period | None:
    """The period the first paragraphs of a section open with."""
    n = 0
    for _, _, para in lines_with_offsets(view[start:end])[1:]:
        if not para.strip():
            continue
        p = opening_period(para, year, lex)
        if p is not None:
            return p
        n += 1
        if n >= 4:
            break
    return None


def _role_from_period(period: Period, year: int) -> Role | None:
    if period.end < year:
        return "review"
    if period.start >= year:
        return "plan"
    return None


def structure(doc: Document, lex: Lexicon | None = None) -> list[Section]:
    """The section tree of a document, flattened in reading order, with roles and periods."""
    lex = lex or lexicon()
    view = normalize(blank(doc.text, doc.ignored))
    heads = find_headings(view, lex, doc.year)
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
        period = period_of_text(h.text, doc.year, lex)
        if period is None and h.level == 1:
            nxt = heads[i + 1].start if i + 1 < len(heads) else n
            period = _body_period(view, h.start, nxt, doc.year, lex)
        role = role_of(h.text, lex)
        if role is None and period is not None:
            role = _role_from_period(period, doc.year)
        if role is None:
            role = parent.role if parent else "other"
        if period is None:
            period = parent.period if parent else None
        if period is None and role in ("plan", "government"):
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
