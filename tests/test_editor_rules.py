"""Issue 15's pure rules on real sentences: half the evidence needs review, the official region
order, titles that say the year once, reasons in sentence case, margins with their unit."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import CORPUS
from tracker import caution
from tracker.ingest import ingest_file
from tracker.lexicon import lexicon
from tracker.match import judge
from tracker.models import Document, IndicatorRef, Match, Period, Region, Span, Statement
from tracker.site import _margin, _title, region_order, sentence_case


def statement(kind: str, quote: str, ind: str, year: int, value: str | None, **kw: object) -> Statement:
    return Statement(
        key=f"{kind}-{quote}",
        kind=kind,  # type: ignore[arg-type]
        indicator=IndicatorRef(id=ind, name=ind, key=ind),
        quote=quote,
        span=Span(start=0, end=len(quote)),
        value=Decimal(value) if value is not None else None,
        unit="%",
        comparator=kw.pop("comparator", "="),  # type: ignore[arg-type]
        measure="growth",
        period=Period(start=2025, end=2025),
        relation=kw.pop("relation", None),  # type: ignore[arg-type]
        rule="test",
        region="安徽省",
        report_year=year,
    )


def test_a_goal_with_two_conditions_needs_review_with_the_reason() -> None:
    goal = statement(
        "goal",
        "农村常住居民人均可支配收入增速高于全国平均水平、高于城镇居民收入增速",
        "rural_disposable_income",
        2025,
        None,
        comparator=">",
        relation="urban_disposable_income",
    )
    assert caution.conditions(goal) == ["高于", "高于"]
    rural = statement(
        "outcome", "城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%", "rural_disposable_income", 2026, "5.9"
    )
    urban = statement("outcome", "城镇、农村常住居民人均可支配收入分别增长4.4%", "urban_disposable_income", 2026, "4.4")
    _, statuses = judge([goal, rural, urban])
    (gs,) = statuses
    assert gs.status == "needs_review" and gs.match is not None and gs.match.verdict == "met"
    assert caution.TWO_CONDITIONS in gs.match.flags
    assert gs.reason_zh.startswith("目标有两个条件，只核对了其中一个（该条件达成）")
    # one condition: a plain verdict
    one = goal.model_copy(update={"quote": "农村居民收入增速高于城镇居民收入增速", "key": "one"})
    assert caution.conditions(one) == ["高于"]
    _, statuses = judge([one, rural, urban])
    assert statuses[0].status == "met"


def test_a_result_beside_a_like_for_like_figure_needs_review() -> None:
    goal = statement("goal", "地方一般公共预算收入增长2.5%", "general_budget_revenue", 2025, "2.5")
    out = statement(
        "outcome",
        "地方一般公共预算收入达3507.6亿元、增长1.7%（同口径增长2.5%以上）",
        "general_budget_revenue",
        2026,
        "1.7",
    )
    _, statuses = judge([goal, out])
    gs = statuses[0]
    assert gs.status == "needs_review" and gs.match is not None and gs.match.verdict == "missed"
    assert "同口径" in gs.reason_zh and "another basis" in gs.reason_en
    # without the caveat the verdict stands
    plain = out.model_copy(update={"quote": "地方一般公共预算收入达3507.6亿元、增长1.7%", "key": "plain"})
    assert judge([goal, plain])[1][0].status == "missed"
    # a not-comparable match is left as it is
    m = Match(goal=goal.key, outcome=out.key, verdict="not_comparable", reason_zh="x", reason_en="x")
    assert caution.check(goal, out, m) == m


def test_regions_in_the_official_order_districts_after_their_parent() -> None:
    names = ["浙江省", "浦东新区", "全国", "广东省", "北京市", "上海市", "四川省", "某某市"]
    assert region_order(names) == ["全国", "北京市", "上海市", "浦东新区", "浙江省", "广东省", "四川省", "某某市"]
    order = lexicon().regions.order
    assert order[0] == "全国" and order[1] == "北京市" and order.index("新疆维吾尔自治区") == 31


def test_titles_say_the_year_and_the_region_once() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        doc = ingest_file(path)
        title = _title(doc)
        assert title.count(f"{doc.year}年") == 1 and title.count(doc.region.name) == 1, title
    doc = Document(source="x.txt", sha256="0", text="", region=Region(name="上海市", level="provincial"), year=2018)
    assert _title(doc) == "上海市 2018年政府工作报告"


def test_reasons_read_as_one_sentence_and_margins_carry_units() -> None:
    reason = (
        "Per-capita disposable income grew 4.4% in 2025, Gross domestic product 5.4% (-1 points): "
        "misses the target of growth in step with Gross domestic product"
    )
    assert sentence_case(reason) == (
        "Per-capita disposable income grew 4.4% in 2025, gross domestic product 5.4% (-1 points): "
        "misses the target of growth in step with gross domestic product"
    )
    assert sentence_case("R&D expenditure as a share of GDP: 4.4%") == "R&D expenditure as a share of GDP: 4.4%"
    assert _margin(Decimal("-1"), "%") == ("−1个百分点", "−1 pp")
    assert _margin(Decimal("1.6"), "%") == ("+1.6个百分点", "+1.6 pp")
    assert _margin(Decimal("0"), "元") == ("±0元", "±0元")
    assert _margin(Decimal("49"), "万平方米") == ("+49万平方米", "+49万平方米")
