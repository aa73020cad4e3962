"""Every format a report is published in reads to the same text, detected from the bytes.

The fixtures are built from the first paragraphs of the real Shanghai 2018 report
(tests/fixtures/build.py): the same text as UTF-8, UTF-8 with BOM, GB18030, GBK, UTF-16
with and without BOM, an HTML page with navigation, scripts, share buttons and
comments, a Word file and a PDF with a text layer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import build
from tracker.extract import extract
from tracker.ingest import ingest_file, read_text, sniff
from tracker.structure import structure


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build.write_all(tmp_path_factory.mktemp("formats"))


REFERENCE = build.text()

TEXT_FORMATS = ["utf8.txt", "utf8-bom.txt", "gb18030.txt", "gbk.dat", "utf16.txt", "utf16le-nobom.txt"]
ALL = [*TEXT_FORMATS, "page.htm", "page-gbk.html", "report.docx", "report-docx.bin", "report.pdf"]


@pytest.mark.parametrize("name", TEXT_FORMATS)
def test_text_encodings_decode_to_the_same_text(files: dict[str, Path], name: str) -> None:
    assert read_text(files[name]) == REFERENCE


@pytest.mark.parametrize("name", ALL)
def test_every_format_reads_as_the_report(files: dict[str, Path], name: str) -> None:
    doc = ingest_file(files[name])
    assert doc.region.name == "上海市" and doc.region.level == "provincial"
    assert doc.year == 2018
    assert doc.date == "2018-01-23"
    assert doc.speaker == "应勇"
    assert doc.meeting == "上海市第十五届人民代表大会第一次会议"
    # every paragraph of the source is in the text, whole
    squashed = "".join(doc.text.split())
    for para in build.excerpt():
        assert "".join(para.split()) in squashed
    secs = structure(doc)
    review = next(s for s in secs if s.heading == "一、过去五年工作回顾")
    assert review.role == "review" and (review.period.start, review.period.end) == (2013, 2017)  # type: ignore[union-attr]
    sts = extract(doc, secs)
    assert any(st.quote.startswith("全市生产总值年均增长7.1%") for st in sts)
    for st in sts:
        assert doc.text[st.span.start : st.span.end] == st.quote


def test_big5_traditional_text(files: dict[str, Path]) -> None:
    """A traditional-character report in Big5 decodes as Big5 and reads like the simplified one."""
    text = read_text(files["big5.txt"])
    assert text == build.big5_bytes().decode("big5")
    assert "過去五年工作回顧" in text
    doc = ingest_file(files["big5.txt"])
    assert (doc.region.name, doc.year, doc.date) == ("上海市", 2018, "2018-01-23")
    review = next(s for s in structure(doc) if s.level == 1)
    assert (
        review.role == "review"
        and review.period is not None
        and (review.period.start, review.period.end) == (2013, 2017)
    )


def test_format_is_sniffed_from_bytes_not_the_name(files: dict[str, Path]) -> None:
    assert sniff(files["report-docx.bin"].read_bytes()) == "docx"
    assert sniff(files["report.pdf"].read_bytes()) == "pdf"
    assert sniff(files["page.htm"].read_bytes()) == "html"
    assert sniff(files["gbk.dat"].read_bytes()) == "text"
    assert read_text(files["report-docx.bin"]) == read_text(files["report.docx"])


@pytest.mark.parametrize("name", ["page.htm", "page-gbk.html"])
def test_html_keeps_the_report_text_only(files: dict[str, Path], name: str) -> None:
    text = read_text(files[name])
    # the page's <h1> (政府工作报告) is left out: the report's own first line says it
    assert text.strip().split("\n") == build.excerpt()
    for furniture in (
        "首页",
        "当前位置",
        "分享",
        "微信",
        "网友评论",
        "发表评论",
        "版权所有",
        "统计代码",
        "相关链接",
        "console",
    ):
        assert furniture not in text, furniture


def test_html_table_layout_with_line_breaks() -> None:
    """An older site: the report in one table cell, paragraphs split by <br>, a side column."""
    from tracker.ingest import html_text

    body = "<br>".join("&nbsp;&nbsp;" + p for p in build.excerpt())
    page = (
        "<html><head><title>上海市人民政府</title></head><body><div id='nav'>首页 新闻</div>"
        f"<table><tr><td class='left'>栏目导航</td><td><div class='TRS_Editor'>{body}</div></td></tr></table>"
        "<div class='footer'>版权所有</div></body></html>"
    )
    assert html_text(page).strip().split("\n") == build.excerpt()


def test_html_report_split_over_blocks() -> None:
    """An article split into two page blocks of about equal length, with a related-links list beside it."""
    from tracker.ingest import html_text

    paras = build.excerpt(20)
    sizes = [sum(len(p) for p in paras[: i + 1]) for i in range(len(paras))]
    half = next(i for i, n in enumerate(sizes) if n >= sizes[-1] // 2)  # two pages of about equal length
    assert 0.3 < sizes[half - 1] / sizes[-1] < 0.7
    page = (
        "<html><body><div class='wrap'><div class='art'>"
        + "".join(
            f"<div class='page'>{''.join(f'<p>{p}</p>' for p in chunk)}</div>" for chunk in (paras[:half], paras[half:])
        )
        + "</div><ul class='links'><li>2017年上海市政府工作报告</li><li>热点专题</li></ul></div></body></html>"
    )
    lines = html_text(page).strip().split("\n")
    assert lines[: len(paras)] == paras


def test_html_heading_outside_the_text_is_kept() -> None:
    from tracker.ingest import html_text

    paras = build.excerpt()[1:]  # the report's text without its title line
    page = "<html><body><h1>2018年上海市政府工作报告</h1><div class='share'>分享</div><div>"
    page += "".join(f"<p>{p}</p>" for p in paras) + "</div></body></html>"
    assert html_text(page).strip().split("\n") == ["2018年上海市政府工作报告", *paras]


def test_html_source_line_breaks_inside_a_paragraph() -> None:
    from tracker.ingest import html_text

    para = next(p for p in build.excerpt() if p.startswith("过去五年"))
    wrapped = "\n      ".join(para[i : i + 40] for i in range(0, len(para), 40))
    assert html_text(f"<html><body><div><p>\n      {wrapped}\n    </p></div></body></html>").strip() == para


def test_an_html_fragment_without_a_page_around_it(tmp_path: Path) -> None:
    p = tmp_path / "fragment.txt"
    p.write_text("".join(f"<p style='text-indent:2em'>{para}</p>\n" for para in build.excerpt()), "utf-8")
    assert read_text(p).strip().split("\n") == build.excerpt()


def test_docx_keeps_paragraphs_and_table_rows_in_order(files: dict[str, Path]) -> None:
    lines = read_text(files["report.docx"]).strip().split("\n")
    assert lines[: len(build.excerpt())] == build.excerpt()
    assert lines[-1] == "地区生产总值\t增长6.5%"


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


def test_pdf_paragraph_across_a_page_break(tmp_path: Path) -> None:
    """Eight lines a page: paragraphs run onto the next page past a "— 1 —" page number."""
    p = tmp_path / "pages.pdf"
    p.write_bytes(build.pdf_bytes(build.excerpt(), per_page=8))
    from pypdf import PdfReader

    assert len(PdfReader(p).pages) > 5
    text = read_text(p)
    assert "— 1 —" not in text
    # the same lines as from one long page: page breaks join like line wraps
    assert text == read_text(_write(tmp_path / "one-page.pdf", build.pdf_bytes(build.excerpt(), per_page=1000)))
    assert "".join(text.split()) == "".join(build.text().split())
    lines = text.split("\n")
    para = next(q for q in build.excerpt() if q.startswith("过去五年，上海经济社会发展"))
    assert any(ln.startswith(para[: para.index("。") + 1]) for ln in lines)


def test_pdf_lines_wrapped_by_the_layout_are_joined(files: dict[str, Path]) -> None:
    lines = read_text(files["report.pdf"]).strip().split("\n")
    # headings and short lines stay lines of their own
    for heading in ("政府工作报告", "上海市市长 应勇", "一、过去五年工作回顾"):
        assert heading in lines
    # a paragraph wrapped at 30 characters reads whole up to its sentence ends
    para = next(p for p in build.excerpt() if p.startswith("过去五年，上海经济社会发展"))
    first_sentence = para[: para.index("。") + 1]
    assert len(first_sentence) > 30
    assert any(ln.startswith(first_sentence) for ln in lines)
