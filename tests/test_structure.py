"""Headings, roles and periods on real report text; clean-up that never moves a span;
normalisation that keeps every offset."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS, REPORTS
from tests.fixtures.build import traditional
from tracker.ingest import blank, furniture, ingest_file, ingest_text
from tracker.models import Period
from tracker.normalize import normalize
from tracker.structure import find_headings, opening_period, period_of_text, role_of, structure, turn_period


def corpus(name: str) -> str:
    return (CORPUS / name).read_text("utf-8")


# ------------------------------------------------------------------ heading periods

HEADINGS = [
    # (heading as written in a report, report year, period, role)
    ("一、过去五年工作回顾", 2018, (2013, 2017), "review"),
    ("二、今后五年工作的总体要求和主要目标", 2018, (2018, 2022), "plan"),
    ("三、2018年主要任务", 2018, (2018, 2018), "plan"),
    ("一、2023年工作回顾", 2024, (2023, 2023), "review"),
    ("二、2024年主要任务", 2024, (2024, 2024), "plan"),
    ("四、全面加强政府自身建设", 2018, None, "government"),
    # a year and a five-year period: the one written first
    ("一、2025年和“十四五”时期工作回顾", 2026, (2025, 2025), "review"),
    ("一、“十四五”时期和2025年工作回顾", 2026, (2021, 2025), "review"),
    ("二、“十五五”时期主要目标和重大任务", 2026, (2026, 2030), "plan"),
    ("二、“十四五”时期发展成就和“十五五”时期主要目标任务", 2026, (2021, 2025), "review"),
    # “十五五”开好局: the plan's first year
    ("三、一鼓作气勇争先，全力推动“十五五”开好局、起好步", 2026, (2026, 2026), "plan"),
    ("三、2026年的重点工作", 2026, (2026, 2026), "plan"),
]


@pytest.mark.parametrize(("heading", "year", "period", "role"), HEADINGS)
def test_heading_period_and_role(heading: str, year: int, period: tuple[int, int] | None, role: str) -> None:
    p = period_of_text(heading, year)
    assert ((p.start, p.end) if p else None) == period
    assert role_of(heading) == role


def test_range_and_until_years() -> None:
    assert period_of_text("制定《浦东新区城镇优化升级打造现代城镇专项行动计划(2023-2025年)》", 2024) == Period(
        start=2023, end=2025
    )
    assert period_of_text("到2027年，基本建成", 2025) == Period(start=2025, end=2027)


# ------------------------------------------------------------------ paragraph openings

OPENINGS = [
    # (corpus file, paragraph opening as written, report year, period)
    ("guangdong-2026.txt", "各位代表！经过五年接续奋斗，我省“十四五”顺利收官。", 2026, (2021, 2025)),
    ("jiangsu-2026.txt", "各位代表，刚刚过去的2025年", 2026, (2025, 2025)),
    ("hunan-2026.txt", "过去的一年，极不寻常、很不容易。", 2026, (2025, 2025)),
    ("beijing-2026.txt", "这五年，我们牢记嘱托", 2026, (2021, 2025)),
    ("hubei-2026.txt", "今年是“十五五”开局之年，做好今年工作意义重大。", 2026, (2026, 2026)),
    ("hubei-2026.txt", "“十四五”时期是湖北发展史上极不寻常、极不平凡的五年", 2026, (2021, 2025)),
    ("fujian-2026.txt", "2025年是“十四五”收官之年。", 2026, (2025, 2025)),
    ("fujian-2026.txt", "五年来，我们坚持创新驱动发展。", 2026, (2021, 2025)),
    ("zhejiang-2026.txt", "“十五五”时期是基本实现社会主义现代化夯实基础、全面发力的关键时期", 2026, (2026, 2030)),
]


@pytest.mark.parametrize(("name", "opening", "year", "period"), OPENINGS)
def test_paragraph_openings_switch_the_period(name: str, opening: str, year: int, period: tuple[int, int]) -> None:
    assert opening in corpus(name)
    p = opening_period(opening, year)
    assert p is not None and (p.start, p.end) == period


def test_a_cue_deep_in_a_paragraph_is_not_an_opening() -> None:
    para = "全面完成第八轮环保三年行动计划。新增公园36座、绿地310公顷，今年还将新增绿道45公里。"
    assert para.startswith("全面完成第八轮环保三年行动计划") and "今年" in para
    assert opening_period(para, 2024) is None


# ------------------------------------------------------------------ sections in real reports


def test_2026_review_switches_from_2025_to_the_five_years() -> None:
    """Guangdong 2026: the review opens with 2025, then turns to the 十四五 years."""
    from tracker.extract import extract

    text = corpus("guangdong-2026.txt")
    doc = ingest_text(text, "guangdong-2026.txt")
    sts = extract(doc, structure(doc))

    def period_of(quote_start: str) -> tuple[int, int]:
        s = next(s for s in sts if s.quote.startswith(quote_start))
        return (s.period.start, s.period.end)

    assert period_of("地区生产总值增长3.9%") == (2025, 2025)
    assert period_of("地区生产总值从11.37万亿元提高到14.58万亿元") == (2021, 2025)


def test_inline_subheadings_open_their_paragraph() -> None:
    doc = ingest_file(REPORTS / "pudong-2024.txt")
    secs = structure(doc)
    sub = next(s for s in secs if s.heading.startswith("(一)改革开放持续攻坚突破"))
    assert sub.level == 2 and sub.heading == "(一)改革开放持续攻坚突破,引领区建设全面深化。"
    assert sub.path[0] == "一、2023年工作回顾" and sub.role == "review"
    # the paragraph's figures are still read
    from tracker.extract import extract

    assert any("423项已完成" in s.quote for s in extract(doc, secs))


def test_attachment_sections_sit_below_the_attachment() -> None:
    doc = ingest_text(corpus("guangdong-2026.txt"), "guangdong-2026.txt")
    secs = structure(doc)
    annex = next(s for s in secs if s.heading.startswith("附件1"))
    items = [s for s in secs if s.path[0] == annex.heading and s is not annex]
    assert len(items) == 10 and all(s.level == 2 for s in items)
    assert annex.period == Period(start=2026, end=2026) and annex.role == "plan"
    # the glossary (附件2 名词解释) is page furniture, not a section
    assert not any("名词解释" in s.heading for s in secs)


def test_lead_in_lines_are_not_headings() -> None:
    text = normalize(corpus("zhejiang-2025.txt"))
    heads = [h.text for h in find_headings(text, year=2025)]
    assert "认真抓好11方面重点工作:" not in heads
    assert "二、2025年目标任务和重点工作" in heads


# ------------------------------------------------------------------ clean-up


def test_table_of_contents_before_the_body_is_ignored() -> None:
    doc = ingest_file(REPORTS / "pudong-2024.txt")
    toc = doc.ignored[0]
    assert toc.start == 0
    ignored = doc.text[toc.start : toc.end]
    assert ignored.startswith("一、2023年工作回顾\n(一)改革开放持续攻坚突破\n")
    assert ignored.rstrip().endswith("三、全面推进服务型政府建设")
    assert "2024年浦东新区政府工作报告" not in ignored
    heads = [s.heading for s in structure(doc) if s.level == 1]
    assert heads == ["一、2023年工作回顾", "二、2024年主要任务"]


def test_adverts_and_source_lines_are_ignored_without_moving_spans() -> None:
    raw = (REPORTS / "shanghai-2024.txt").read_text("utf-8")
    doc = ingest_file(REPORTS / "shanghai-2024.txt")
    assert doc.text == raw  # nothing removed
    view = blank(doc.text, doc.ignored)
    assert len(view) == len(raw)
    assert "更多数据尽在" not in view
    assert view.count("更多数据尽在") == 0 and raw.count("更多数据尽在") == 3


@pytest.mark.parametrize(
    ("name", "gone", "kept"),
    [
        (
            "sichuan-2026.txt",
            ["【字体：", "分享：", "来源:", "四川日报\n", "打印本页", "1.“两重”：是指"],
            ["各位代表："],
        ),
        ("beijing-2026.txt", ["来源：北京日报", "时间：2026-02-02", "本报记者 戴冰摄"], ["北京市市长 殷勇"]),
        ("guangdong-2025.txt", ["附件2 名词解释", "1.“岳山造林”：上世纪70年代"], ["附件1", "一、为老年人提供健康管理"]),
        ("sichuan-2025.txt", ["名词解释", "六大优势产业：省委十二届三次全会"], ["2025年工作安排建议"]),
    ],
)
def test_furniture_and_glossaries(name: str, gone: list[str], kept: list[str]) -> None:
    text = corpus(name)
    view = blank(text, furniture(text))
    assert len(view) == len(text)
    for g in gone:
        assert g in text and g not in view, g
    for k in kept:
        assert k in view, k


def test_a_paragraph_mentioning_wechat_is_not_furniture() -> None:
    text = corpus("guangdong-2026.txt")
    para = next(ln for ln in text.split("\n") if "政企联络微信群" in ln and len(ln) > 100)
    assert para in blank(text, furniture(text))


# ------------------------------------------------------------------ normalisation


def test_traditional_and_full_width_are_normalised_for_parsing() -> None:
    src = "全年地區生產總值增長５．２％，經濟運行穩中向好，財政收入達到１２３億元。"
    out = normalize(src)
    assert out == "全年地区生产总值增长5.2%，经济运行稳中向好，财政收入达到123亿元。"
    assert len(out) == len(src)


def test_a_traditional_report_reads_like_the_simplified_one() -> None:
    simp = (REPORTS / "shanghai-2018.txt").read_text("utf-8")[:8000]
    trad = traditional(simp)
    assert len(trad) == len(simp) and trad != simp
    assert "過去五年工作回顧" in trad
    a = ingest_text(simp, "s.txt")
    b = ingest_text(trad, "t.txt")
    assert (b.region, b.year, b.date, b.meeting) == (a.region, a.year, a.date, a.meeting)
    assert [(s.start, s.level, s.role, s.period) for s in structure(b)] == [
        (s.start, s.level, s.role, s.period) for s in structure(a)
    ]


@given(
    st.text(
        alphabet=st.sampled_from("０１２３４５６７８９．％萬億點個區縣實現增長達減為於與產業總額年月日，。abc 123\n")
    )
)
def test_normalize_keeps_length(s: str) -> None:
    assert len(normalize(s)) == len(s)


def test_a_later_sentence_turns_the_period() -> None:
    """Shandong 2026: "各位代表！2025年是“十四五”收官之年。五年来，……" then "——…年均增长5.9%":
    the five-year results are 2021–2025, not 2025."""
    from tracker.extract import extract

    text = corpus("shandong-2026.txt")
    assert "各位代表！2025年是“十四五”收官之年。五年来，" in text
    doc = ingest_text(text, "shandong-2026.txt")
    sts = extract(doc, structure(doc))
    s = next(s for s in sts if s.quote.startswith("全省地区生产总值年均增长5.9%"))
    assert (s.period.start, s.period.end) == (2021, 2025) and s.kind == "outcome"


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("五年来，我们牢记嘱托、感恩奋进", (2021, 2025)),
        ("“十四五”的五年，在浙江改革发展史上极不平凡", (2021, 2025)),
        ("过去的五年极不平凡", (2021, 2025)),
        ("过去一年，我们持续加强政府自身建设。", (2025, 2025)),
        ("2025年是“十四五”收官之年。", None),  # a year is the sentence's own, it does not carry over
        ("全省地区生产总值年均增长5.9%", None),
        ("今年经济社会发展主要预期目标是", None),
    ],
)
def test_turn_period(sentence: str, period: tuple[int, int] | None) -> None:
    p = turn_period(sentence, 2026)
    assert ((p.start, p.end) if p else None) == period


def test_table_of_contents_with_a_title_and_page_numbers() -> None:
    """The Pudong table of contents as a printed booklet lays it out: 目录, leaders, page numbers."""
    raw = (REPORTS / "pudong-2024.txt").read_text("utf-8")
    toc, body = raw.split("2024年浦东新区政府工作报告", 1)
    entries = [ln for ln in toc.split("\n") if ln.strip()]
    booklet = "目  录\n" + "".join(f"{e}……………………{n}\n" for n, e in enumerate(entries, start=1))
    text = booklet + "2024年浦东新区政府工作报告" + body
    doc = ingest_text(text, "pudong-booklet.txt")
    assert doc.ignored[0].start == 0 and doc.ignored[0].end == len(booklet) - 1
    assert [s.heading for s in structure(doc) if s.level == 1] == ["一、2023年工作回顾", "二、2024年主要任务"]


def test_targets_listed_one_a_line_are_not_headings() -> None:
    """Sichuan 2025's targets, laid out one a line as some publications do: still statements."""
    from tracker.extract import extract

    text = corpus("sichuan-2025.txt")
    lead = "今年发展主要预期目标是:"
    i = text.index(lead.replace(":", "："))
    targets = text[i + len(lead) : text.index("。", i)].split("；")
    assert targets[0] == "地区生产总值增长5.5%以上"
    listed = "\n".join(f"{n}.{t}" for n, t in enumerate(targets, start=1))
    doc = ingest_text(text[:i] + lead + "\n" + listed + "。\n" + text[text.index("。", i) + 1 :], "sichuan-2025.txt")
    secs = structure(doc)
    assert not any(s.heading.startswith("1.地区生产总值") for s in secs)
    goal = next(s for s in extract(doc, secs) if "地区生产总值增长5.5%以上" in s.quote)
    assert goal.kind == "goal" and goal.period == Period(start=2025, end=2025)


def test_one_year_of_the_term_keeps_the_heading_year() -> None:
    """A review headed 2023年工作回顾 whose paragraphs open with 本届政府…第一年 is the year 2023,
    not a five-year review."""
    from tracker.extract import extract

    text = (REPORTS / "shanghai-2024.txt").read_text(encoding="utf-8")
    at = text.index("　　过去一年，我们坚持")
    text = (
        text[:at]
        + "　　2023年是本届政府依法履职的第一年。一年来，全市生产总值增长5%。\n\n"
        + "　　本届政府履职第一年，我们攻坚克难，地方一般公共预算收入增长9.3%。\n\n"
        + text[at:]
    )
    doc = ingest_text(text, "shanghai-2024.txt")
    sts = extract(doc, structure(doc))
    first = [s for s in sts if s.quote in ("全市生产总值增长5%", "地方一般公共预算收入增长9.3%")]
    assert len(first) >= 2 and {(s.period.start, s.period.end, s.measure) for s in first} == {(2023, 2023, "growth")}
    assert turn_period("本届政府履职第一年，我们攻坚克难", 2024) is None
    assert opening_period("本届政府依法履职的第一年，我们攻坚克难", 2024) is None
