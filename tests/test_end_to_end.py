"""The main job on the bundled reports, through the installed command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPORTS, SAMPLE


def tracker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict]:
    tmp = tmp_path_factory.mktemp("e2e")
    db = f"sqlite:///{tmp / 'db.sqlite'}"
    p = tracker("run", *map(str, SAMPLE), "--db", db, "--out", str(tmp / "site"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str((tmp / "site" / "index.html").resolve())
    p = tracker("export", "--db", db, "--format", "json", "--output", str(tmp / "export.json"))
    assert p.returncode == 0, p.stderr
    return tmp, db, json.loads((tmp / "export.json").read_text("utf-8"))


def _doc(export: dict, source: str) -> str:
    return next(d["id"] for d in export["documents"] if d["source"] == source)


def test_rd_goal_met_by_the_2024_report(built: tuple[Path, str, dict]) -> None:
    _, _, ex = built
    assert ex["schema"] == "tracker.export/1"
    by_id = {s["id"]: s for s in ex["statements"]}
    sh18 = _doc(ex, "shanghai-2018.txt")
    sh24 = _doc(ex, "shanghai-2024.txt")
    goal = next(
        s
        for s in ex["statements"]
        if s["document"] == sh18
        and s["kind"] == "goal"
        and s["indicator"]["id"] == "rd_intensity"
        and s["period"] == {"start": 2018, "end": 2022}
    )
    assert goal["value"] == 4 and goal["comparator"] == ">=" and goal["unit"] == "%"
    m = next(m for m in ex["matches"] if m["goal"] == goal["id"])
    out = by_id[m["outcome"]]
    assert m["verdict"] == "met"
    assert "evidence_after_deadline" in m["flags"]
    assert out["document"] == sh24 and out["value"] == 4.4 and out["period"] == {"start": 2023, "end": 2023}
    assert "4.4%左右" in out["quote"]


def test_spans_point_into_the_source(built: tuple[Path, str, dict]) -> None:
    _, _, ex = built
    texts = {d["id"]: (REPORTS / d["source"]).read_text("utf-8") for d in ex["documents"]}
    for s in ex["statements"] + ex["figureless_goals"]:
        assert texts[s["document"]][s["span"]["start"] : s["span"]["end"]] == s["quote"]


def test_district_figures_never_evidence_the_city(built: tuple[Path, str, dict]) -> None:
    _, _, ex = built
    region = {d["id"]: d["region"] for d in ex["documents"]}
    by_id = {s["id"]: s for s in ex["statements"] + ex["figureless_goals"]}
    for m in ex["matches"]:
        assert region[by_id[m["goal"]]["document"]] == region[by_id[m["outcome"]]["document"]]
    pudong = _doc(ex, "pudong-2024.txt")
    assert all(
        by_id[m["outcome"]]["document"] != pudong for m in ex["matches"] if by_id[m["goal"]]["document"] != pudong
    )


def test_scorecard_shows_the_rd_goal_met_with_its_evidence(built: tuple[Path, str, dict]) -> None:
    tmp, _, ex = built
    sh18 = _doc(ex, "shanghai-2018.txt")[1:]
    html = (tmp / "site" / "report" / f"{sh18}.html").read_text("utf-8")
    row = html[html.index("全社会研发经费支出相当于全市生产总值的比例达到4%以上") :]
    row = row[: row.index("</tr>")]
    assert "全社会研发经费支出相当于全市生产总值的比例达到4.4%左右" in row
    assert 'class="badge met"' in row
    assert "浦东" not in html


def test_rerun_adds_nothing(built: tuple[Path, str, dict]) -> None:
    tmp, db, ex = built
    p = tracker("run", *map(str, SAMPLE), "--db", db, "--out", str(tmp / "site"))
    assert p.returncode == 0, p.stderr
    assert "already in the database" in p.stderr
    p = tracker("export", "--db", db, "--format", "json", "--output", str(tmp / "again.json"))
    again = json.loads((tmp / "again.json").read_text("utf-8"))
    assert len(again["statements"]) == len(ex["statements"])
    assert len(again["documents"]) == 3
    assert [s["key"] for s in again["statements"]] == [s["key"] for s in ex["statements"]]


def test_csv_export_has_a_bom_and_one_row_per_goal(built: tuple[Path, str, dict]) -> None:
    tmp, db, ex = built
    p = tracker("export", "--db", db, "--format", "csv", "--output", str(tmp / "goals.csv"))
    assert p.returncode == 0, p.stderr
    raw = (tmp / "goals.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert len(lines) - 1 == sum(1 for s in ex["statements"] + ex["figureless_goals"] if s["kind"] == "goal")


def test_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    p = tracker("run", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(tmp_path / "site"))
    assert p.returncode == 2
    assert "empty.txt: the file is empty" in p.stderr
    assert "Traceback" not in p.stderr
    p = tracker("run", str(tmp_path / "missing"), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert p.returncode == 2 and "no such file or folder" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("cmd", [[], ["run"], ["export"], ["inspect"], ["indicators"], ["render"], ["match"]])
def test_every_command_has_help(cmd: list[str]) -> None:
    p = tracker(*cmd, "--help")
    assert p.returncode == 0 and "Usage:" in p.stdout


def test_goals_without_a_figure_are_exported_apart(built: tuple[Path, str, dict]) -> None:
    _, _, ex = built
    assert all(s["value"] is not None or s["kind"] == "outcome" for s in ex["statements"])
    rel = [s for s in ex["figureless_goals"] if s["rule"] == "relational"]
    assert rel and all(s["value"] is None and s["comparator"] == "none" and s["relation"] for s in rel)
    status = {g["goal"]: g["status"] for g in ex["goal_status"]}
    assert all(s["id"] in status for s in ex["figureless_goals"])
