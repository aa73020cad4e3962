"""The built site in a real headless Chromium, opened from disk (file://) with the network off.

Needs Debian's chromium package (``apt-get install -y chromium``; ``.ci/system-deps``
installs it in CI) and the playwright Python package from the dev extra. The browser
is never downloaded: playwright drives the system chromium through
``executable_path`` (set TRACKER_CHROMIUM to use another binary). Without a browser
these tests skip and say how to install one; set TRACKER_REQUIRE_BROWSER=1 to make
that a failure instead. A screenshot and a print PDF of the scorecard are written to
test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLE
from tests.test_site import RD_EVIDENCE, RD_GOAL, build, injected_report

ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL = (
    "install a browser to run them: apt-get update && apt-get install -y chromium "
    "(or set TRACKER_CHROMIUM=/path/to/chromium); never run `playwright install`"
)


def _skip(why: str) -> None:
    if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{why}; {INSTALL}")
    pytest.skip(f"{why}; {INSTALL}")


def chromium_path() -> str | None:
    env = os.environ.get("TRACKER_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("browser tests skipped: the playwright package is missing (pip install -e '.[dev]')")
    exe = chromium_path()
    if exe is None:
        _skip("browser tests skipped: no Chromium found")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=ARGS, timeout=60000)
        except Exception as exc:  # a broken install: say so, in one line
            _skip(f"browser tests skipped: {exe} does not start ({str(exc).splitlines()[0]})")
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:

    _, folder = build(SAMPLE, tmp_path_factory.mktemp("browser"))
    return folder


class Watch:
    """A page in an offline context that records console errors, page errors, dialogs and any non-file request."""

    def __init__(self, browser: Any, *, js: bool = True) -> None:
        self.context = browser.new_context(
            offline=True, java_script_enabled=js, viewport={"width": 1280, "height": 900}
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "request", lambda r: None if r.url.startswith(("file://", "data:")) else self.requests.append(r.url)
        )
        self.page.on("dialog", self._dialog)

    def _dialog(self, d: Any) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        return self.page

    def check(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.requests == [], f"network requests from a static site: {self.requests}"
        assert self.dialogs == [], f"dialogs: {self.dialogs}"
        self.context.close()


def scorecard(site: Path, source: str) -> Path:
    for p in sorted((site / "report").glob("*.html")):
        if f"{source} ·" in p.read_text("utf-8"):
            return p
    raise AssertionError(f"no scorecard for {source}")


def visible_rows(page: Any) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        "#goals tbody tr.row",
        "rows => rows.filter(r => r.offsetParent !== null)"
        ".map(r => ({status: r.dataset.status, region: r.dataset.region, text: r.textContent}))",
    )


def test_the_rd_goal_shows_met_with_its_evidence(browser: Any, site: Path) -> None:
    w = Watch(browser)
    page = w.open(scorecard(site, "shanghai-2018.txt"))
    row = page.locator("tr.row", has_text=RD_GOAL)
    assert row.count() == 1
    badge = row.locator("td.c-verdict .badge").first
    assert badge.is_visible()
    assert badge.inner_text() == "达成（据期后数据） · met on later data"  # 2018–2022 goal, 2023 result
    colour = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    evidence = row.locator("td.c-evidence")
    assert RD_EVIDENCE in evidence.inner_text()
    assert "2024年政府工作报告" in evidence.inner_text() and "shanghai-2024.txt" in evidence.inner_text()
    assert "+0.4个百分点" in row.locator("td.c-margin").inner_text()
    w.check()


def test_an_evidence_link_lands_on_the_highlighted_sentence(browser: Any, site: Path) -> None:
    w = Watch(browser)
    page = w.open(scorecard(site, "shanghai-2018.txt"))
    page.locator("tr.row", has_text=RD_GOAL).locator("a.evidence").click()
    page.wait_for_url("**/source/*.html#s*")
    target = page.locator(":target")
    assert target.count() == 1
    assert target.evaluate("e => e.tagName") == "MARK"
    assert RD_EVIDENCE in target.inner_text()
    style = target.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).backgroundColor]")
    assert style[0] != "none" and style[1] == "rgb(255, 213, 79)"  # mark:target in _style.css
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900 - box["height"]  # scrolled into view
    assert page.locator("h1").inner_text().startswith("上海市 2024年政府工作报告")
    w.check()


def test_filters_and_search_work_from_the_keyboard(browser: Any, site: Path) -> None:
    w = Watch(browser)
    page = w.open(scorecard(site, "shanghai-2018.txt"))
    total = len(visible_rows(page))
    assert total > 10
    # the status select is reachable with Tab
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "status":
            break
    else:
        pytest.fail("the status filter cannot be reached with the Tab key")
    page.select_option("select[name=status]", "met")
    rows = visible_rows(page)
    assert 1 <= len(rows) < total and {r["status"] for r in rows} == {"met"}
    assert any(RD_GOAL in r["text"] for r in rows)
    assert f"显示 {len(rows)} / {total}" in page.locator("form.filters output").inner_text()
    page.locator("form.filters button[type=reset]").click()
    page.wait_for_function(f"document.querySelectorAll('#goals tbody tr.row:not([hidden])').length === {total}")
    page.focus("input[name=q]")
    page.keyboard.type("研发")
    rows = visible_rows(page)
    assert 1 <= len(rows) < total and all("研发" in r["text"] for r in rows)
    # every group heading left is above a visible row
    empty = page.eval_on_selector_all(
        "#goals tbody",
        "bs => bs.filter(b => b.offsetParent !== null && !b.querySelector('tr.row:not([hidden])')).length",
    )
    assert empty == 0
    w.check()


def test_region_filter_and_a_link_with_a_preset_filter(browser: Any, site: Path) -> None:
    w = Watch(browser)
    page = w.open(site / "goals.html")
    total = len(visible_rows(page))
    page.select_option("select[name=region]", "浦东新区")
    rows = visible_rows(page)
    assert 1 <= len(rows) < total and {r["region"] for r in rows} == {"浦东新区"}
    page.goto((site / "goals.html").resolve().as_uri() + "?status=met")
    rows = visible_rows(page)
    assert rows and {r["status"] for r in rows} == {"met"}
    w.check()


def test_without_javascript_every_row_reads(browser: Any, site: Path) -> None:
    w = Watch(browser, js=False)
    page = w.open(scorecard(site, "shanghai-2018.txt"))
    assert not page.locator("form.filters").is_visible()
    n = page.locator("#goals tbody tr.row").count()
    assert n > 10 and len(visible_rows(page)) == n
    assert page.locator("tr.row", has_text=RD_GOAL).locator(".badge.met").is_visible()
    w.check()


def test_every_kind_of_page_opens_offline_without_console_errors(browser: Any, site: Path) -> None:
    w = Watch(browser)
    kinds = [
        site / "index.html",
        site / "goals.html",
        site / "methods.html",
        *sorted((site / "report").glob("*.html")),
        *sorted((site / "source").glob("*.html")),
        *sorted((site / "indicator").glob("*.html"))[:5],
    ]
    for path in kinds:
        page = w.open(path)
        assert page.title().endswith("· tracker"), path
    # the index links every report; the chart of an indicator is an inline SVG
    page = w.open(site / "index.html")
    assert page.locator("#reports tbody tr.row:not(.aux)").count() == 3
    page.locator("a", has_text="上海市 2018年政府工作报告").first.click()
    assert page.locator("h1").inner_text() == "上海市 2018年政府工作报告"
    page.locator("tr.row", has_text=RD_GOAL).locator(".c-goal .meta a").click()
    assert page.locator("figure.chart svg circle").count() >= 1
    assert page.locator("figure.chart svg .mk.target.met").count() == 1
    w.check()


def test_scorecard_screenshot_and_print(browser: Any, site: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    w = Watch(browser)
    page = w.open(scorecard(site, "shanghai-2018.txt"))
    shot = ARTIFACTS / "scorecard-shanghai-2018.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    page.screenshot(path=str(ARTIFACTS / "scorecard-shanghai-2018-top.png"))  # the first screen, readable at a glance
    page.select_option("select[name=status]", "met")  # a filtered view still prints every goal
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator("header.site").is_visible()
    assert page.locator(".print-only.appendix").is_visible()
    n = page.locator("#goals tbody tr.row").count()
    assert len(visible_rows(page)) == n
    pdf = ARTIFACTS / "scorecard-shanghai-2018.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    w.check()


def test_an_injected_report_runs_no_script_in_the_browser(browser: Any, tmp_path: Path) -> None:
    _, folder = build([injected_report(tmp_path / "reports")], tmp_path)
    w = Watch(browser)
    for path in [*sorted((folder / "report").glob("*.html")), *sorted((folder / "source").glob("*.html"))]:
        page = w.open(path)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("img").count() == 0
    page = w.open(scorecard(folder, "shanghai-2018.txt"))
    assert page.locator("td.c-goal", has_text="</script>").count() >= 1  # shown as text
    w.check()


def test_every_evidence_link_lands_on_a_highlighted_sentence(browser: Any, site: Path) -> None:
    """Also when several statements share one highlight (the link then targets an anchor inside the mark)."""
    w = Watch(browser)
    page = w.open(scorecard(site, "shanghai-2018.txt"))
    links = page.eval_on_selector_all("#goals a.evidence", "as => as.map(a => ({href: a.href, quote: a.textContent}))")
    assert len(links) >= 2
    inner = 0
    for link in links:
        page.goto(link["href"])
        hit = page.locator("mark:target, mark:has(> .anchor:target)")
        assert hit.count() == 1, link
        assert link["quote"] in hit.inner_text()
        assert hit.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
        inner += page.locator(".anchor:target").count()
    w.check()
    assert inner >= 1  # the GDP growth shares its highlight with the GDP level in the 2024 report
