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
    # corpus phrases
    ("全省地区生产总值增长5.0%—5.5%", "5", "5.5", "%", "range"),
    ("力争新增2—3家地方国企", "2", "3", "家", "range"),
    ("供浙气源综合价格下降3-5分/立方米", "3", "5", "分/立方米", "range"),
    ("城镇调查失业率控制在5%以内", "5", None, "%", "<="),
    ("重大项目总投资不低于2000亿元", "200000000000", None, "元", ">="),
    ("新增普惠性托位近1.9万个", "19000", None, "个", "~"),
    ("中心城区新增机动车停车位5万余个", "50000", None, "个", ">"),
    ("经济总量超9万亿元", "9000000000000", None, "元", ">"),
    ("快递业务量突破60亿件", "6000000000", None, "件", ">"),
    ("增长近3倍", "3", None, "倍", "~"),
    ("全国重点实验室数量翻番", "100", None, "%", "="),
    ("三分之二的公园实现无界融通", "66.67", None, "%", "="),
    ("财政支出均压减一半以上", "50", None, "%", ">="),
    ("生产安全事故死亡率控制在0.6人/百亿元以下", "0.6", None, "人/百亿元", "<="),
    ("全员劳动生产率达58万元/人左右", "580000", None, "元/人", "~"),
    ("提高0.7个百分点", "0.7", None, "百分点", "="),
]

NOT_FIGURES = [
    "构建开放型经济新体制“33条”",
    "轨道交通5号线南延伸段",
    "第四十六届世界技能大赛",
    "到2035年城市总体规划",
    "“12345”市民服务热线",
    "15分钟社区养老服务圈",
    "松江G60科创走廊",
    "优化营商环境6.0版",
    "C919大型客机",
    "继续做实“1+1+1”签约服务机制",
    "改革开放40周年",
    "PM2.5",
    "上海市第十六届人民代表大会",
    "5G基站",
    # corpus phrases
    "大兴机场综保区二期通过验收",
    "实施零基预算改革2.0版",
    "高质量共建杭州湾科技创新带、G60科创走廊",
    "提升12345便民热线等公共服务平台功能",
    "提升15分钟健身圈服务功能",
    "办好第十六届省运会",
    "开通地铁17号线全线",
    "连续47年居全国首位",
    "重点做好以下10个方面工作",
    "细化提出22项主要指标",
]


@pytest.mark.parametrize(("text", "value", "high", "unit", "cmp"), FIGURES, ids=[f[0] for f in FIGURES])
def test_figures(text: str, value: str, high: str | None, unit: str, cmp: str) -> None:
    qs = find_quantities(normalize(text))
    assert len(qs) == 1
    q = qs[0]
    assert q.value == Decimal(value)
    assert q.value_high == (Decimal(high) if high else None)
    assert (q.unit, q.comparator) == (unit, cmp)
    assert normalize(text)[q.start : q.end] == q.text


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(text: str) -> None:
    assert find_quantities(normalize(text)) == []
