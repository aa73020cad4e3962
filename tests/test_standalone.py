"""The repository stands on its own: a fresh clone with nothing beside it runs the README's
commands, and what the tool prints does not depend on the terminal's width."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS, ROOT

# what a user who cloned the project alone never has
OUTSIDE = re.compile(r"\.\./shared|/work/shared|\bshared/(corpus|gold|spec|tools|reports)\b")
CHECKED = ["README.md", "pyproject.toml", ".ci/run", "docs", "tracker", "tests", "bench", "reports", "templates"]


def _files() -> list[Path]:
    out: list[Path] = []
    for name in CHECKED:
        p = ROOT / name
        out.extend(f for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file() and f.suffix != ".txt")
    return [f for f in out if "__pycache__" not in f.parts and f.suffix not in (".pyc", ".json")]


def test_nothing_reads_outside_the_repository() -> None:
    here = Path(__file__).resolve()
    offenders = [
        f"{f.relative_to(ROOT)}:{n}: {line.strip()}"
        for f in _files()
        if f.resolve() != here
        for n, line in enumerate(f.read_text("utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "\n".join(offenders)


def test_readme_links_resolve_inside_the_repository() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    links = [t for t in re.findall(r"\]\(([^)#]+)", text) if "://" not in t]
    assert "docs/export.md" in links
    for target in links:
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT.resolve()), target
        assert path.exists(), target


def test_the_development_reports_are_bundled() -> None:
    regions = {p.stem.rsplit("-", 1)[0] for p in CORPUS.glob("*.txt")}
    assert len(regions) == 10
    for r in regions:
        assert (CORPUS / f"{r}-2025.txt").is_file() and (CORPUS / f"{r}-2026.txt").is_file()
    assert (ROOT / "docs" / "export.md").read_text("utf-8").startswith("# The export contract")


def _tracker(*args: str, columns: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, timeout=300, env=env
    )


@pytest.mark.parametrize("columns", [None, "40"], ids=["COLUMNS unset", "COLUMNS=40"])
def test_messages_are_one_line_whatever_the_width(tmp_path: Path, columns: str | None) -> None:
    folder = tmp_path / ("a-rather-long-folder-name-" * 4)
    folder.mkdir()
    bad = folder / "not-a-report-at-all.txt"
    bad.write_text("这不是政府工作报告。" * 3, "utf-8")
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    p = _tracker("run", str(bad), "--db", db, "--out", str(tmp_path / "site"), columns=columns)
    assert p.returncode != 0
    errors = [ln for ln in p.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, p.stderr
    assert str(bad) in errors[0] or bad.name in errors[0]
    assert not [ln for ln in p.stderr.splitlines() if ln.startswith(" ")], p.stderr  # no continuation lines


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The quick-start demo: `tracker run reports/` on everything bundled, with COLUMNS=40."""
    tmp = tmp_path_factory.mktemp("demo")
    p = _tracker(
        "run", str(REPORTS), "--db", f"sqlite:///{tmp / 'db.sqlite'}", "--out", str(tmp / "site"), columns="40"
    )
    return p, tmp / "site"


def test_the_quick_start_demo_reads_every_bundled_report(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    p, site = demo
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str((site / "index.html").resolve())
    summary = [ln for ln in p.stderr.splitlines() if "report(s) added" in ln]
    assert len(summary) == 1  # the summary line is never wrapped
    assert re.match(
        r"23 report\(s\) added, 0 unchanged, 0 failed; \d+ statements extracted; \d+ matches\.$", summary[0]
    )


def test_the_index_says_where_to_start(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = demo
    html = (site / "index.html").read_text("utf-8")
    start = html[html.index('class="start-here"') : html.index("</section>")]
    hrefs = re.findall(r'href="\./(report/\d+\.html)"', start)
    assert len(hrefs) == 3
    for href in hrefs:
        page = (site / href).read_text("utf-8")
        assert "达成" in page or "未达成" in page  # a scorecard with judged goals, not an empty one
    for province in ("浙江省", "四川省", "湖北省", "北京市", "广东省"):
        assert province in html
