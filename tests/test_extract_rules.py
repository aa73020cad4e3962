"""Statement rules that the case tables cannot reach with the bundled lexicon: stretch
targets, and figure-less goals (relational, qualitative), which are switched off by
default in cues.yaml (``figureless_goals``) and switched on here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.extract import extract
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Document, Period, Region, Section, Statement

_HEADING = "标题\n"


def run(text: str, lex: Lexicon | None = None, role: str = "plan", year: int = 2025) -> tuple[str, list[Statement]]:
    full = _HEADING + text
    doc = Document(
        source="t.txt", sha256="0" * 64, text=full, region=Region(name="测试省", level="provincial"), year=year
    )
    y = year - 1 if role == "review" else year
    sec = Section(heading="标题", level=1, start=0, end=len(full), role=role, period=Period(start=y, end=y))  # type: ignore[arg-type]
    return full, extract(doc, [sec], lex)


@pytest.fixture(scope="module")
def figureless() -> Lexicon:
    lex = lexicon()
    return lex.model_copy(update={"cues": lex.cues.model_copy(update={"figureless_goals": True})})


def test_stretch_target_is_kept_on_the_floor_target() -> None:
    # the two-threshold wording
    full, sts = run("地区生产总值增长5%、力争6%")
    assert len(sts) == 1
    s = sts[0]
    assert (s.indicator.id, s.value, s.stretch, s.measure) == ("gdp", Decimal(5), Decimal(6), "growth")
    assert full[s.span.start : s.span.end] == s.quote == "地区生产总值增长5%、力争6%"


def test_a_second_figure_of_another_unit_is_not_a_stretch() -> None:
    _, sts = run("新增就业岗位60万个、力争城镇调查失业率5%以内")
    assert [s.stretch for s in sts] == [None, None]


@pytest.mark.parametrize(
    ("text", "subject", "reference"),
    [
        ("居民收入增长与经济增长同步", "disposable_income", "gdp"),  # beijing-2025
        ("居民收入增长和经济增长基本同步", "disposable_income", "gdp"),  # sichuan-2025
        ("居民人均可支配收入增长与经济增长同步", "disposable_income", "gdp"),  # guangdong-2025
        ("一般公共预算收入增长与地区生产总值增长基本同步", "general_budget_revenue", "gdp"),  # pudong-2024
        ("居民可支配收入与经济增长基本同步", "disposable_income", "gdp"),  # zhejiang-2025
    ],
)
def test_relational_goals(figureless: Lexicon, text: str, subject: str, reference: str) -> None:
    full, sts = run("今年主要预期目标是：地区生产总值增长5%左右，" + text, figureless)
    rel = [s for s in sts if s.rule == "relational"]
    assert len(rel) == 1
    s = rel[0]
    assert (s.kind, s.value, s.comparator, s.measure) == ("goal", None, "none", "growth")
    assert (s.indicator.id, s.relation) == (subject, reference)
    assert full[s.span.start : s.span.end] == s.quote == text


@pytest.mark.parametrize(
    ("text", "subject", "reference", "quote"),
    [
        ("居民收入增速高于经济增速", "disposable_income", "gdp", None),  # hunan-2025
        (
            # anhui-2025: the national average is not a lexicon indicator; the urban income is
            "城镇常住居民人均可支配收入增速高于全国平均水平，农村常住居民人均可支配收入增速高于全国平均水平、高于城镇居民收入增速",
            "rural_disposable_income",
            "urban_disposable_income",
            "农村常住居民人均可支配收入增速高于全国平均水平、高于城镇居民收入增速",
        ),
    ],
)
def test_relational_goals_faster_than(
    figureless: Lexicon, text: str, subject: str, reference: str, quote: str | None
) -> None:
    full, sts = run("今年主要预期目标是：地区生产总值增长5%左右，" + text, figureless)
    rel = [s for s in sts if s.rule == "relational"]
    assert len(rel) == 1
    s = rel[0]
    assert (s.kind, s.value, s.comparator, s.measure) == ("goal", None, ">", "growth")
    assert (s.indicator.id, s.relation) == (subject, reference)
    assert full[s.span.start : s.span.end] == s.quote == (quote or text)


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("劣V类水体全面消除", "inferior_v_water"),  # shanghai-2018
        ("全面消除劣Ⅴ类水体", "inferior_v_water"),  # hunan-2025
        ("推动城市黑臭水体动态清零", "black_odorous_water"),  # shandong-2025
        ("单位地区生产总值能耗保持下降", "energy_intensity"),  # fujian-2025
        ("单位生产总值能耗进一步下降", "energy_intensity"),  # pudong-2024
        ("居民消费价格保持合理水平", "cpi"),  # shandong-2025
        ("居民消费价格涨幅与全国一致", "cpi"),  # hunan-2025
        ("粮食产量保持稳定", "grain_output"),  # jiangsu-2025
        ("进出口保稳提质", "foreign_trade"),  # hunan-2025
        ("确保地表水水质优良率完成国家下达任务", "water_quality_good_share"),  # guangdong-2026
        ("单位地区生产总值能耗完成“十四五”国家考核目标", "energy_intensity"),  # hubei-2025
    ],
)
def test_qualitative_goals(figureless: Lexicon, text: str, indicator: str) -> None:
    full, sts = run(text, figureless)
    assert len(sts) == 1
    s = sts[0]
    assert (s.kind, s.value, s.comparator, s.relation, s.rule) == ("goal", None, "none", None, "qualitative")
    assert s.indicator.id == indicator
    assert full[s.span.start : s.span.end] == s.quote


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("完成国家下达的节能减排和环境保护等任务", "节能减排和环境保护等"),  # sichuan-2025
        (
            "空气质量优良天数比率和地表水水质优良率均完成国家下达任务",
            "空气质量优良天数比率和地表水水质优良率",
        ),  # guangdong-2025
        ("生态环境质量、能源、水资源等指标达到国家要求", "生态环境质量、能源、水资源等指标"),  # beijing-2025
        ("全面完成节能减排降碳和环境质量改善约束性指标", "节能减排降碳和环境质量改善"),  # shandong-2025
    ],
)
def test_qualitative_goals_set_by_the_nation(figureless: Lexicon, text: str, key: str) -> None:
    full, sts = run(text, figureless)
    assert [(s.rule, s.indicator.key, s.value) for s in sts] == [("qualitative", key, None)]
    assert full[sts[0].span.start : sts[0].span.end] == sts[0].quote


def test_a_fall_with_a_figure_is_not_qualitative(figureless: Lexicon) -> None:
    # jiangsu-2025: 单位地区生产总值能耗下降2%左右 is a figure goal only
    _, sts = run("单位地区生产总值能耗下降2%左右", figureless)
    assert [(s.rule, s.value, s.comparator, s.measure) for s in sts] == [("figure.subject", Decimal(2), "~", "decline")]


def test_figureless_goals_only_in_goal_sections(figureless: Lexicon) -> None:
    # anhui-2025 reviews 2024: 县城建成区黑臭水体基本消除 is a result, not a goal
    _, sts = run("县城建成区黑臭水体基本消除", figureless, role="review")
    assert sts == []


def test_figureless_goals_are_kept_without_a_figure() -> None:
    _, sts = run("居民收入增长与经济增长同步，劣V类水体全面消除")
    assert [(s.rule, s.value, s.comparator, s.relation) for s in sts] == [
        ("relational", None, "none", "gdp"),
        ("qualitative", None, "none", None),
    ]


def test_zero_target_is_a_figure() -> None:
    # shanghai-2018: 实现生活垃圾分类全覆盖、原生生活垃圾零填埋
    _, sts = run("实现生活垃圾分类全覆盖、原生生活垃圾零填埋")
    assert [(s.value, s.comparator, s.rule) for s in sts] == [(Decimal(0), "=", "figure.zero")]


def test_a_look_back_over_five_years_sets_the_period_of_the_paragraphs_after_it() -> None:
    # guangdong-2026: the opening names the plan's end, then 五年来; the paragraphs after it
    # review 2021-2025, not 2025 alone
    text = (
        "各位代表！经过五年接续奋斗，我省“十四五”顺利收官。五年来，我们团结奋斗。\n"
        "这是经济实力持续提升的五年。\n"
        "地区生产总值从11.37万亿元提高到14.58万亿元"
    )
    _, sts = run(text, role="review", year=2026)
    assert [(s.indicator.id, s.value, s.baseline, str(s.period)) for s in sts] == [
        ("gdp", Decimal("14580000000000"), Decimal("11370000000000"), "2021–2025")
    ]


def test_a_period_cue_opening_a_paragraph_wins_over_a_plan_name() -> None:
    # sichuan-2025 reviews 2024: 过去一年 first, the plan (十四五) only named after it
    text = "过去一年，是实现“十四五”规划目标任务的关键一年。\n——经济运行稳中向好。全省地区生产总值增长5.7%"
    _, sts = run(text, role="review", year=2025)
    assert [(s.indicator.id, s.value, str(s.period)) for s in sts] == [("gdp", Decimal("5.7"), "2024")]


def test_these_five_years_opens_a_look_back() -> None:
    # anhui-2026: the five-year bullets each open with ——这五年 (two sentences of one bullet)
    text = "——这五年，产业体系迭代升级，展现集群成势新气象。战略性新兴产业产值占规上工业比重从40.3%提高到45.4%"
    _, sts = run(text, role="review", year=2026)
    assert [(s.indicator.id, s.value, s.baseline, str(s.period)) for s in sts] == [
        ("sei_share_above_scale", Decimal("45.4"), Decimal("40.3"), "2021–2025")
    ]


def test_extractor_is_a_table_of_small_named_rules() -> None:
    """Each figure rule is a short function whose docstring holds a real example sentence;
    no function of the extractor's modules is longer than 80 lines."""
    import ast
    import re
    from pathlib import Path

    import tracker.extract
    from tracker.rules import figures

    for rule in figures.FIGURE_RULES:
        assert rule.__doc__ and re.search(r"[\u4e00-\u9fff]{4}", rule.__doc__), rule.__name__
    for mod in (tracker.extract, figures):
        tree = ast.parse(Path(mod.__file__ or "").read_text(encoding="utf-8"))
        long = [
            (n.name, n.end_lineno - n.lineno + 1)
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.end_lineno and n.end_lineno - n.lineno + 1 > 80
        ]
        assert long == [], mod.__name__
