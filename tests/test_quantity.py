"""The quantity grammar on real phrases from the reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.normalize import normalize
from tracker.quantity import find_quantities

FIGURES = [
    ("比例达到4%以上", "4", None, "%", ">="),
    ("全市生产总值达到4.72万亿元", "4720000000000", None, "元", "="),
    ("新增森林超过6.7万亩", "67000", None, "亩", ">"),
    ("下降到35微克/立方米以下", "35", None, "微克/立方米", "<="),
    ("增长6%-6.5%", "6", "6.5", "%", "range"),
    ("提高0.6个百分点", "0.6", None, "百分点", "="),
    ("外资240.9亿美元", "24090000000", None, "美元", "="),
    ("3373.6万亿元", "3373600000000000", None, "元", "="),
    ("16.4亿元", "1640000000", None, "元", "="),
    ("100多项制度创新成果", "100", None, "项", ">"),
    ("保持在3.8%左右", "3.8", None, "%", "~"),
    ("稳定在4.3%以内", "4.3", None, "%", "<="),
    ("提高三个百分点", "3", None, "百分点", "="),
    ("增长５．５％", "5.5", None, "%", "="),
]

NOT_FIGURES = [
    "构建开放型经济新体制“33条”", "轨道交通5号线南延伸段", "第四十六届世界技能大赛", "到2035年城市总体规划",
    "“12345”市民服务热线", "15分钟社区养老服务圈", "松江G60科创走廊", "优化营商环境6.0版", "C919大型客机",
    "继续做实“1+1+1”签约服务机制", "改革开放40周年", "PM2.5", "上海市第十六届人民代表大会", "5G基站",
]


@pytest.mark.parametrize(("text", "value", "high", "unit", "cmp"), FIGURES, ids=[f[0] for f in FIGURES])
def test_figures(text: str, value: str, high: str | None, unit: str, cmp: str) -> None:
    qs = find_quantities(normalize(text))
    assert len(qs) == 1
    q = qs[0]
    assert q.value == Decimal(value)
    assert q.value_high == (Decimal(high) if high else None)
    assert (q.unit, q.comparator) == (unit, cmp)
    assert normalize(text)[q.start:q.end] == q.text


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(text: str) -> None:
    assert find_quantities(normalize(text)) == []
