"""Real sentences -> expected statements, as data (``tests/cases/*.yaml``).

Each case is one sentence (or clause) cut from a report in ``reports/`` or
``reports/corpus``, with the section context it was read in (role, report year,
the section's period) and the statements the extractor must produce, in order
(``expect: []`` when the sentence holds no goal or outcome). A case with
``xfail: reason`` is a known failure: it must keep failing (strict) until fixed.

Fields compared for each expected statement: kind, indicator (lexicon id, else
the normalised key), value, unit, cmp, measure, period, and when given: high,
baseline, stretch, relation, rule, quote.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract import extract
from tracker.models import Document, Period, Region, Section, Statement

CASES_DIR = Path(__file__).parent / "cases"
_HEADING = "标题\n"


def _load() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            case["file"] = path.stem
            cases.append(case)
    return cases


CASES = _load()


def run_sentence(text: str, role: str, year: int, period: list[int] | None) -> tuple[str, list[Statement]]:
    """Extract ``text`` as the only paragraph of one section with the given role and period."""
    full = _HEADING + text
    doc = Document(
        source="case.txt",
        sha256="0" * 64,
        text=full,
        region=Region(name="测试省", level="provincial"),
        year=year,
    )
    per = Period(start=period[0], end=period[1]) if period else None
    sec = Section(heading=_HEADING.strip(), level=1, start=0, end=len(full), role=role, period=per)  # type: ignore[arg-type]
    return full, extract(doc, [sec])


def _dec(v: object) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def summary(s: Statement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": s.kind,
        "indicator": s.indicator.id or s.indicator.key,
        "value": s.value,
        "unit": s.unit,
        "cmp": s.comparator,
        "measure": s.measure,
        "period": [s.period.start, s.period.end],
    }
    return out


def expected(e: dict[str, Any], s: Statement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": e["kind"],
        "indicator": e["indicator"],
        "value": _dec(e.get("value")),
        "unit": e.get("unit"),
        "cmp": e.get("cmp", "="),
        "measure": e.get("measure", "level"),
        "period": e["period"],
    }
    return out


def check(case: dict[str, Any]) -> None:
    full, sts = run_sentence(case["text"], case["role"], case["year"], case.get("period"))
    want = case.get("expect") or []
    if not any(e.get("rule") in ("relational", "qualitative") for e in want):
        # the tables list figures; goals without a figure have their own tests
        sts = [s for s in sts if s.value is not None or s.kind != "goal"]
    got = [summary(s) for s in sts]
    assert len(sts) == len(want), f"{len(sts)} statements, want {len(want)}: {got}"
    for e, s in zip(want, sts, strict=True):
        assert summary(s) == expected(e, s)
        for key, attr in (("high", "value_high"), ("baseline", "baseline"), ("stretch", "stretch")):
            if key in e:
                assert getattr(s, attr) == _dec(e[key]), key
        for key in ("relation", "rule", "quote"):
            if key in e:
                assert getattr(s, key) == e[key], key
        assert full[s.span.start : s.span.end] == s.quote


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=f"{case['file']}:{case['id']}", marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    check(case)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 200
    assert len({c["id"] for c in CASES}) == len(CASES), "case ids must be unique"


_CHARS = list(
    "0123456789０１２３４５６７８９.%％-－—~～、，。；：“”《》()（）\n 一二三四五六七八九十百千万亿两半第号期届年月日"
)
_WORDS = [
    "增长",
    "下降",
    "达到",
    "提高到",
    "从",
    "分别",
    "都",
    "以上",
    "以内",
    "左右",
    "个百分点",
    "万亿元",
    "亿元",
    "力争",
    "同步",
    "消除",
    "倍",
    "翻一番",
    "三分之二",
    "过半",
    "全市",
    "生产总值",
    "居民收入增长与经济增长同步",
    "其中",
    "占全国",
    "累计",
    "等",
    "个",
    "家",
    "的",
    "新增",
    "惠及",
    "总数",
    "产量",
    "五年来",
    "过去一年",
    "十四五",
    "/",
    "元/月",
    "年产",
    "实现",
]
_ALPHABET = st.sampled_from(_CHARS + _WORDS)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.sampled_from(["review", "plan", "government"]))
def test_extractor_never_raises_and_quotes_are_exact(text: str, role: str) -> None:
    full, sts = run_sentence(text, role, 2025, None)
    for s in sts:
        assert full[s.span.start : s.span.end] == s.quote
