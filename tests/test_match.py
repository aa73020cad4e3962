"""The matcher's rules outside single cases: the tolerance file, scale, and the pipeline contract."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.errors import TrackerError
from tracker.lexicon import lexicon, load_tolerances
from tracker.match import Judge, alike, judge, measure_sign
from tracker.models import IndicatorRef, Period, Span, Statement


def st(kind: str, key: str, region: str, year: int, value: str, period: tuple[int, int], **kw: object) -> Statement:
    ind = kw.pop("indicator", "gdp")
    ref = IndicatorRef(id=str(ind), name=str(ind), key=str(ind))
    return Statement(
        key=key,
        kind=kind,  # type: ignore[arg-type]
        indicator=ref,
        quote="地区生产总值增长" + value + "%",
        span=Span(start=0, end=1),
        value=Decimal(value),
        unit="%",
        comparator=kw.pop("comparator", "~"),  # type: ignore[arg-type]
        measure=str(kw.pop("measure", "growth")),
        period=Period(start=period[0], end=period[1]),
        rule="test",
        region=region,
        report_year=year,
    )


def test_tolerance_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    cfg = tmp_path / "tol.yaml"
    cfg.write_text('indicators:\n  gdp: {absolute: "0.5"}\n', encoding="utf-8")
    tol = load_tolerances(cfg)
    assert tol.for_("gdp", "%").of(Decimal(6)) == Decimal("0.5")
    # the bundled entries it does not name stay
    assert tol.for_(None, "%").of(Decimal(6)) == lexicon().tolerances.for_(None, "%").of(Decimal(6))
    assert tol.for_("cpi", "%") == lexicon().tolerances.for_("cpi", "%")
    # and the verdict follows: 5.5% against 6%左右 is met with a 0.5-point tolerance, missed by default
    goal = st("goal", "g", "湖北省", 2025, "6", (2025, 2025))
    out = st("outcome", "o", "湖北省", 2026, "5.5", (2025, 2025), comparator="=")
    assert judge([goal, out], tolerances=tol)[0][0].verdict == "met"
    assert judge([goal, out])[0][0].verdict == "missed"


def test_tolerance_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('units:\n  "%": {absolute: "0.2", relative: "0.1"}\n', encoding="utf-8")
    with pytest.raises(TrackerError, match=r"bad\.yaml"):
        load_tolerances(bad)
    with pytest.raises(TrackerError, match=r"missing\.yaml"):
        load_tolerances(tmp_path / "missing.yaml")


def test_measures_growth_and_fall_are_one_figure_with_the_sign_turned() -> None:
    assert measure_sign("growth", "decline") == -1
    assert measure_sign("decline", "decline") == 1
    assert measure_sign("avg_growth", "growth") is None
    assert measure_sign("increase", "level") is None
    assert measure_sign("level", "share") == 1


def test_key_only_indicators_need_alike_sentences() -> None:
    assert alike("城中村10万户", "城中村5.1万户") == 1.0
    assert alike("推动5500家企业“小升规”", "推动1万家工业企业技术改造和数字化转型") < 0.6


def test_scale_is_not_quadratic() -> None:
    # 300 regions x 2 reports x 30 indicators: 18,000 statements
    sts = []
    for r in range(300):
        for i in range(30):
            ind = f"ind{i}"
            sts.append(st("goal", f"g{r}-{i}", f"r{r}", 2025, "5", (2025, 2025), indicator=ind))
            sts.append(st("outcome", f"o{r}-{i}", f"r{r}", 2026, "5.2", (2025, 2025), indicator=ind, comparator="="))
    t = time.perf_counter()
    matches, statuses = Judge().run(sts)
    assert time.perf_counter() - t < 10
    assert len(matches) == 9000 and {s.status for s in statuses} == {"met"}


def test_interim_evidence_keeps_the_goal_pending() -> None:
    goal = st("goal", "g", "上海市", 2018, "6.5", (2018, 2022), measure="avg_growth")
    out = st("outcome", "o", "上海市", 2021, "6.6", (2018, 2020), measure="avg_growth", comparator="=")
    (m,), (s,) = judge([goal, out])
    assert m.verdict == "met" and "interim" in m.flags
    assert s.status == "pending"
    assert "on track" in m.reason_en and "进度符合" in m.reason_zh


def test_invariants_on_the_whole_corpus() -> None:
    """Whatever the extractor finds, a verdict never crosses regions or uses earlier evidence."""
    from tracker.extract import extract
    from tracker.ingest import ingest_file
    from tracker.structure import structure

    from .conftest import CORPUS

    sts: list[Statement] = []
    for path in sorted(CORPUS.glob("*.txt")):
        doc = ingest_file(path)
        sts.extend(extract(doc, structure(doc)))
    by_key = {s.key: s for s in sts}
    matches, statuses = judge(sts)
    assert matches
    for m in matches:
        g, o = by_key[m.goal], by_key[m.outcome]
        assert g.region == o.region
        assert o.report_year > g.report_year
        assert o.period.end >= g.period.start
        assert m.reason_zh and m.reason_en
        if m.verdict in ("met", "missed", "partly"):
            assert m.margin is not None
    goals = [s for s in sts if s.kind == "goal"]
    assert len(statuses) == len(goals)
    latest = max(s.report_year for s in sts)
    for s, gs in zip(goals, statuses, strict=True):
        if s.report_year == latest and s.period.end >= latest:
            assert gs.status in ("pending", "needs_review")
