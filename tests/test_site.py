"""The static site: page contexts from the bundled reports, a self-contained output, and no way for a report to inject HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import Engine

from tests.conftest import REPORTS, SAMPLE
from tracker.db import open_db
from tracker.paths import templates_dir
from tracker.pipeline import ingest_paths, match_all
from tracker.site import Site, build_site, render_site

RD_GOAL = "全社会研发经费支出相当于全市生产总值的比例达到4%以上"
RD_EVIDENCE = "全社会研发经费支出相当于全市生产总值的比例达到4.4%左右"
ASSETS = {
    "tracker.css": templates_dir() / "_partials" / "_style.css",
    "tracker.js": templates_dir() / "_partials" / "_filter.js",
}


def build(reports: list[Path], tmp: Path) -> tuple[Engine, Path]:
    engine = open_db(f"sqlite:///{tmp / 'db.sqlite'}")
    res = ingest_paths(engine, reports)
    assert not res.failed, res.failed
    match_all(engine)
    index = render_site(engine, tmp / "site")
    return engine, index.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    engine, site = build(SAMPLE, tmp_path_factory.mktemp("site"))
    return build_site(engine), site


class Page(HTMLParser):
    """Every tag with its attributes, the ids, the text of each <script>, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def pages(site: Path) -> dict[Path, Page]:
    return {p: Page(p.read_text("utf-8")) for p in sorted(site.rglob("*.html"))}


# ---------------------------------------------------------------------------- contexts


def test_the_rd_goal_row_shows_met_with_the_2024_sentence(sample: tuple[Site, Path]) -> None:
    ctx, _ = sample
    card = next(c for c in ctx.scorecards if c.source == "shanghai-2018.txt")
    rows = [g for grp in card.groups for g in grp.goals if g.quote == RD_GOAL]
    assert len(rows) == 1
    row = rows[0]
    # a 2018–2022 goal judged by a 2023 result: the badge says so (issue 15), the status stays met
    assert (row.status, row.status_zh, row.status_en) == ("met", "达成（据期后数据）", "met on later data")
    assert row.evidence is not None
    assert RD_EVIDENCE in row.evidence.quote
    assert row.evidence.report == "shanghai-2024.txt" and row.evidence.report_year == 2024
    assert row.evidence.period == "2023" and row.evidence.value == "4.4%"
    assert row.target_zh == "不低于4%" and row.target_en == "≥ 4%"
    assert (row.margin_zh, row.margin_en) == ("+0.4个百分点", "+0.4 pp")
    assert "2023年4.4%，达到" in row.reason_zh and "4.4% in 2023 meets" in row.reason_en
    assert [f.en for f in row.flags] == []  # said on the badge, not in a small flag
    assert row.indicator_href is not None
    # the summary band counts what the rows say
    statuses = [g.status for grp in card.groups for g in grp.goals]
    assert card.summary.goals == len(statuses)
    assert {c.status: c.n for c in card.summary.counts} == {s: statuses.count(s) for s in set(statuses)}
    assert card.summary.met == statuses.count("met")


def test_goals_are_grouped_by_the_sections_of_the_report(sample: tuple[Site, Path]) -> None:
    ctx, _ = sample
    card = next(c for c in ctx.scorecards if c.source == "shanghai-2018.txt")
    headings = [g.heading for g in card.groups]
    assert len(headings) == len(set(headings)) >= 2
    for grp in card.groups:
        assert all(g.section == grp.heading for g in grp.goals)
    rd = next(grp for grp in card.groups if any(g.quote == RD_GOAL for g in grp.goals))
    assert "今后五年" in rd.heading


def test_source_segments_rebuild_the_text_and_anchor_every_statement(sample: tuple[Site, Path]) -> None:
    ctx, _ = sample
    for src in ctx.sources:
        text = (REPORTS / src.source).read_text("utf-8")
        assert "".join(s.text for s in src.segments) == text
        assert all(text[s.start : s.end] == s.text for s in src.segments)
        ids = [i for s in src.segments for i in s.ids]
        assert len(ids) == len(set(ids)) == src.goals + src.outcomes
    sh24 = next(s for s in ctx.sources if s.source == "shanghai-2024.txt")
    adverts = [s.text for s in sh24.segments if s.kind == "furniture"]
    assert adverts and all(a.startswith("更多数据尽在") for a in adverts)  # the advert lines, shown but greyed


