"""Normalisation for parsing only: same length, same offsets as the source text.

Full-width digits, letters and signs become ASCII; a few traditional characters that
appear in figures become simplified. The result is used to find figures; quotes are
always cut from the original text with the same offsets.
"""

from __future__ import annotations

_FULL = "０１２３４５６７８９．％＋－～：／（）ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ，"
_HALF = "0123456789.%+-~:/()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz，"
# One traditional character -> one simplified character (length-preserving).
_TRAD = "萬億點億個區縣實現増長達減為於與產業總額費機構萬兩內幣貿進濟發開屆項將務業際國條歲"
_SIMP = "万亿点亿个区县实现增长达减为于与产业总额费机构万两内币贸进济发开届项将务业际国条岁"

_TABLE = str.maketrans(_FULL + _TRAD, _HALF + _SIMP)


def normalize(text: str) -> str:
    """Normalise ``text`` for parsing; ``len(normalize(t)) == len(t)`` always."""
    out = text.translate(_TABLE)
    assert len(out) == len(text)
    return out
