"""Normalisation for parsing only: same length, same offsets as the source text.

Full-width digits, letters and signs become ASCII; traditional characters become
simplified, one character for one character (the single-character entries of zhconv's
traditional -> simplified table, plus a few variants seen in figures). The result is
used to find figures, headings and cue words; quotes are always cut from the original
text with the same offsets.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_FULL = "０１２３４５６７８９．％＋－～：／（）ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ，"
_HALF = "0123456789.%+-~:/()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz，"
# One traditional (or variant) character -> one simplified character (length-preserving).
_TRAD = "萬億點億個區縣實現増長達減為於與產業總額費機構萬兩內幣貿進濟發開屆項將務業際國條歲"
_SIMP = "万亿点亿个区县实现增长达减为于与产业总额费机构万两内币贸进济发开届项将务业际国条岁"


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


@cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    try:
        # zhconv's data file, read directly (its own loader leaves the file open)
        data = json.loads(resources.files("zhconv").joinpath("zhcdict.json").read_bytes())
        for trad, simp in data["zh2Hans"].items():
            # only han -> han, one for one: punctuation and phrases are left alone
            if len(trad) == 1 and len(simp) == 1 and trad != simp and _is_han(trad) and _is_han(simp):
                table[ord(trad)] = simp
    except (ModuleNotFoundError, FileNotFoundError, KeyError):  # pragma: no cover
        pass  # zhconv is a dependency; without its data the small table below still works
    for a, b in zip(_FULL + _TRAD, _HALF + _SIMP, strict=True):
        table[ord(a)] = b
    return table


@cache
def _pattern() -> re.Pattern[str]:
    # a character class + dict lookup is ~10x faster than str.translate on CJK text
    return re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_table())) + "]")


def _swap(m: re.Match[str]) -> str:
    return _table()[ord(m.group())]


def normalize(text: str) -> str:
    """Normalise ``text`` for parsing; ``len(normalize(t)) == len(t)`` always."""
    out = _pattern().sub(_swap, text)
    assert len(out) == len(text)
    return out