def test_an_indicator_page_charts_targets_and_outcomes(sample: tuple[Site, Path]) -> None:
    ctx, _ = sample
    rd = next(p for p in ctx.indicators if p.region == "上海市" and p.indicator_id == "rd_intensity")
    marks = [m for c in rd.charts for m in c.marks]
    kinds = [(m.kind, m.css) for m in marks]
    assert ("target", "met") in kinds and ("outcome", "outcome") in kinds
    five_year = next(m for m in marks if m.kind == "target" and m.css == "met")
    # 2018–2022 is one figure: drawn at its end year with its years beside it, not as a flat line (issue 15)
    assert five_year.x2 == five_year.x and five_year.period == "2018–2022" and five_year.value == "目标 不低于4%"
    out_2023 = next(m for m in marks if m.kind == "outcome" and "2023" in m.label)
    assert out_2023.y < five_year.y  # 4.4 sits above the 4% line (SVG y grows downwards)
    chart = rd.charts[0]
    assert all(chart.left <= m.x <= chart.right and chart.top <= m.y <= chart.bottom for m in marks)
    assert {r.quote for r in rd.rows} >= {RD_GOAL, RD_EVIDENCE}


def test_the_index_lists_every_region_and_report(sample: tuple[Site, Path]) -> None:
    ctx, _ = sample
    names = {r.name: [x.source for x in r.reports] for r in ctx.index.regions}
    assert names == {"上海市": ["shanghai-2018.txt", "shanghai-2024.txt"], "浦东新区": ["pudong-2024.txt"]}
    assert ctx.index.summary.goals == sum(x.summary.goals for r in ctx.index.regions for x in r.reports)
    assert [d.href for d in ctx.index.downloads] == ["export.json", "goals.csv"]
    assert {o.value for o in ctx.goals.filters.regions} == {"上海市", "浦东新区"}


def test_methods_show_the_tolerances_and_period_words(sample: tuple[Site, Path]) -> None:
    ctx, site = sample
    m = ctx.methods
    assert {(t.scope_en, t.value) for t in m.tolerances} >= {("unit %", "±0.2"), ("default", "2% of the target")}
    assert any(p.text == "过去五年" and "5" in p.en for p in m.periods)
    html = (site / "methods.html").read_text("utf-8")
    assert "±0.2" in html and "十四五" in html and "2021–2025" in html


# ---------------------------------------------------------------------------- the written site


def test_the_site_is_self_contained_and_every_link_lands(sample: tuple[Site, Path]) -> None:
    _, site = sample
    parsed = pages(site)
    assert {p.relative_to(site).parts[0] for p in parsed} >= {"index.html", "report", "source", "indicator"}
    for path, page in parsed.items():
        for _tag, attrs in page.tags:
            for name in ("href", "src"):
                url = attrs.get(name)
                if url is None:
                    continue
                parts = urlsplit(url)
                assert not parts.scheme and not parts.netloc, f"{path.name}: external {name}={url}"
                target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
                assert target.is_file(), f"{path.relative_to(site)}: broken link {url}"
                if parts.fragment and target.suffix == ".html":
                    assert parts.fragment in parsed[target].ids, f"{path.relative_to(site)}: no #{parts.fragment}"
        assert_only_our_assets(path, page, site)
    assert (site / "export.json").is_file() and (site / "goals.csv").is_file()
    for name, original in ASSETS.items():
        assert (site / "assets" / name).read_bytes() == original.read_bytes()


def assert_only_our_assets(path: Path, page: Page, site: Path) -> None:
    """The page loads the site's one stylesheet and one script, both copied into the site, and runs nothing else."""
    scripts = [a for t, a in page.tags if t == "script"]
    links = [a for t, a in page.tags if t == "link"]
    assert page.scripts == [""] and len(scripts) == 1, f"{path.name}: a script other than the site's own"
    for attrs, name in ((scripts[0], "src"), (links[0] if len(links) == 1 else {}, "href")):
        url = attrs.get(name)
        assert url is not None, f"{path.name}: expected one <link> and one <script src>"
        assert (path.parent / url).resolve().parent == (site / "assets").resolve(), f"{path.name}: {url}"


