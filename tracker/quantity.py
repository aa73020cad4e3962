"""The quantity grammar: figures in report Chinese -> ``Quantity`` (exact Decimal values).

Works on normalised text (see ``tracker.normalize``), so offsets are those of the
source. The regular expression is built from the unit, multiplier and comparator
tables in ``tracker/lexicon``; longer alternatives come first so that 万亿 wins over
亿 and 个百分点 over 个.

A figure is rejected when it is a name, an ordinal, a date or an identifier: the
rules are in ``nonfigures.yaml`` (第…, …号线, …届, “33条”, PM2.5, 2035年, 1+1+1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import cn2an

from tracker.lexicon import Lexicon, lexicon

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUM = rf"[{_CN_DIGITS}十百千]+(?:点[{_CN_DIGITS}]+)?"
_DASH = r"(?:-|－|—|–|~|～|至|到)"
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_QUOTES = {"“": "”", '"': '"', "《": "》", "「": "」", "‘": "’"}


@dataclass(frozen=True)
class Quantity:
    start: int  # offset of the figure (number, multiplier, unit, trailing cue)
    end: int
    text: str
    value: Decimal
    value_high: Decimal | None
    unit: str | None  # canonical unit, None for a bare number
    unit_kind: str | None
    comparator: str  # from a trailing cue (以上, 左右 …) or "=" / "range"
    before_start: int  # start of a leading comparator cue (超过, 不低于 …), else ``start``


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class Grammar:
    """Compiled patterns for one lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        mult = _alt([m.text for m in lex.units.multipliers])
        self.factors = {m.text: m.factor for m in lex.units.multipliers}
        units = _alt([u.text for u in lex.units.units])
        self.units = {u.text: u for u in lex.units.units}
        after = _alt([c.text for c in lex.comparators.after])
        self.after_cmp = {c.text: c.comparator for c in lex.comparators.after}
        self.before_cmp = sorted(lex.comparators.before, key=lambda c: len(c.text), reverse=True)
        approx = "多|余"
        self.pattern = re.compile(
            rf"(?P<num>{_NUM}|{_CN_NUM})(?P<a1>{approx})?(?P<mult>{mult})?(?P<a2>{approx})?"
            rf"(?:(?P<unit1>{units})?(?P<dash>{_DASH})(?P<num2>{_NUM})(?P<mult2>{mult})?)?"
            rf"(?P<unit>{units})?(?P<after>{after})?"
        )
        self.fraction = re.compile(rf"(?P<den>[{_CN_DIGITS}十百千万]+)分之(?P<num>[{_CN_DIGITS}十]+)")
        self.words = {w.text: w for w in lex.units.word_figures}
        self.word_units = {w.text: self.units[w.unit] for w in lex.units.word_figures}
        self.word_pattern = re.compile(
            rf"(?:(?P<frac>{self.fraction.pattern})|(?<![\d.])(?P<anum>\d{{1,3}})/(?P<aden>\d{{1,4}})(?![\d.])"
            rf"|(?P<word>{_alt(list(self.words)) or '(?!)'})"
            rf"|(?<=[破超过上])(?P<bare>[千百]?(?:万亿|亿|万))(?P<bunit>{units}))(?P<after>{after})?"
        )
        nf = lex.nonfigures
        self.nf_before = sorted(nf.before, key=len, reverse=True)
        self.nf_after = sorted(nf.after, key=len, reverse=True)
        self.nf_after_re = [re.compile(r) for r in nf.after_regex]
        self.nf_before_re = [re.compile(r) for r in nf.before_regex]
        self.year_after = tuple(nf.year_after)
        self.per_prefixes = sorted(lex.units.per_prefixes, key=lambda p: len(p.text), reverse=True)


@cache
def grammar() -> Grammar:
    return Grammar(lexicon())


def _cn_value(text: str) -> Decimal | None:
    try:
        return Decimal(str(cn2an.cn2an(text, "strict")))
    except (ValueError, KeyError, IndexError):
        return None


