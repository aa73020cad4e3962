"""Issue 15: scorecards an editor can publish without correcting them, checked in real Chromium
on the twenty development reports (``tests.conftest.CORPUS``) and the three samples.

Every point of the issue has a test here; the screenshots (index, the Zhejiang and Hubei
2025 scorecards, the comparison page) go to test-artifacts/. Run with
TRACKER_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, SAMPLE
from tests.test_browser import ARTIFACTS, Watch, browser, scorecard, visible_rows  # noqa: F401  (browser: a fixture)
from tests.test_site import RD_GOAL, build
from tracker.lexicon import lexicon

OFFICIAL = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]


@pytest.fixture(scope="module")
def chromium(browser: Any) -> Any:  # noqa: F811  (test_browser's fixture, under a name of our own)
    return browser


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, folder = build(sorted(CORPUS.glob("*.txt")), tmp_path_factory.mktemp("corpus"))
    return folder


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, folder = build(SAMPLE, tmp_path_factory.mktemp("sample"))
    return folder


def band(page: Any) -> dict[str, str]:
    """The figures of the page's summary band, as shown."""
    return page.eval_on_selector(
        "section.summary",
        "s => Object.fromEntries([...s.querySelectorAll('[data-k]')].map(e => [e.dataset.k, e.textContent.trim()]))",
    )


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%"


# ---------------------------------------------------------------------------- coverage beside every share


