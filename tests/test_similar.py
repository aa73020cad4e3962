"""The thing a statement counts and how alike two are (tracker/similar.py), and the matcher's use of
them on real reports: names and sentences from the development reports (tests.conftest.CORPUS)."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tracker.lexicon import lexicon
from tracker.match import POSSIBLE, Judge
from tracker.models import GoalStatus, Match, Statement
from tracker.pipeline import parse
from tracker.similar import Things

from .conftest import CORPUS

T = Things()
MATCH = lexicon().things.threshold.match


@pytest.mark.parametrize(
    ("name", "thing"),
    [
        ("新建家庭养老床位", "家庭养老床位"),  # beijing-2025: an action in front
        ("新增家庭养老床位", "家庭养老床位"),  # beijing-2026
        ("更新改造住宅老旧电梯", "住宅老旧电梯"),  # zhejiang-2025
        ("10大类民生实事项目如期完成", "大类民生实事项目"),  # hubei-2026: a tail, figures aside
        ("加快推进第一批重大改革事项落地见效", "首批改革"),  # adverb, action, tails, qualifier; 第一批 = 首批
        ("更新改造燃气、供排水等老化管道", "燃气供排水管网"),  # sichuan: the list-ending 等, 管道 = 管网
        ("新型公共文化空间投入使用", "公共文化空间"),  # anhui-2026: a qualifier and a tail
        ("供应国有建设用地", "建设用地"),  # 建设 is part of the thing here: one action is stripped
        ("经营主体数量中企业数", "企业数"),  # zhejiang-2025 其中企业数增长5%: the part, not the whole
        ("为经营主体减负", "减负"),  # zhejiang-2025: whom it is done for is no part of the thing
        ("全年为企业减负", "减负"),  # zhejiang-2026
    ],
)
def test_thing_counted(name: str, thing: str) -> None:
    assert T.thing(name) == thing


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("地表水国控断面I—Ⅲ类水质比例", "地表水国控断面Ⅰ—Ⅲ类水质比例"),  # zhejiang-2025 / 2026: Latin I and Ⅰ
        ("园区规模工业占比", "园区规模工业所占比重"),  # 占比 / 比重 / 比例 are one word
        ("全社会研发经费支出相当于生产总值的比例", "全社会研发经费支出相当于生产总值的比重"),
        ("二〇二五年", "二零二五年"),
        ("ＰＭ２．５", "PM2.5"),
    ],
)
def test_one_text(a: str, b: str) -> None:
    assert T.text(a) == T.text(b)


@pytest.mark.parametrize(
    ("goal", "outcome"),
    [
        ("新培育科技型中小企业", "新增科技型中小企业"),  # anhui
        ("实施亿元以上技改项目", "实施亿元以上重点技改项目"),  # anhui
        ("改造城镇老旧小区", "老旧小区改造"),  # fujian
        ("推进欠发达县域托底性帮扶", "欠发达县域托底性帮扶集中攻坚"),  # sichuan
        ("新增参保人数", "新增长护险参保人数"),  # zhejiang
        ("主要流域国控断面优良水质比例", "主要流域优良水质比例"),  # fujian
        ("接待国内外游客", "接待游客"),
    ],
)
def test_alike_things_match(goal: str, outcome: str) -> None:
    assert T.similarity(T.thing(goal), T.thing(outcome)) >= MATCH
    assert T.refusal(goal, outcome) is None


@pytest.mark.parametrize(
    ("goal", "outcome"),
    [  # the wordings issue 12 lists (actions, adverbs, tails; 占比/比重)
        ("新建提升口袋公园", "口袋公园等建成开放"),
        ("清单化项目化改造燃气管网", "燃气管网"),
        ("建设口袋公园", "新建口袋公园"),
        ("产业投资占比", "产业投资比重"),
        ("肉牛屠宰量", "肉牛屠宰加工量"),
        ("接待国内外游客", "接待游客"),
    ],
)
def test_issue_wordings_match(goal: str, outcome: str) -> None:
    assert T.similarity(T.thing(goal), T.thing(outcome)) >= MATCH
    assert T.refusal(goal, outcome) is None


@pytest.mark.parametrize(
    ("goal", "outcome", "why"),
    [
        ("发明专利", "高价值发明专利", "高价值"),
        ("新增省级先进制造业集群", "国家先进制造业集群", "sub-category"),  # hunan: 省级 vs 国家
        ("出口", "对非洲出口", "对"),  # fujian-2026: exports to one market
        ("出口", "拉美市场出口", "市场"),
        ("改造城市危旧房", "改造城乡危旧房", "城"),  # sichuan: 城市 vs 城乡
        ("新增智能制造标杆企业", "新增智能制造企业", "标杆"),  # hunan
        ("全球研发中心城市新增研发机构", "长沙全球研发中心城市新增研发机构", "长沙"),  # hunan-2026: a city
        ("水利完成投资", "交通、能源、水利完成投资", "several"),  # shandong: one of a total
    ],
)
def test_sub_categories_and_places_refused(goal: str, outcome: str, why: str) -> None:
    refusal = T.refusal(goal, outcome)
    assert refusal is not None and why in refusal


@pytest.mark.parametrize(
    ("phrase", "indicator"),
    [("带动工业投资", "industrial_investment"), ("一般公共预算收入同口径", "general_budget_revenue")],
)
def test_phrase_matches_a_lexicon_indicator(phrase: str, indicator: str) -> None:
    lex = lexicon().indicators
    ind = lex.by_id(indicator)
    assert ind is not None
    assert max(T.similarity(T.thing(phrase), T.text(a)) for a in lex.aliases_of(ind)) >= MATCH


def test_other_things_are_not_alike() -> None:
    # zhejiang-2025's 服务贸易出口 is not the 货物贸易出口 alias of all exports
    assert T.refusal("服务贸易出口", "货物贸易出口") is not None
    # a generic head alone (项目) is too vague to judge on
    assert T.generic(T.thing("建成项目"))


# ---------------------------------------------------------------- the matcher on real reports


@cache
def judged(region: str) -> tuple[dict[str, Statement], dict[str, GoalStatus], dict[str, Match]]:
    sts: list[Statement] = []
    for year in (2025, 2026):
        name = f"{region}-{year}.txt"
        parsed = parse((CORPUS / name).read_text(encoding="utf-8"), name, None, None)
        assert not isinstance(parsed, str), parsed
        sts += parsed[2]
    matches, statuses = Judge().run(sts)
    return {s.key: s for s in sts}, {g.goal: g for g in statuses}, {m.goal: m for m in matches}


def goal_status(region: str, quote_part: str, figure: str) -> tuple[GoalStatus, Statement | None]:
    sts, statuses, _ = judged(region)
    goals = [s for s in sts.values() if s.kind == "goal" and s.report_year == 2025 and quote_part in s.quote]
    goals = [g for g in goals if figure in g.quote[g.quote.find(quote_part) :]] or goals
    assert goals, quote_part
    g = min(goals, key=lambda s: abs(len(s.indicator.name) - len(quote_part)))
    st = statuses[g.key]
    return st, sts.get(st.match.outcome) if st.match else None


def test_a_miss_worded_differently_is_found() -> None:
    # sichuan-2025 改造……城中村10万户 -> sichuan-2026 新开工改造……城中村5.1万户: the count of the
    # year is one quantity whether written as a level or as an increase
    st, out = goal_status("sichuan", "城中村10万户", "10万户")
    assert st.status == "missed", st.reason_en
    assert out is not None and "城中村5.1万户" in out.quote
    assert "similarity" in st.reason_en


def test_level_goal_judged_by_an_increase() -> None:
    # anhui-2025 建设农村幸福院750个 -> anhui-2026 新增农村幸福院773个, not the 2026 plan's 750个
    st, out = goal_status("anhui", "建设农村幸福院750个", "750个")
    assert st.status == "met", st.reason_en
    assert out is not None and out.report_year == 2026 and out.value == 773


def test_latin_and_roman_numeral_one_are_one_text() -> None:
    st, out = goal_status("zhejiang", "地表水国控断面I—Ⅲ类水质比例不低于97.5%", "97.5%")
    assert st.status == "met", st.reason_en
    assert out is not None and "98.7%" in out.quote


def test_exports_to_one_market_do_not_judge_all_exports() -> None:
    st, out = goal_status("fujian", "出口增长3%左右", "3%")
    assert out is None or "非洲" not in out.quote, st.reason_en


def test_weaker_candidate_is_possible_evidence_not_no_evidence() -> None:
    _, statuses, matches = judged("beijing")  # 建设2.5万个停车位 ~ 中心城区新增机动车停车位5万余个
    possible = [m for m in matches.values() if POSSIBLE in m.flags]
    assert possible
    for m in possible:
        assert statuses[m.goal].status == "needs_review"
        assert m.score is not None and m.score < MATCH
        assert "possible evidence" in statuses[m.goal].reason_en


# ---------------------------------------------------------------- the export and the site


@pytest.fixture(scope="module")
def corpus_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("corpus")
    db = f"sqlite:///{tmp / 'db.sqlite'}"
    files = [str(CORPUS / f"{r}-{y}.txt") for r in ("sichuan", "beijing") for y in (2025, 2026)]
    run = [sys.executable, "-m", "tracker"]
    p = subprocess.run([*run, "run", *files, "--db", db, "--out", str(tmp / "site")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    out = tmp / "export.json"
    p = subprocess.run([*run, "export", "--db", db, "--format", "json", "--output", str(out)], capture_output=True)
    assert p.returncode == 0, p.stderr
    return tmp, json.loads(out.read_text(encoding="utf-8"))


def test_export_gives_score_and_candidate_as_extra_keys(corpus_export: tuple[Path, dict[str, Any]]) -> None:
    tmp, data = corpus_export
    ids = {s["id"]: s for s in data["statements"]}
    # every statement carries the thing it counts
    village = next(s for s in data["statements"] if s["kind"] == "goal" and "城中村10万户" in s["quote"])
    assert village["thing"] and "城中村" in village["thing"]
    scored = [m for m in data["matches"] if m["score"] is not None]
    assert scored and all(0 < m["score"] <= 1 and "similarity" in m["reason_en"] for m in scored)
    assert all(POSSIBLE not in m["flags"] for m in data["matches"])  # possible evidence is not a match
    review = [g for g in data["goal_status"] if g.get("candidate")]
    assert review
    for g in review:
        assert g["status"] == "needs_review"
        cand = g["candidate"]
        assert cand["outcome"] in ids and ids[cand["outcome"]]["kind"] == "outcome"
        assert cand["score"] < MATCH and "possible evidence" in cand["reason_en"]
    # the scorecard shows the candidate as possible evidence, never as "no evidence"
    card = next((tmp / "site" / "report").glob("*.html")).parent
    html = "".join(p.read_text(encoding="utf-8") for p in card.glob("*.html"))
    assert "possible evidence" in html


def test_reviewer_verdict_on_possible_evidence_makes_it_the_evidence(
    corpus_export: tuple[Path, dict[str, Any]],
) -> None:
    tmp, data = corpus_export
    g = next(g for g in data["goal_status"] if g.get("candidate"))
    db = f"sqlite:///{tmp / 'db.sqlite'}"
    run = [sys.executable, "-m", "tracker"]
    p = subprocess.run(
        [*run, "review", "set", g["goal"], "--verdict", "met", "--note", "同一事项", "--by", "测试", "--db", db],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    out = tmp / "reviewed.json"
    p = subprocess.run([*run, "export", "--db", db, "--format", "json", "--output", str(out)], capture_output=True)
    assert p.returncode == 0, p.stderr
    after = json.loads(out.read_text(encoding="utf-8"))
    st = next(s for s in after["goal_status"] if s["goal"] == g["goal"])
    assert st["status"] == "met" and st["machine_status"] == "needs_review"
    m = next(m for m in after["matches"] if m["goal"] == g["goal"])
    assert m["outcome"] == g["candidate"]["outcome"] and POSSIBLE not in m["flags"]


def test_stock_level_at_the_end_of_a_five_year_review() -> None:
    # hunan-2025 高新技术企业总量超过1.8万家 -> hunan-2026's five-year review 高新技术企业数量…1.8万家:
    # the level of a stock at the end of 2021–2025 is its 2025 level (超过 needs more than 1.8万)
    st, out = goal_status("hunan", "高新技术企业总量", "1.8万家")
    assert out is not None and out.period.start == 2021 and out.period.end == 2025
    assert st.match is not None and "end_of_period" in st.match.flags
    assert st.status == "missed", st.reason_en


def test_per_year_figure_of_a_five_year_review() -> None:
    # shandong-2025 办好20项重点民生实事 -> shandong-2026 每年实施20项重点民生实事 (2021–2025)
    st, out = goal_status("shandong", "20项重点民生实事", "20项")
    assert out is not None and "每年" in out.quote
    assert st.match is not None and "per_year" in st.match.flags
    assert st.status == "met", st.reason_en


def _st(kind: str, name: str, quote: str, value: int, unit: str, measure: str, year: int, report: int) -> Statement:
    from decimal import Decimal

    from tracker.models import IndicatorRef, Period, Span

    return Statement(
        key=f"{kind}:{quote}",
        kind=kind,  # type: ignore[arg-type]
        indicator=IndicatorRef(name=name, key=name),
        quote=quote,
        span=Span(start=0, end=len(quote)),
        value=Decimal(value),
        unit=unit,
        comparator="=",
        measure=measure,
        period=Period(start=year, end=year),
        rule="test",
        region="江苏省",
        report_year=report,
    )


def test_a_stock_level_is_not_an_increase() -> None:
    # jiangsu-2025 力争高新技术企业超6.1万家 is a stock; 新增高新技术企业X家 would be the year's increase
    j = Judge()
    stock = _st("goal", "高新技术企业", "力争高新技术企业超6.1万家", 61000, "家", "level", 2025, 2025)
    new = _st("outcome", "新增高新技术企业", "新增高新技术企业5000家", 5000, "家", "increase", 2025, 2026)
    assert j.sign(stock, new) is None
    # a count of things done in the year (an action in its name) reads alike as a level or an increase
    done = _st("goal", "改造城中村", "城中村10万户", 100000, "户", "level", 2025, 2025)
    started = _st("outcome", "新开工城中村", "城中村5.1万户", 51000, "户", "increase", 2025, 2026)
    assert j.sign(done, started) == 1


def test_per_year_floor_below_the_goal_needs_review() -> None:
    # hunan-2025 确保粮食播种面积稳定在7140万亩以上 vs hunan-2026's five-year review 稳定在7100万亩以上:
    # at least 7100 each year says nothing about 7140 in 2025
    st, out = goal_status("hunan", "粮食播种面积稳定在7140万亩以上", "7140万亩")
    assert out is not None and "7100" in out.quote
    assert st.status == "needs_review" and st.match is not None and "inconclusive" in st.match.flags


def test_own_level_is_implied() -> None:
    # shandong-2025 培育海洋特色产业集聚区 -> shandong-2026 新培育省级现代海洋特色产业集聚区: a province's
    # report leaves 省级 out; 国家 is another level all the same
    assert T.refusal("培育海洋特色产业集聚区", "新培育省级现代海洋特色产业集聚区", "山东省") is None
    assert T.refusal("培育海洋特色产业集聚区", "新培育省级现代海洋特色产业集聚区", "上海市") is not None
    assert T.refusal("单项冠军企业", "新增国家制造业单项冠军企业", "湖南省") is not None


def test_modifier_before_de_leaves_the_thing_counted() -> None:
    # beijing-2025 新增联山联水联社区的绿道1000公里 -> beijing-2026 新增绿道1000公里: 的 ends a description
    assert T.head(T.thing("新增联山联水联社区的绿道")) == "绿道"
    # a measure after 的 is not a thing (全社会研发经费支出相当于生产总值的比例)
    assert T.head(T.thing("全社会研发经费支出相当于生产总值的比例")) is None
    assert T.head(T.thing("新增绿道")) is None
    st, out = goal_status("beijing", "新增联山联水联社区的绿道1000公里", "1000公里")
    assert out is not None and "新增绿道1000公里" in out.quote and st.status == "met"


def test_a_thing_only_found_within_a_narrowing_word_implies_it() -> None:
    # guangdong-2025 力争规模化供水工程覆盖率超90% -> guangdong-2026 农村规模化供水工程覆盖人口比例达90.5%:
    # 规模化供水 is the rural programme, so 农村 on one side only narrows nothing
    assert T.refusal("力争规模化供水工程覆盖率", "农村规模化供水工程覆盖人口比例", "广东省") is None
    assert T.refusal("自来水普及率", "农村自来水普及率", "广东省") is not None
    st, out = goal_status("guangdong", "力争规模化供水工程覆盖率超90%", "90%")
    assert out is not None and "90.5%" in out.quote and st.status == "met"


def test_whom_it_is_done_for_is_no_part_of_the_thing() -> None:
    st, out = goal_status("zhejiang", "为经营主体减负2500亿元以上", "2500亿元")
    assert out is not None and "为企业减负超3300亿元" in out.quote and st.status == "met"


def test_a_count_after_a_scope_names_its_thing_after_the_figure() -> None:
    # sichuan-2026 基础设施、现代产业、公共服务等领域320个共建重点项目完成投资5332亿元: the name before the
    # figure is a list of fields; what 320个 counts follows it (共建项目), as in sichuan-2025 实施320个年度共建项目
    quote = "基础设施、现代产业、公共服务等领域320个共建重点项目完成投资5332亿元"
    assert T.names_scope("基础设施、现代产业、公共服务等领域")
    after = T.counted_after(quote, "个")
    assert after is not None and after in T.thing("实施年度共建项目")
    assert T.counted_after(quote, "元") is None  # only a count names a thing after its figure
    assert not T.names_scope("推动物业服务覆盖")  # 覆盖300个老旧小区 counts no 老旧小区 of its own
    st, out = goal_status("sichuan", "实施320个年度共建项目", "320个")
    assert out is not None and "320个共建重点项目" in out.quote and st.status == "met"


def test_lifts_in_bu_are_judged_by_lifts_in_tai() -> None:
    # beijing-2025 老楼加装电梯完工600部 -> beijing-2026 老楼加装电梯869台: 部 and 台 both count machines
    st, out = goal_status("beijing", "老楼加装电梯完工600部", "600部")
    assert out is not None and "869台" in out.quote and st.status == "met"


def test_a_goal_looks_only_at_later_reports_outcomes_of_its_year() -> None:
    # the candidate search is indexed: a region with many reports costs a goal only the outcomes
    # that could be its evidence (later reports; for a one-year goal, results for that year)
    from tracker.match import _later

    goal = _st("goal", "建设口袋公园", "建设口袋公园80个", 80, "个", "level", 2025, 2025)
    same_report = _st("outcome", "建成口袋公园", "建成口袋公园70个", 70, "个", "increase", 2024, 2025)
    other_year = _st("outcome", "口袋公园", "口袋公园300个", 300, "个", "level", 2026, 2027)
    later = _st("outcome", "口袋公园建成开放", "85个口袋公园等建成开放", 85, "个", "increase", 2025, 2026)
    pool = [other_year, later, same_report]
    by_region: dict[tuple[str, int | None], list[Statement]] = {}
    for o in pool:
        by_region.setdefault((o.region, None), []).append(o)
        by_region.setdefault((o.region, o.period.end), []).append(o)
    for lst in by_region.values():
        lst.sort(key=lambda o: o.report_year)
    assert _later(goal, by_region) == [later]
    m = Judge().run([goal, *pool])[0]
    assert [x.outcome for x in m] == [later.key]