def exact(d: Decimal) -> Decimal:
    """A value without exponent noise: 4.72万亿 -> 4720000000000, 4.40 -> 4.4."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


MAX_DIGITS = 15  # a longer run of digits is an identifier (code, phone number), not a figure


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        digits = text.replace(",", "")
        if len(digits) - digits.count(".") > MAX_DIGITS:
            return None
        return Decimal(digits)
    return _cn_value(text)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for i, ch in enumerate(text):
        close = _QUOTES.get(ch)
        if close:
            j = text.find(close, i + 1)
            if j > 0:
                spans.append((i, j))
    return spans


def find_quantities(text: str, g: Grammar | None = None) -> list[Quantity]:
    """Every figure in ``text`` (normalised), in order; names and identifiers are left out."""
    g = g or grammar()
    out: list[Quantity] = []
    quoted = _quoted_spans(text) if any(q in text for q in _QUOTES) else []
    for m in g.pattern.finditer(text):
        num = m["num"]
        is_cn = not num[0].isdigit()
        s, e = m.start(), m.end()
        prev = text[s - 1] if s else ""
        nxt = text[e] if e < len(text) else ""
        if is_cn:
            # Chinese numerals only count with a unit that makes them a figure
            unit_txt = m["unit"]
            if not unit_txt or g.units[unit_txt].kind not in ("percent", "points", "multiple") or m["num2"]:
                continue
            if prev in "第" or (len(num) == 1 and num in "一两" and unit_txt == "倍"):
                continue
        if prev and (prev.isdigit() or prev == "." or (prev.isascii() and prev.isalpha())):
            continue
        if prev == "/" and s >= 2 and text[s - 2].isdigit():
            continue  # the denominator of 1/10
        if nxt == "/" and not m["unit"] and text[e + 1 : e + 2].isdigit():
            continue  # 1/10: a fraction, read by _word_figures
        if nxt and nxt.isascii() and nxt.isalpha() and not m["unit"]:
            continue
        if (
            m["unit"]
            and g.units[m["unit"]].kind not in ("percent", "points")
            and text[e : e + 1] == "的"
            and _CJK_CHAR.match(text[e + 1 : e + 2])
            and (m["after"] or any(text.endswith(c.text, 0, s) for c in g.before_cmp))
        ):
            continue  # 预增产值过10亿元的重大增长点: a threshold describing the thing after it
        if _rejected(text, s, m.end("num"), e, m, g, quoted):
            continue
        value = _number(num)
        if value is None:
            continue
        f1 = g.factors.get(m["mult"] or "", Decimal(1))
        value_high = None
        comparator = "="
        if m["num2"]:
            hi = _number(m["num2"])
            if hi is None:
                continue
            f2 = g.factors.get(m["mult2"] or "", Decimal(1))
            if m["mult2"] and not m["mult"]:
                f1 = f2
            elif m["mult"] and not m["mult2"]:
                f2 = f1
            value_high = hi * f2
            if value_high <= value * f1:
                # 2017-2022 style year spans and "5-3" item numbers are not ranges of a figure
                continue
            comparator = "range"
        value *= f1
        unit_txt = m["unit"] or m["unit1"]
        unit = g.units[unit_txt] if unit_txt else None
        if m["a1"] or m["a2"]:
            comparator = g.after_cmp.get(m["a1"] or m["a2"], "~")  # 2万多, 5万余: about
        if m["after"]:
            comparator = g.after_cmp[m["after"]]
        before_start = s
        for cue in g.before_cmp:
            if text.endswith(cue.text, 0, s):
                if comparator in ("=", ">") or cue.comparator == comparator:
                    comparator = cue.comparator if comparator == "=" else comparator
                before_start = s - len(cue.text)
                break
        canonical = unit.canonical if unit else None
        kind = unit.kind if unit else None
        for per in g.per_prefixes:
            if canonical == per.unit and text.endswith(per.text, 0, before_start):
                # 每人每月1536元: a monthly rate per person; 低于每立方米19微克: a bound before the rate
                canonical = per.canonical
                kind = g.units[canonical].kind if canonical in g.units else kind
                before_start -= len(per.text)
                for cue in g.before_cmp if comparator == "=" else ():
                    if text.endswith(cue.text, 0, before_start):
                        comparator, before_start = cue.comparator, before_start - len(cue.text)
                        break
                break
        else:
            if unit is not None and unit.per_only:
                continue  # 0.1微克攻坚行动: 微克 alone is no figure of these reports
        out.append(
            Quantity(
                start=s,
                end=e,
                text=text[s:e],
                value=exact(value),
                value_high=exact(value_high) if value_high is not None else None,
                unit=canonical,
                unit_kind=kind,
                comparator=comparator,
                before_start=before_start,
            )
        )
    if any(w in text for w in g.words) or "分之" in text or "/" in text or "万" in text or "亿" in text:
        taken = [(q.start, q.end) for q in out]
        extra = [q for q in _word_figures(text, g, quoted) if all(q.end <= a or q.start >= b for a, b in taken)]
        out = sorted(out + extra, key=lambda q: q.start)
    return out


def _word_figures(text: str, g: Grammar, quoted: list[tuple[int, int]]) -> list[Quantity]:
    """Fractions (三分之二 -> 66.67%) and word figures (翻一番 -> 100%, 过半 -> >50%)."""
    out: list[Quantity] = []
    pct = next((u for u in g.units.values() if u.kind == "percent"), None)
    for m in g.word_pattern.finditer(text):
        s, e = m.start(), m.end()
        if any(qs < s < qe and qe - qs - 1 <= g.lex.nonfigures.quoted_max for qs, qe in quoted):
            continue
        if m["frac"] or m["anum"]:
            den_v: Decimal | None
            num_v: Decimal | None
            if m["anum"]:
                den_v, num_v = Decimal(m["aden"]), Decimal(m["anum"])
            else:
                den_v, num_v = _cn_value(m["den"]), _cn_value(m["num"])
            if not den_v or num_v is None:
                continue
            den, num = den_v, num_v
            if num > den or pct is None:
                continue
            value = (num * 100 / den).quantize(Decimal("0.01")) if (num * 100) % den else num * 100 / den
            unit, comparator = pct, "="
        elif m["bare"]:
            # 首次突破万亿元: a step named without a number is one of it
            if text[e : e + 1] == "的" or _CJK_CHAR.match(text[e : e + 1]):
                continue  # 成为第3个地区生产总值超千亿元镇: a threshold describing the town
            one = _cn_value("一" + m["bare"])
            if one is None:
                continue
            value, unit, comparator = one, g.units[m["bunit"]], "="
        else:
            w = g.words[m["word"]]
            value, unit, comparator = w.value, g.word_units[w.text], w.comparator
        if m["after"]:
            comparator = g.after_cmp[m["after"]]
        before_start = s
        for cue in g.before_cmp:
            if text.endswith(cue.text, 0, s):
                if comparator == "=":
                    comparator = cue.comparator
                before_start = s - len(cue.text)
                break
        out.append(
            Quantity(
                start=s,
                end=e,
                text=text[s:e],
                value=exact(value),
                value_high=None,
                unit=unit.canonical,
                unit_kind=unit.kind,
                comparator=comparator,
                before_start=before_start,
            )
        )
    return out


def _rejected(
    text: str, s: int, num_end: int, e: int, m: re.Match[str], g: Grammar, quoted: list[tuple[int, int]]
) -> bool:
    """Is the number at ``s`` a name, ordinal, date, code or formula rather than a figure?"""
    before = text[max(0, s - 6) : s]
    after_num = text[num_end : num_end + 12]
    for w in g.nf_before:
        if before.endswith(w):
            return True
    for w in g.nf_after:
        if after_num.startswith(w) and not (m["unit"] and len(m["unit"]) > len(w) and m["unit"].startswith(w)):
            return True
    if any(r.search(after_num) for r in g.nf_after_re) or any(r.search(before) for r in g.nf_before_re):
        return True
    num = m["num"]
    if num.isdigit() and len(num) == 4 and 1900 <= int(num) <= 2100 and not m["mult"]:
        if after_num.startswith(g.year_after) or not m["unit"]:
            return True
    for qs, qe in quoted:
        if qs < s < qe and qe - qs - 1 <= g.lex.nonfigures.quoted_max:
            return True
    return False