def test_every_share_has_its_coverage_and_filtering_updates_both(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(corpus / "index.html")
    b = band(page)
    goals, judged = int(b["goals"]), int(b["judged"])
    assert judged < goals / 5  # most goals are not judged yet: the coverage must say so
    assert b["coverage"] == pct(judged, goals)
    assert b["rests"].startswith(f"达成率基于 {judged} / {goals} 项目标")
    # every share on the index (start list, report rows) has its coverage beside it
    shares = page.locator("span.share")
    assert shares.count() >= 20
    for i in range(shares.count()):
        cov = shares.nth(i).locator("xpath=following-sibling::span[1]")
        assert re.search(r"已判定 \d+ / \d+，覆盖率", cov.inner_text()), i
    # filtering by region recomputes the band from the reports shown
    page.select_option("select[name=region]", "湖北省")
    b2 = band(page)
    row = page.locator("#reports tr.row:not(.aux)", has_text="湖北省 2025年政府工作报告")
    assert row.is_visible()
    assert int(b2["goals"]) < goals and int(b2["judged"]) < judged
    assert b2["coverage"] == pct(int(b2["judged"]), int(b2["goals"]))
    assert row.locator("span.share").inner_text() == b2["share"]  # Hubei 2026 has nothing judged yet
    w.check()


def test_a_filtered_scorecard_band_counts_the_rows_shown(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(corpus, "zhejiang-2025.txt"))
    total = band(page)
    assert int(total["goals"]) == len(visible_rows(page))
    page.select_option("select[name=status]", "met")
    met = len(visible_rows(page))
    b = band(page)
    assert b == {
        "goals": str(met),
        "judged": str(met),
        "coverage": "100.0%",
        "share": "100.0%",
        "rests": f"达成率基于 {met} / {met} 项目标 · the share rests on {met} of {met} goals",
    }
    assert page.locator("section.summary li[data-status=missed]").is_hidden()
    page.locator("form.filters button[type=reset]").click()
    page.wait_for_function(f"document.querySelector('[data-k=goals]').textContent === '{total['goals']}'")
    assert band(page) == total
    w.check()


# ---------------------------------------------------------------------------- one target, one row


def test_the_same_target_stated_twice_is_one_row(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(corpus, "hubei-2025.txt"))
    gdp = page.locator("#goals tr.row", has_text="6％左右")
    assert gdp.count() == 1
    assert gdp.locator(".c-goal > a").inner_text() == "经济增长6％左右"
    assert gdp.locator(".restated").inner_text().endswith("经济增长目标设定为6％左右")
    assert gdp.locator(".c-verdict .badge").first.inner_text() == "未达成 · missed"
    # the restating sentence's anchor still lands on the row (links from elsewhere keep working)
    restated_id = gdp.locator(".c-goal .anchor").get_attribute("id")
    page.goto(page.url.split("#")[0] + f"#{restated_id}")
    assert page.locator(":target").evaluate("e => e.closest('tr').id") == gdp.get_attribute("id")
    # counted once
    assert page.locator("section.summary li[data-status=missed] strong").inner_text() == str(
        page.locator("#goals tr.row[data-status=missed]").count()
    )
    w.check()


# ---------------------------------------------------------------------------- met on later data


def test_met_on_later_data_is_on_the_badge_and_explained(chromium: Any, sample: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(sample, "shanghai-2018.txt"))
    row = page.locator("tr.row", has_text=RD_GOAL)
    assert row.locator(".c-verdict .badge").first.inner_text() == "达成（据期后数据） · met on later data"
    assert row.get_attribute("data-status") == "met"  # still counted and filtered as met
    assert "evidence from after the deadline" not in row.locator(".c-verdict").inner_text()
    page = w.open(sample / "methods.html")
    rule = page.locator("#rules li", has_text="Met on later data")
    assert rule.is_visible() and "met on later data" in rule.inner_text()
    w.check()


# ---------------------------------------------------------------------------- half the evidence


def test_two_conditions_and_a_like_for_like_caveat_need_review(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(corpus, "anhui-2025.txt"))
    row = page.locator("tr.row", has_text="高于全国平均水平、高于城镇居民收入增速")
    assert row.locator(".c-verdict .badge").first.inner_text() == "需人工判断 · needs review"
    assert "目标有两个条件，只核对了其中一个" in row.locator(".c-reason").inner_text()
    assert "two conditions" in row.locator(".c-reason").inner_text()
    assert row.locator(".candidate-label").inner_text() == "可能的证据 possible evidence"
    page = w.open(scorecard(corpus, "hunan-2025.txt"))
    row = page.locator("tr.row", has_text="地方一般公共预算收入增长2.5%")
    assert row.locator(".c-verdict .badge").first.inner_text() == "需人工判断 · needs review"
    assert "同口径" in row.locator(".c-reason").inner_text()
    assert "同口径增长2.5%以上" in row.locator(".c-evidence").inner_text()
    w.check()


# ---------------------------------------------------------------------------- what "no evidence" means


def test_no_evidence_says_what_it_waits_for_and_silence_is_listed(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(corpus, "zhejiang-2025.txt"))
    silent = page.locator("table.silence tbody tr")
    n = silent.count()
    assert n >= 10 and page.locator("h2#silence").inner_text().endswith(f"（{n}）")
    assert page.locator("#goals .badge.gap.silence").count() == n
    # each listed target links to its row, which says silence and names no evidence
    first = silent.first
    assert "浙江省 2026年政府工作报告" in first.inner_text()
    first.locator("td.quote a").click()
    target = page.locator("tr:target")
    assert "后续报告未提及" in target.locator(".c-verdict").inner_text()
    assert target.locator(".c-evidence").inner_text().startswith("— 无")
    # the 2026 report's targets wait for a report that is not on hand yet
    page = w.open(scorecard(corpus, "zhejiang-2026.txt"))
    assert page.locator("#goals .badge.gap.no_later_report").count() >= 10
    assert page.locator("#goals .badge.gap.silence").count() == 0 and page.locator("table.silence").count() == 0
    # a candidate that needs review
    page = w.open(scorecard(corpus, "anhui-2025.txt"))
    assert page.locator("#goals .badge.gap.candidate").count() >= 1
    # the index counts silence per report; the methods page explains the three cases
    page = w.open(corpus / "index.html")
    assert page.locator("#reports a", has_text=re.compile(r"silence: \d+")).count() >= 5
    page = w.open(corpus / "methods.html")
    assert page.locator("#gaps tbody tr").count() == 3
    w.check()


# ---------------------------------------------------------------------------- quotes


def test_relational_goals_quote_both_sentences_and_fragments_their_subject(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(corpus, "zhejiang-2025.txt"))
    ev = page.locator("tr.row", has_text="居民可支配收入与经济增长基本同步").locator(".c-evidence")
    assert ev.locator("a.evidence").count() == 2
    text = ev.inner_text()
    assert "城镇和农村居民人均可支配收入分别增长4.3%" in text and "全省生产总值增长5.5%" in text
    assert "subject" in text and "reference" in text
    page = w.open(scorecard(corpus, "guangdong-2025.txt"))
    ev = page.locator("tr.row", has_text="规模以上工业增加值增长6%左右").locator(".c-evidence")
    assert ev.locator(".context").inner_text() == "规模以上工业企业达7.6万家、"
    assert ev.locator("a.evidence").inner_text() == "增加值增长3%"
    w.check()


# ---------------------------------------------------------------------------- details


def test_margins_titles_region_order_indicator_filter_and_reasons(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(corpus, "beijing-2025.txt"))
    assert page.locator("h1").inner_text() == "北京市 2025年政府工作报告"
    row = page.locator("tr.row", has_text="居民收入增长与经济增长同步")
    assert row.locator(".c-margin").inner_text().splitlines() == ["−1个百分点", "−1 pp"]
    assert row.locator(".c-target").inner_text().startswith("与地区生产总值增长同步")
    reason = row.locator(".c-reason .meta").inner_text()
    assert reason.startswith("Per-capita disposable income grew 4.4%")
    assert re.search(r"(?<=[^.] )[A-Z][a-z]", reason) is None, reason  # no capital mid-sentence
    # every margin shown has a unit
    margins = page.eval_on_selector_all("#goals td.c-margin", "ts => ts.map(t => t.innerText.trim()).filter(Boolean)")
    assert margins and all(not re.fullmatch(r"[+−±-]?[\d.]+", m.splitlines()[0]) for m in margins), margins
    # the indicator filter: lexicon indicators and one "other"
    options = page.eval_on_selector_all("select[name=indicator] option", "os => os.map(o => o.value)")
    names = {i.zh for i in lexicon().indicators.indicators}
    assert options[-1].startswith("其他") and set(options[1:-1]) <= names
    page.select_option("select[name=indicator]", options[-1])
    others = visible_rows(page)
    assert others and len(others) < page.locator("#goals tr.row").count()
    page = w.open(corpus / "index.html")
    assert "2025年2025年" not in page.content() and "2026年2026年" not in page.content()
    groups = page.eval_on_selector_all("#reports tr.group th", "ths => ths.map(t => t.firstChild.textContent.trim())")
    assert groups == [r for r in OFFICIAL if r in groups] and len(groups) == 10
    regions = page.eval_on_selector_all("select[name=region] option", "os => os.map(o => o.value).filter(Boolean)")
    assert regions == groups
    page = w.open(corpus / "goals.html")
    assert page.locator("select[name=indicator] option").count() < 60  # was 846
    w.check()


# ---------------------------------------------------------------------------- charts


def test_charts_label_values_show_the_target_in_the_legend_and_read_big_numbers(
    chromium: Any, corpus: Path, sample: Path
) -> None:
    w = Watch(chromium)
    page = w.open(scorecard(sample, "shanghai-2018.txt"))
    page.locator("tr.row", has_text=RD_GOAL).locator(".c-goal .meta a").click()
    assert page.locator(".legend .key.target svg path").count() == 1
    labels = page.eval_on_selector_all("figure.chart svg .mk text.val", "ts => ts.map(t => t.textContent)")
    marks = page.locator("figure.chart svg .mk").count()
    assert len(labels) == marks and all(labels)
    assert "目标 不低于4%（2018–2022）" in labels and "4.4%" in labels
    # the five-year target is one mark at its end year, not a line over five years
    width = page.locator("figure.chart svg .mk.target.met path").first.evaluate("e => e.getBBox().width")
    assert width <= 20
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("figure.chart").first.screenshot(path=str(ARTIFACTS / "chart-shanghai-rd-intensity.png"))
    # a GDP level chart reads 万亿, never 50000亿
    gdp = next(p for p in sorted((corpus / "indicator").glob("*.html")) if "万亿" in p.read_text("utf-8"))
    page = w.open(gdp)
    ticks = page.eval_on_selector_all("figure.chart svg text.tick", "ts => ts.map(t => t.textContent)")
    assert any(t.endswith("万亿") for t in ticks) and not any(re.fullmatch(r"\d{5,}亿", t) for t in ticks), ticks
    page.locator("figure.chart", has=page.locator("text.tick", has_text="万亿")).first.screenshot(
        path=str(ARTIFACTS / "chart-gdp-level.png")
    )
    w.check()


# ---------------------------------------------------------------------------- comparison across regions


def test_the_comparison_page_lines_up_the_regions(chromium: Any, corpus: Path) -> None:
    w = Watch(chromium)
    page = w.open(corpus / "index.html")
    page.locator("header.site nav a", has_text="地区对比").click()
    assert page.locator("h1").inner_text().startswith("地区对比")
    table = page.locator("table#compare-2025")
    assert page.locator("table.compare").first.get_attribute("id") == "compare-2025"  # judged year first
    heads = table.locator("thead th[data-indicator]").evaluate_all("ts => ts.map(t => t.dataset.indicator)")
    ids = {i.id for i in lexicon().indicators.indicators}
    assert len(heads) == 9 and set(heads) <= ids
    regions = table.locator("tbody tr.row").evaluate_all("rs => rs.map(r => r.dataset.region)")
    assert regions == [r for r in OFFICIAL if r in regions] and len(regions) == 10
    hubei = table.locator("tr.row[data-region=湖北省]")
    gdp = hubei.locator("td[data-indicator=gdp]")
    assert "约6%" in gdp.inner_text() and "5.5%" in gdp.inner_text()
    assert gdp.locator(".badge").inner_text() == "未达成 · missed"
    assert re.search(r"已判定 judged \d+/\d+（\d+\.\d%）", hubei.locator("td.cov").inner_text())
    assert table.locator("tfoot td.cov").count() == 9
    gdp.locator("a").click()
    assert page.locator("tr:target").get_attribute("data-status") == "missed"
    assert page.locator("h1").inner_text() == "湖北省 2025年政府工作报告"
    w.check()


# ---------------------------------------------------------------------------- screenshots


@pytest.mark.parametrize(
    "name,where",
    [
        ("index", "index.html"),
        ("scorecard-zhejiang-2025", "zhejiang-2025.txt"),
        ("scorecard-hubei-2025", "hubei-2025.txt"),
        ("compare", "compare.html"),
    ],
)
def test_screenshots_for_the_editor(chromium: Any, corpus: Path, name: str, where: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    w = Watch(chromium)
    page = w.open(corpus / where if where.endswith(".html") else scorecard(corpus, where))
    page.screenshot(path=str(ARTIFACTS / f"{name}-top.png"))
    shot = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 30_000
    if where.endswith(".txt"):  # the silence list, readable on its own
        page.locator("table.silence").screenshot(path=str(ARTIFACTS / f"{name}-silence.png"))
    w.check()
