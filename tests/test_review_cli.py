"""The `tracker review` commands through the installed command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPORTS
from tests.databases import BACKENDS, database


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from database(request.param, tmp_path, monkeypatch)


def tracker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True, timeout=300)


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    p = tracker(*args)
    assert p.returncode == 0, p.stderr
    return p


def _line(listing: str, needle: str) -> str:
    return next(line for line in listing.splitlines() if needle in line)


def test_review_session(db_url: str, tmp_path: Path) -> None:
    site = str(tmp_path / "site")
    files = [str(REPORTS / "shanghai-2018.txt"), str(REPORTS / "shanghai-2024.txt")]
    ok("run", *files, "--db", db_url, "--out", site)
    listing = ok("review", "list", "--db", db_url, "--status", "not_comparable").stdout
    patents = _line(listing, "每万人口发明专利拥有量达到50件以上")
    gid = patents.split()[0]
    assert "machine not_comparable" in patents
    out = ok(
        "review", "set", gid, "--verdict", "met", "--note", "50.2 high-value patents", "--by", "alice", "--db", db_url
    )
    assert out.stdout.strip().startswith(f"{gid} “每万人口发明专利拥有量达到50件以上")  # names the goal
    assert "”: verdict not_comparable → met (version 1, by alice" in out.stdout
    # unlink a wrong match, then link it back (the reviewer changed their mind)
    gdp = _line(ok("review", "list", "--db", db_url).stdout, "全市生产总值预期年均增长6.5%左右")
    gdp_id, outcome = gdp.split()[0], gdp.split("← ")[1].split()[0]
    ok("review", "unlink", gdp_id, "--note", "one year is not the five-year average", "--by", "bob", "--db", db_url)
    ok("review", "link", gdp_id, outcome, "--note", "keep it, marked not comparable", "--by", "bob", "--db", db_url)
    hist = ok("review", "history", gdp_id, "--db", db_url).stdout.splitlines()
    assert len(hist) == 2 and "v1" in hist[0] and "unlink" in hist[0] and "bob" in hist[0] and "link" in hist[1]
    # a re-run (nothing new) keeps the override; the scorecard shows it
    ok("run", *files, "--db", db_url, "--out", site)
    after = _line(ok("review", "list", "--db", db_url, "--reviewed").stdout, "每万人口发明专利拥有量达到50件以上")
    assert after.split()[:4] == [gid, "*", "met", "machine"] and "alice" in after
    assert "人工改判 · overridden" in "".join(
        p.read_text("utf-8") for p in (tmp_path / "site" / "report").glob("*.html")
    )
    # the later of two reviewers who saw version 1 gets a one-line error
    p = tracker(
        "review", "set", gid, "--verdict", "missed", "--note", "x", "--by", "carol", "--if-version", "0", "--db", db_url
    )
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "version 1" in p.stderr and "Traceback" not in p.stderr


def test_review_errors_are_one_line(db_url: str, tmp_path: Path) -> None:
    ok("run", str(REPORTS / "shanghai-2018.txt"), "--db", db_url, "--out", str(tmp_path / "site"))
    for args in (
        ("set", "s999999", "--verdict", "met", "--note", "x", "--by", "a"),
        ("link", "nonsense-key", "s1", "--note", "x", "--by", "a"),
        ("history", "s999999"),
    ):
        p = tracker("review", *args, "--db", db_url)
        assert p.returncode == 2 and p.stderr.count("\n") == 1 and "no such statement" in p.stderr, p.stderr


def test_review_list_says_so_when_nothing_matches(db_url: str, tmp_path: Path) -> None:
    ok("run", str(REPORTS / "shanghai-2018.txt"), "--db", db_url, "--out", str(tmp_path / "site"))
    # one report, no later one: nothing can be partly met
    p = ok("review", "list", "--db", db_url, "--status", "partly", "--report", "shanghai-2018.txt")
    assert p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith(
        "no goals match --status partly --report shanghai-2018.txt"
    )


def test_csv_round_trip_on_the_command_line(db_url: str, tmp_path: Path) -> None:
    ok(
        "run",
        str(REPORTS / "shanghai-2018.txt"),
        str(REPORTS / "shanghai-2024.txt"),
        "--db",
        db_url,
        "--out",
        str(tmp_path / "s"),
    )
    sheet = tmp_path / "review.csv"
    ok("review", "export", "--db", db_url, "--status", "no_evidence", "--output", str(sheet))
    rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
    assert rows and {r["status"] for r in rows} == {"no_evidence"}
    rows[0].update(new_verdict="missed", note="统计公报：未达到")
    rows[1].update(new_verdict="met")  # no note: invalid
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    sheet.write_text(buf.getvalue(), "utf-8-sig")
    p = tracker("review", "import", str(sheet), "--by", "team", "--dry-run", "--db", db_url)
    assert (
        p.returncode == 2
        and f"{sheet}:3:" in p.stderr
        and "note is required" in p.stderr
        and "nothing was imported" in p.stderr
    )
    rows[1].update(new_verdict="")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    sheet.write_text(buf.getvalue(), "utf-8-sig")
    dry = ok("review", "import", str(sheet), "--by", "team", "--dry-run", "--db", db_url)
    first = dry.stdout.splitlines()[0]
    assert first.startswith(f"would record {rows[0]['goal_id']} “{rows[0]['goal_quote'][:10]}")
    assert "”: verdict no_evidence → missed" in first
    assert "(dry run)" in dry.stderr
    assert ok("review", "list", "--reviewed", "--db", db_url).stdout == ""
    ok("review", "import", str(sheet), "--by", "team", "--db", db_url)
    listed = ok("review", "list", "--reviewed", "--db", db_url).stdout.splitlines()
    assert len(listed) == 1 and listed[0].split()[:3] == [rows[0]["goal_id"], "*", "missed"]


def test_run_reports_a_review_whose_goal_disappeared(db_url: str, tmp_path: Path) -> None:
    src = REPORTS / "shanghai-2018.txt"
    ok("run", str(src), "--db", db_url, "--out", str(tmp_path / "s"))
    line = _line(ok("review", "list", "--db", db_url).stdout, "森林覆盖率达到18%以上")
    ok("review", "set", line.split()[0], "--verdict", "missed", "--note", "checked", "--by", "alice", "--db", db_url)
    v2 = tmp_path / "v2" / src.name
    v2.parent.mkdir()
    v2.write_text(src.read_text("utf-8").replace("森林覆盖率达到18%以上", "森林覆盖率达到19%以上", 1), "utf-8")
    p = ok("run", str(v2), "--replace", "--db", db_url, "--out", str(tmp_path / "s"))
    assert "warning: review of goal" in p.stderr and "alice" in p.stderr and "no longer extracted" in p.stderr
    assert ok("review", "list", "--reviewed", "--db", db_url).stdout == ""
    orphans = tracker("review", "list", "--orphans", "--db", db_url)
    assert orphans.returncode == 0 and "森林覆盖率" in orphans.stderr