def test_the_scorecard_html_reads_without_javascript(sample: tuple[Site, Path]) -> None:
    ctx, site = sample
    card = next(c for c in ctx.scorecards if c.source == "shanghai-2018.txt")
    html = (site / "report" / f"{card.report_id}.html").read_text("utf-8")
    row = html[html.index(f'id="{next(g.id for grp in card.groups for g in grp.goals if g.quote == RD_GOAL)}"') :]
    row = row[: row.index("</tr>")]
    assert RD_EVIDENCE in row and 'class="badge met"' in row
    assert '达成（据期后数据） · <span lang="en">met on later data</span>' in row
    assert "上海市 2024年政府工作报告" in row
    # the filter form is hidden until the script shows it; every row is there without it
    assert re.search(r'<form class="filters"[^>]* hidden>', html)
    assert html.count('<tr class="row ') == card.summary.goals
    assert '<th scope="col"' in html and "<caption>" in html


def test_render_keeps_the_previous_site_when_it_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, site = build(SAMPLE, tmp_path)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("tracker.site.write_site", boom)
    with pytest.raises(RuntimeError):
        render_site(engine, site)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []
    assert site.stat().st_mode & 0o755 == 0o755


# ---------------------------------------------------------------------------- safety

INJECTED = '<script>window.__pwned = 1</script>\n<img src=x onerror="window.__pwned = 2">'
PATENT_GOAL = "每万人口发明专利拥有量达到50件以上"
PATENT_INJECTED = '每万人口"><script>window.__pwned = 3</script>发明专利拥有量达到50件以上'


def injected_report(folder: Path) -> Path:
    """The real 2018 Shanghai report with HTML lines added, one inside a goal sentence."""
    text = (REPORTS / "shanghai-2018.txt").read_text("utf-8")
    assert PATENT_GOAL in text
    cut = text.index("\n", 200)
    text = text[:cut] + "\n" + INJECTED + text[cut:]
    text = text.replace(PATENT_GOAL, PATENT_INJECTED, 1)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("shanghai-2024.txt",):
        (folder / name).write_text((REPORTS / name).read_text("utf-8"), "utf-8")
    (folder / "shanghai-2018.txt").write_text(text, "utf-8")
    return folder


def test_html_in_a_report_cannot_inject_into_the_site(tmp_path: Path) -> None:
    engine, site = build([injected_report(tmp_path / "reports")], tmp_path)
    ctx = build_site(engine)
    # the pipeline read the tampered text: the injected line is in a goal's quote and indicator
    card = next(c for c in ctx.scorecards if c.source == "shanghai-2018.txt")
    quotes = [g.quote for grp in card.groups for g in grp.goals]
    assert any("<script>" in q or "</script>" in q for q in quotes)
    assert RD_GOAL in quotes
    parsed = pages(site)
    for path, page in parsed.items():
        for tag, attrs in page.tags:
            assert tag not in {"img", "iframe", "object", "embed"}, f"{path.name}: <{tag}> from a report"
            bad = [a for a in attrs if a.startswith("on")]
            assert not bad, f"{path.name}: event handler attribute {bad}"
        assert_only_our_assets(path, page, site)
    src = next(p for p in parsed if p.parent.name == "source" and "window.__pwned = 1" in "".join(parsed[p].text))
    raw = src.read_text("utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in raw
    assert "&lt;img src=x onerror=&#34;window.__pwned = 2&#34;&gt;" in raw
    html = (site / "report" / f"{card.report_id}.html").read_text("utf-8")
    assert "&lt;/script&gt;" in html and "<script>window.__pwned" not in html


def test_a_later_scorecard_lists_the_earlier_goals_its_results_evidence(sample: tuple[Site, Path]) -> None:
    ctx, _ = sample
    sh24 = next(c for c in ctx.scorecards if c.source == "shanghai-2024.txt")
    rd = [e for e in sh24.evidence_for if e.goal == RD_GOAL]
    assert len(rd) == 1 and rd[0].status == "met" and RD_EVIDENCE in rd[0].outcome
    assert rd[0].report_title == "上海市 2018年政府工作报告"
    pudong = next(c for c in ctx.scorecards if c.source == "pudong-2024.txt")
    assert all(e.report_title.startswith("浦东新区") for e in pudong.evidence_for)  # never the city's goals
    met = next(c for c in ctx.index.summary.counts if c.status == "met")
    assert met.href == "goals.html?status=met"


def test_every_period_cue_kind_is_explained_on_the_methods_page() -> None:
    from tracker.lexicon import lexicon
    from tracker.site import PERIOD_KINDS

    assert {c.kind for c in lexicon().sections.period_cues} <= set(PERIOD_KINDS)
