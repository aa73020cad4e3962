"""Every real report (reports/ and reports/corpus/) ingests with the right metadata and a
plausible section tree: the top-level parts with their role and period, asserted per report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS
from tracker.ingest import blank, ingest_file
from tracker.normalize import normalize
from tracker.structure import structure


@dataclass(frozen=True)
class R:
    folder: Path
    file: str
    region: str
    level: str
    parent: str
    year: int
    date: str | None
    speaker: str | None
    title: str
    subsections: int  # level-2 headings found
    parts: list[tuple[str, str, tuple[int, int]]]  # level-1: heading start, role, period


# fmt: off
TABLE = [
    R(REPORTS, "pudong-2024.txt", "浦东新区", "district", "上海市", 2024, None, None, "2024年浦东新区政府工作报告", 7, [
        ("一、2023年工作回顾", "review", (2023, 2023)),
        ("二、2024年主要任务", "plan", (2024, 2024)),
    ]),
    R(REPORTS, "shanghai-2018.txt", "上海市", "provincial", "全国", 2018, '2018-01-23', '应勇', "政府工作报告", 17, [
        ("一、过去五年工作回顾", "review", (2013, 2017)),
        ("二、今后五年工作的总体要求和主要", "plan", (2018, 2022)),
        ("三、2018年主要任务", "plan", (2018, 2018)),
        ("四、全面加强政府自身建设", "government", (2018, 2018)),
    ]),
    R(REPORTS, "shanghai-2024.txt", "上海市", "provincial", "全国", 2024, '2024-01-23', '龚正', "政府工作报告", 5, [
        ("一、2023年工作回顾", "review", (2023, 2023)),
    ]),
    R(CORPUS, "anhui-2025.txt", "安徽省", "provincial", "全国", 2025, '2025-01-20', '王清宪', "2025年安徽省政府工作报告", 19, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年工作总体要求和主要", "plan", (2025, 2025)),
        ("三、2025年重点工作", "plan", (2025, 2025)),
    ]),
    R(CORPUS, "anhui-2026.txt", "安徽省", "provincial", "全国", 2026, '2026-02-05', '王清宪', "2026年安徽省政府工作报告", 24, [
        ("一、2025年工作和“十四五”发", "review", (2025, 2025)),
        ("二、“十五五”时期主要目标和重大", "plan", (2026, 2030)),
        ("三、2026年重点工作", "plan", (2026, 2026)),
    ]),
    R(CORPUS, "beijing-2025.txt", "北京市", "provincial", "全国", 2025, '2025-01-14', '殷勇', "2025年北京市政府工作报告", 11, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年工作总体要求和重点", "plan", (2025, 2025)),
    ]),
    R(CORPUS, "beijing-2026.txt", "北京市", "provincial", "全国", 2026, '2026-01-25', '殷勇', "2026年北京市政府工作报告", 10, [
        ("一、2025年工作回顾", "review", (2025, 2025)),
        ("二、“十四五”时期发展成就和“十", "review", (2021, 2025)),
        ("三、2026年重点工作", "plan", (2026, 2026)),
    ]),
    R(CORPUS, "fujian-2025.txt", "福建省", "provincial", "全国", 2025, '2025-01-13', '赵龙', "2025年福建省政府工作报告", 22, [
        ("一、牢记殷殷嘱托，在接续奋斗中新", "review", (2024, 2024)),
        ("二、牢记历史使命，在中国式现代化", "plan", (2025, 2025)),
        ("三、牢记人民至上，在建设服务型政", "government", (2025, 2025)),
    ]),
    R(CORPUS, "fujian-2026.txt", "福建省", "provincial", "全国", 2026, '2026-01-27', '赵龙', "2026年福建省政府工作报告", 27, [
        ("一、一年接着一年干，新福建建设持", "review", (2025, 2025)),
        ("二、一张蓝图绘到底，奋力谱写中国", "plan", (2026, 2030)),
        ("三、一鼓作气勇争先，全力推动“十", "plan", (2026, 2026)),
        ("四、一以贯之转作风，努力建设人民", "government", (2026, 2026)),
    ]),
    R(CORPUS, "guangdong-2025.txt", "广东省", "provincial", "全国", 2025, '2025-01-15', '王伟中', "2025年广东省政府工作报告", 12, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年工作安排", "plan", (2025, 2025)),
        ("附件1 2025年省十件民生实事", "plan", (2025, 2025)),
    ]),
    R(CORPUS, "guangdong-2026.txt", "广东省", "provincial", "全国", 2026, '2026-01-26', '孟凡利', "政府工作报告", 24, [
        ("一、2025年和“十四五”时期工", "review", (2025, 2025)),
        ("二、“十五五”时期的主要目标和重", "plan", (2026, 2030)),
        ("三、2026年工作安排", "plan", (2026, 2026)),
        ("附件1 2026年省十件民生实事", "plan", (2026, 2026)),
    ]),
    R(CORPUS, "hubei-2025.txt", "湖北省", "provincial", "全国", 2025, '2025-01-16', '李殿勋', "2025年湖北省政府工作报告", 16, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年工作思路和重点任务", "plan", (2025, 2025)),
        ("三、全面加强政府自身建设", "government", (2025, 2025)),
    ]),
    R(CORPUS, "hubei-2026.txt", "湖北省", "provincial", "全国", 2026, '2026-01-27', '李殿勋', "2026年湖北省政府工作报告", 14, [
        ("一、“十四五”时期和2025年工", "review", (2021, 2025)),
        ("二、“十五五”时期工作的主要考虑", "plan", (2026, 2030)),
        ("三、2026年的重点工作", "plan", (2026, 2026)),
        ("四、努力建设让人民满意的法治型服", "government", (2026, 2026)),
    ]),
    R(CORPUS, "hunan-2025.txt", "湖南省", "provincial", "全国", 2025, '2025-01-14', '毛伟明', "2025年湖南省政府工作报告", 10, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、关于2025年工作", "plan", (2025, 2025)),
        ("三、全面加强政府自身建设", "government", (2025, 2025)),
    ]),
    R(CORPUS, "hunan-2026.txt", "湖南省", "provincial", "全国", 2026, '2026-02-03', '毛伟明', "2026年湖南省政府工作报告", 10, [
        ("一、2025年和“十四五”时期工", "review", (2025, 2025)),
        ("二、“十五五”时期主要目标任务", "plan", (2026, 2030)),
        ("三、关于2026年工作", "plan", (2026, 2026)),
        ("四、全面加强政府自身建设", "government", (2026, 2026)),
    ]),
    R(CORPUS, "jiangsu-2025.txt", "江苏省", "provincial", "全国", 2025, '2025-01-19', '许昆林', "2025年江苏省政府工作报告", 16, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年工作总体要求和目标", "plan", (2025, 2025)),
        ("三、2025年重点工作", "plan", (2025, 2025)),
    ]),
    R(CORPUS, "jiangsu-2026.txt", "江苏省", "provincial", "全国", 2026, '2026-02-03', '刘小涛', "2026年江苏省政府工作报告", 21, [
        ("一、“十四五”时期和2025年工", "review", (2021, 2025)),
        ("二、“十五五”时期工作总体要求和", "plan", (2026, 2030)),
        ("三、2026年重点工作", "plan", (2026, 2026)),
    ]),
    R(CORPUS, "shandong-2025.txt", "山东省", "provincial", "全国", 2025, '2025-01-20', '周乃翔', "2025年山东省政府工作报告", 16, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年工作总体要求和主要", "plan", (2025, 2025)),
        ("三、2025年重点工作", "plan", (2025, 2025)),
    ]),
    R(CORPUS, "shandong-2026.txt", "山东省", "provincial", "全国", 2026, '2026-01-27', '周乃翔', "2026年山东省政府工作报告", 16, [
        ("一、2025年及“十四五”时期工", "review", (2025, 2025)),
        ("二、“十五五”时期经济社会发展目", "plan", (2026, 2030)),
        ("三、2026年重点工作", "plan", (2026, 2026)),
    ]),
    R(CORPUS, "sichuan-2025.txt", "四川省", "provincial", "全国", 2025, '2025-01-20', '施小琳', "2025年四川省政府工作报告", 19, [
        ("2024年工作回顾", "review", (2024, 2024)),
        ("2025年工作安排建议", "plan", (2025, 2025)),
        ("加强政府自身建设", "government", (2025, 2025)),
    ]),
    R(CORPUS, "sichuan-2026.txt", "四川省", "provincial", "全国", 2026, '2026-02-03', '施小琳', "2026年四川省人民政府工作报告", 10, [
        ("一、2025年工作回顾和“十四五", "review", (2025, 2025)),
        ("二、“十五五”发展的主要考虑", "plan", (2026, 2030)),
        ("三、2026年工作安排", "plan", (2026, 2026)),
    ]),
    R(CORPUS, "zhejiang-2025.txt", "浙江省", "provincial", "全国", 2025, '2025-01-14', '刘捷', "2025年浙江省政府工作报告", 22, [
        ("一、2024年工作回顾", "review", (2024, 2024)),
        ("二、2025年目标任务和重点工作", "plan", (2025, 2025)),
    ]),
    R(CORPUS, "zhejiang-2026.txt", "浙江省", "provincial", "全国", 2026, '2026-01-14', '刘捷', "2026年浙江省政府工作报告", 26, [
        ("一、2025年主要工作和“十四五", "review", (2025, 2025)),
        ("二、“十五五”时期的主要目标任务", "plan", (2026, 2030)),
        ("三、2026年重点工作", "plan", (2026, 2026)),
    ]),
]
# fmt: on


def _path(r: R) -> Path:
    return r.folder / r.file


@pytest.mark.parametrize("r", TABLE, ids=[r.file for r in TABLE])
def test_report_metadata(r: R) -> None:
    doc = ingest_file(_path(r))
    assert (doc.region.name, doc.region.level, doc.region.parent) == (r.region, r.level, r.parent)
    assert doc.year == r.year
    assert doc.date == r.date
    assert doc.speaker == r.speaker
    assert doc.title == r.title
    if r.date:
        assert doc.meeting and doc.meeting.startswith(r.region) and doc.meeting.endswith("会议")


@pytest.mark.parametrize("r", TABLE, ids=[r.file for r in TABLE])
def test_report_sections(r: R) -> None:
    doc = ingest_file(_path(r))
    secs = structure(doc)
    parts = [(s.heading, s.role, (s.period.start, s.period.end) if s.period else None) for s in secs if s.level == 1]
    assert [(h[: len(e[0])], role, p) for (h, role, p), e in zip(parts, r.parts, strict=False)] == r.parts
    assert len(parts) == len(r.parts)
    assert sum(1 for s in secs if s.level == 2) == r.subsections
    view = normalize(blank(doc.text, doc.ignored))
    for s in secs:
        # a heading starts a line of the text and reads as written there
        assert s.start == 0 or doc.text[s.start - 1] == "\n"
        # (an attachment's heading joins its 附件 line and its title line)
        assert "".join(view[s.start : s.end].split()).startswith("".join(s.heading.split()))
        assert s.period is not None and s.period.start <= s.period.end
        assert r.year - 10 <= s.period.start and s.period.end <= r.year + 10
        # children lie inside their parent
        if len(s.path) > 1:
            parent = next(p for p in reversed(secs[: secs.index(s)]) if p.heading == s.path[-2])
            assert parent.start < s.start and s.end <= parent.end
    # the review covers the past, the plans the report year or later
    for s in secs:
        assert s.period is not None
        if s.level == 1 and s.role == "review":
            assert s.period.end < r.year
        if s.level == 1 and s.role == "plan":
            assert s.period.start >= r.year


def test_the_table_covers_every_report() -> None:
    names = {p.name for p in REPORTS.glob("*.txt")}
    names |= {p.name for p in CORPUS.glob("*.txt")}
    assert names <= {r.file for r in TABLE}
