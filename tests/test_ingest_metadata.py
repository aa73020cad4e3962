"""Metadata read from a report's opening lines: region (level, parent), year, date,
meeting, speaker and title, in the forms the published reports use."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, REPORTS
from tracker.ingest import read_metadata, resolve_region

# Opening lines as published (national 2024, and the layouts seen in the corpus).
HEADS = [
    (
        "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n国务院总理 李强\n各位代表：\n"
        "现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。\n",
        ("全国", "national", None, 2024, "2024-03-05", "第十四届全国人民代表大会第二次会议", "李强"),
    ),
    (
        "政府工作报告\n——2026年1月26日在广东省第十四届\n人民代表大会第五次会议上\n广东省省长 孟凡利\n各位代表：\n",
        ("广东省", "provincial", "全国", 2026, "2026-01-26", "广东省第十四届人民代表大会第五次会议", "孟凡利"),
    ),
    (
        "2025年湖南省政府工作报告\n来源：湖南日报\n政府工作报告\n"
        "2025年1月14日在湖南省第十四届人民代表大会第三次会议上省长毛伟明作政府工作报告。\n",
        ("湖南省", "provincial", "全国", 2025, "2025-01-14", "湖南省第十四届人民代表大会第三次会议", "毛伟明"),
    ),
    (
        "2025年北京市政府工作报告\n来源：北京日报\n"
        "2025年1月14日在北京市第十六届人民代表大会第三次会议上北京市市长 殷勇同志作政府工作报告。\n",
        ("北京市", "provincial", "全国", 2025, "2025-01-14", "北京市第十六届人民代表大会第三次会议", "殷勇"),
    ),
    (
        "2024年浦东新区政府工作报告\n各位代表:\n现在,我代表浦东新区人民政府,向大会报告政府工作,请予审议。\n",
        ("浦东新区", "district", "上海市", 2024, None, None, None),
    ),
]


@pytest.mark.parametrize(("head", "want"), HEADS)
def test_metadata_from_the_opening_lines(head: str, want: tuple[object, ...]) -> None:
    m = read_metadata(head, "x.txt")
    region = m["region"]
    got = (
        region.name,  # type: ignore[attr-defined]
        region.level,  # type: ignore[attr-defined]
        region.parent,  # type: ignore[attr-defined]
        m.get("year"),
        m.get("date"),
        m.get("meeting"),
        m.get("speaker"),
    )
    assert got == want


def test_opening_lines_are_real() -> None:
    """The provincial and district heads above are cut from the real reports."""
    texts = [(REPORTS / "pudong-2024.txt").read_text("utf-8")]
    for name in ("guangdong-2026.txt", "hunan-2025.txt", "beijing-2025.txt"):
        texts.append((CORPUS / name).read_text("utf-8"))
    squashed = ["".join(t.split()) for t in texts]
    for head, _ in HEADS[1:]:
        first = "".join(head.split("\n")[1].split())
        assert any(first[:20] in t for t in squashed), first


def test_region_levels_and_parents() -> None:
    def r(name: str) -> tuple[str, str, str | None]:
        reg = resolve_region(name)
        assert reg is not None
        return (reg.name, reg.level, reg.parent)

    assert r("浦东新区") == ("浦东新区", "district", "上海市")
    assert r("浦东") == ("浦东新区", "district", "上海市")
    assert r("上海") == ("上海市", "provincial", "全国")
    assert r("深圳市") == ("深圳市", "municipal", "广东省")
    assert r("徐汇区") == ("徐汇区", "district", "上海市")
    assert r("某某县") == ("某某县", "county", None)
    assert resolve_region("不是地名") is None


def test_parent_of_an_unlisted_region_is_read_from_the_text() -> None:
    """Without a lexicon entry, the parent is the province-level region the report names most."""
    from tracker.ingest import _parent_from_text
    from tracker.lexicon import lexicon
    from tracker.models import Region

    text = (REPORTS / "pudong-2024.txt").read_text("utf-8")
    assert _parent_from_text(text, Region(name="某区", level="district"), lexicon()) == "上海市"


def test_a_report_delivered_in_december_is_for_the_next_year() -> None:
    """Some district and county congresses meet in December: the Pudong text, dated 2023-12-28."""
    text = (
        (REPORTS / "pudong-2024.txt")
        .read_text("utf-8")
        .replace(
            "2024年浦东新区政府工作报告", "政府工作报告\n——2023年12月28日在浦东新区第七届人民代表大会第四次会议上", 1
        )
    )
    m = read_metadata(text, "x.txt")
    assert (m["year"], m["date"], m["meeting"]) == (2024, "2023-12-28", "浦东新区第七届人民代表大会第四次会议")
    assert m["region"].name == "浦东新区"  # type: ignore[attr-defined]
