"""Fuzzing the quantity grammar and the ingester: any input gives a result or a one-line error, never a crash."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, REPORTS
from tracker.errors import InputError
from tracker.ingest import decode, ingest_text
from tracker.normalize import normalize
from tracker.quantity import find_quantities

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# the pieces figures are written with in the reports, plus noise
PIECES = [
    *"0123456789０１２３４５６７８９.．,，%％-－—～~至到第年月日号线届条个倍成",
    *"零〇一二两三四五六七八九十百千万亿点分之多余",
    "百分点", "个百分点", "万亿", "亿元", "万元", "美元", "公里", "平方米", "微克/立方米", "万吨", "标准煤",
    "以上", "以下", "左右", "以内", "超过", "不低于", "不超过", "低于", "高于", "达到", "增长", "下降", "提高", "力争",
    "PM2.5", "5G", "“", "”", "《", "》", "（", "）", "(", ")", "、", "；", "。", " ", "\n", "\u3000",
    "2025", "2021—2025年", "1+1+1", "十四五", "1e5", "NaN", "Infinity", "1" * 30, "9" * 60 + ".5",
]  # fmt: skip
figure_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _check(text: str) -> None:
    prev = -1
    for q in find_quantities(text):
        assert 0 <= q.before_start <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.start >= prev  # in text order
        prev = q.start
        assert isinstance(q.value, Decimal) and q.value.is_finite()
        if q.value_high is not None:
            assert q.value_high.is_finite() and q.value_high > q.value


@FAST
@given(figure_text)
def test_quantities_on_figure_like_text(text: str) -> None:
    _check(normalize(text))


@FAST
@given(st.text(max_size=200))
def test_quantities_on_any_text(text: str) -> None:
    _check(normalize(text))


def _real_sentences() -> list[str]:
    out = []
    for f in sorted([*REPORTS.glob("*.txt"), *CORPUS.glob("*.txt")])[:6]:
        out.extend(s for s in f.read_text("utf-8").split("。") if any(c.isdigit() for c in s))
    return out


SENTENCES = _real_sentences()


@FAST
@given(st.integers(0, 10**6), st.lists(st.tuples(st.integers(0, 400), st.sampled_from(PIECES)), max_size=6))
def test_quantities_on_mutated_report_sentences(pick: int, edits: list[tuple[int, str]]) -> None:
    if not SENTENCES:
        pytest.skip("no reports")
    s = SENTENCES[pick % len(SENTENCES)]
    for pos, piece in edits:
        p = pos % (len(s) + 1)
        s = s[:p] + piece + s[p:]
    _check(normalize(s))


# ------------------------------------------------------------------ ingester


@FAST
@given(st.binary(max_size=3000))
def test_decode_any_bytes(raw: bytes) -> None:
    try:
        text = decode(raw, "fuzz.txt")
    except InputError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        return
    assert isinstance(text, str)


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
report_like = (
    st.lists(st.one_of(HAN, st.sampled_from(["，", "。", "\n", "5.5%", "2025年", "增长"])), min_size=1)
    .map("".join)
    .filter(str.strip)
)


@FAST
@given(report_like, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
def test_decode_round_trips_chinese_text(text: str, enc: str) -> None:
    # a few GB18030 characters can also be valid UTF-8 (一 is d2 bb, Cyrillic һ): bytes are
    # ambiguous only for very short texts, and a report has hundreds of characters
    if sum("\u4e00" <= c <= "\u9fa5" for c in text) < 12:
        text = "政府工作报告各位代表现在我代表人民政府向大会报告" + text
    raw = text.encode(enc)
    assert decode(raw, "fuzz.txt") == text


@FAST
@given(st.text(max_size=400), st.text(max_size=400))
def test_ingest_text_any_text(head: str, tail: str) -> None:
    """Random text around a real report's opening: a Document with spans inside the text, or a one-line error."""
    opening = (REPORTS / "shanghai-2024.txt").read_text("utf-8")[:3000]
    for text in (head + tail, head + opening + tail, opening + head):
        try:
            doc = ingest_text(text, "fuzz.txt")
        except InputError as exc:
            assert "\n" not in str(exc) and str(exc).startswith("fuzz.txt: ")
            continue
        assert doc.text == text
        for sp in doc.ignored:
            assert 0 <= sp.start <= sp.end <= len(text)


def test_ingest_mutated_reports() -> None:
    """Real reports with random lines dropped, duplicated and shuffled in still ingest or fail cleanly."""
    rng = random.Random(8)
    files = sorted([*REPORTS.glob("*.txt"), *CORPUS.glob("*.txt")])
    for f in files[:6]:
        lines = f.read_text("utf-8").split("\n")
        for _ in range(5):
            ls = list(lines)
            for _ in range(rng.randint(1, 30)):
                i = rng.randrange(len(ls))
                op = rng.random()
                if op < 0.4:
                    del ls[i]
                elif op < 0.8:
                    ls.insert(rng.randrange(len(ls)), ls[i])
                else:
                    ls[i] = ls[i][::-1]
            text = "\n".join(ls)
            try:
                doc = ingest_text(text, f.name)
            except InputError:
                continue
            assert all(0 <= sp.start <= sp.end <= len(text) for sp in doc.ignored)
