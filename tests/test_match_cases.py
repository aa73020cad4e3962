"""Real goal/outcome pairs from the reports, judged by the matcher alone.

Each case in ``tests/cases/matching/*.yaml`` quotes a goal sentence and the outcome
sentence(s) of a later report, with the Statement fields a correct reading gives; the
test builds the Statement objects directly (so it exercises ``tracker.match`` only),
checks that every quote is really in its source, and compares verdict, margin, flags
and status with what a careful auditor expects. See ``tests/cases/matching/README.md``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.lexicon import Tolerances, lexicon
from tracker.match import Judge
from tracker.models import IndicatorRef, Period, Span, Statement

from .conftest import CORPUS, REPORTS, ROOT

FOLDERS = [REPORTS, CORPUS]

CASES_DIR = ROOT / "tests" / "cases" / "matching"
SOURCES: dict[str, str] = yaml.safe_load((CASES_DIR / "sources.yaml").read_text(encoding="utf-8"))


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        if path.name == "sources.yaml":
            continue
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}:{case['id']}"))
    return params


CASES = load_cases()


@cache
def source_text(name: str) -> str:
    for folder in FOLDERS:
        path = Path(folder) / name
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def indicator(name: str) -> IndicatorRef:
    ind = lexicon().indicators.by_id(name)
    if ind is not None:
        return IndicatorRef(id=ind.id, name=ind.zh, key=ind.id)
    return IndicatorRef(id=None, name=name, key=name)


def period(p: int | list[int]) -> Period:
    if isinstance(p, int):
        return Period(start=p, end=p)
    return Period(start=p[0], end=p[1])


def dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def statement(kind: str, d: dict[str, Any], n: int) -> Statement:
    src = d["source"]
    if d.get("constructed"):
        # a rule the corpus has no pair for: the sentence is written in the reports' style
        start = 0
    else:
        start = source_text(src).find(d["quote"])
        assert start >= 0, f"{src}: quote not found: {d['quote']}"
    year = int(re.search(r"(\d{4})", src).group(1))  # type: ignore[union-attr]
    return Statement(
        key=f"{kind}{n}:{src}:{start}",
        kind=kind,  # type: ignore[arg-type]
        indicator=indicator(d["indicator"]),
        quote=d["quote"],
        span=Span(start=start, end=start + len(d["quote"])),
        value=dec(d.get("value")),
        value_high=dec(d.get("value_high")),
        stretch=dec(d.get("stretch")),
        unit=d.get("unit"),
        comparator=d.get("comparator", "none" if d.get("value") is None else "="),
        measure=d.get("measure", "level"),
        period=period(d["period"]),
        relation=d.get("relation"),
        rule=d.get("rule", "case"),
        region=d["region"] if "region" in d else SOURCES[src],
        report_year=d.get("report_year", year),
    )


def test_enough_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    goal = statement("goal", case["goal"], 0)
    outs = [statement("outcome", o, i + 1) for i, o in enumerate(case.get("outcomes", []))]
    # statements that are on hand but must not be taken as evidence (a later report's own targets ...)
    others = [statement(o["kind"], o, 100 + i) for i, o in enumerate(case.get("others", []))]
    tol = None
    if "tolerances" in case:
        base = lexicon().tolerances.model_dump(exclude_none=True)
        tol = Tolerances.model_validate({**base, **case["tolerances"]})
    matches, statuses = Judge(tolerances=tol).run([goal, *outs, *others])
    exp = case["expect"]
    status = statuses[0]
    assert status.goal == goal.key
    assert status.status == exp["status"], status.reason_en
    if exp.get("verdict") is None:
        mine = [m for m in matches if m.goal == goal.key]
        assert mine == [], mine[0].reason_en if mine else ""
        return
    (m,) = [m for m in matches if m.goal == goal.key]
    assert m.verdict == exp["verdict"], m.reason_en
    assert m.outcome == outs[exp.get("outcome", 0)].key, m.reason_en
    assert sorted(m.flags) == sorted(exp.get("flags", [])), m.reason_en
    if "margin" in exp:
        assert m.margin == dec(exp["margin"]), m.reason_en
    # every verdict carries its reason in both languages
    assert m.reason_zh and m.reason_en
    for word in exp.get("reason_has", []):
        assert word in m.reason_zh + m.reason_en, m.reason_zh + " / " + m.reason_en
