"""Incremental rendering: a run after a change renders again only the pages of the regions it changed
(with the pages that show every region) and links the others from the site in place; the result is
file for file what a full render writes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS
from tracker import pipeline, review, site, store
from tracker.db import open_db

STAMP = pipeline.BUILD_FILE


def _inputs(tmp: Path) -> Path:
    inp = tmp / "in"
    inp.mkdir()
    for p in [*REPORTS.glob("*.txt"), *CORPUS.glob("hubei-*.txt"), *CORPUS.glob("anhui-*.txt")]:
        shutil.copy(p, inp / p.name)
    return inp


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != STAMP}


def _inodes(folder: Path) -> dict[Path, int]:
    return {p.relative_to(folder): p.stat().st_ino for p in folder.rglob("*.html")}


def _region_pages(engine, region: str, folder: Path) -> set[Path]:  # type: ignore[no-untyped-def]
    """The scorecards, source and indicator pages of ``region`` (in the current database) in ``folder``."""
    docs = [i for i, d in store.documents(engine) if d.region.name == region]
    keys = {(st.region, st.indicator.key) for _, _, st in store.statements(engine, regions=[region])}
    out = {Path(site.report_href(i)) for i in docs} | {Path(site.source_href(i)) for i in docs}
    out |= {Path(f"indicator/{site.indicator_slug(*k)}.html") for k in keys}
    return {p for p in out if (folder / p).is_file()}


def _root_pages(folder: Path) -> set[Path]:
    """The pages at the site's root (index, goals, methods …): they show every region."""
    return {Path(p.name) for p in folder.glob("*.html")}


def _full(engine, tmp: Path) -> dict[Path, bytes]:  # type: ignore[no-untyped-def]
    full = tmp / "full"
    site.render_site(engine, full)
    return _files(full)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered (not linked) from now on."""
    rendered: list[str] = []
    real = site.iter_site

    def spy(engine, **kw):  # type: ignore[no-untyped-def]
        for rel, template, page in real(engine, **kw):
            if not isinstance(page, site.Reused):
                rendered.append(rel)
            yield rel, template, page

    monkeypatch.setattr(site, "iter_site", spy)
    return rendered


def test_a_changed_report_renders_only_its_region_again(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = _inputs(tmp_path)
    engine = open_db(db_url)
    out = tmp_path / "site"
    pipeline.run(engine, [inp], out)
    before = _inodes(out)
    anhui_before = _region_pages(engine, "安徽省", out)
    rendered = _spy(monkeypatch)

    # the 2026 Hubei report is corrected: some of its figures change
    f = inp / "hubei-2026.txt"
    text = f.read_text("utf-8")
    fixed = re.sub(r"(\d)\.(\d)%", lambda m: f"{m[1]}.{(int(m[2]) + 1) % 10}%", text, count=8)
    assert fixed != text
    f.write_text(fixed, "utf-8")
    res = pipeline.run(engine, [inp], out, replace=True)
    assert res.added == [str(f)] and res.rebuilt

    hubei = _region_pages(engine, "湖北省", out)
    others = {p for p in _inodes(out) if p.parts[0] in ("report", "source", "indicator")} - hubei
    assert anhui_before <= others  # the untouched regions' pages …
    after = _inodes(out)
    assert all(after[p] == before[p] for p in others)  # … are the files of the previous site, not re-rendered
    assert {Path(r) for r in rendered} == hubei | _root_pages(out)  # and the pages that show every region
    # and the site is, file for file, what a full render writes
    assert _files(out) == _full(engine, tmp_path)


def test_a_review_renders_its_region_again_and_a_missing_page_is_rendered(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = _inputs(tmp_path)
    engine = open_db(db_url)
    out = tmp_path / "site"
    pipeline.run(engine, [inp], out)
    rendered = _spy(monkeypatch)
    # someone removed a scorecard of an untouched region from the published folder
    anhui = sorted(p for p in _region_pages(engine, "安徽省", out) if p.parts[0] == "report")
    (out / anhui[0]).unlink()

    state = review.load(engine)
    rid, _, goal = next(r for r in store.statements(engine, regions=["湖北省"]) if r[2].kind == "goal")
    machine = {g.goal: g.status for g in state.reviewed.statuses}[goal.key]
    verdict = "missed" if machine == "met" else "met"
    review.set_verdict(engine, f"s{rid}", verdict, note="checked the yearbook", by="li")
    res = pipeline.run(engine, [inp], out)
    assert res.rebuilt and not res.added

    hubei = _region_pages(engine, "湖北省", out)
    assert {Path(r) for r in rendered} == hubei | _root_pages(out)
    assert (out / anhui[0]).is_file()  # the missing page of an untouched region is rendered again
    card = next(p for p in hubei if p.parts[0] == "report" and f'id="s{rid}"' in (out / p).read_text("utf-8"))
    assert "checked the yearbook" in (out / card).read_text("utf-8")
    assert _files(out) == _full(engine, tmp_path)


def test_other_code_or_tolerances_render_everything(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = _inputs(tmp_path)
    engine = open_db(db_url)
    out = tmp_path / "site"
    pipeline.run(engine, [inp], out)
    rendered = _spy(monkeypatch)
    real = pipeline.fingerprint
    monkeypatch.setattr(pipeline, "fingerprint", lambda e, t: {**real(e, t), "code": "another version"})
    res = pipeline.run(engine, [inp], out)
    assert res.rebuilt
    assert len(rendered) == len(list(out.rglob("*.html")))  # every page rendered again
    assert _files(out) == _full(engine, tmp_path)


@pytest.mark.parametrize(
    "body",
    [
        "<t>{% for g in page.groups %}<b>{{ g.heading }}:{{ g.goals | length }}</b>\n{% endfor %}</t>",
        "<t>{% for g in page.groups %}<b>{{ loop.index }} {{ g.heading }}</b>{% endfor %}</t>",  # groups not alone
        "<t>{% for g in page.groups %}{{ g.heading }}{% endfor %}{{ page.groups | list | length }}</t>",
    ],
)
def test_goals_page_written_a_group_at_a_time_equals_the_whole(tmp_path: Path, body: str) -> None:
    from jinja2 import Environment

    tpl = Environment(autoescape=True).from_string("<h>{{ page.title }}</h>" + body + "<f>{{ page.filters.total }}</f>")
    groups = [site.GoalGroup(heading=h, goals=[]) for h in ("报告 甲", "报告 乙", "<丙>", "报告 甲")]
    spool = site._GoalSpool()
    for g in groups:
        spool.append(g)
    summary = site.summarize([])
    filters = site.Filters(table="goals", total=4)
    fields = {"title": "全部", "root": ".", "summary": summary, "filters": filters}
    site._write_goals(tpl, site.GoalsPage.model_construct(groups=spool, **fields), tmp_path / "goals.html")
    whole = tpl.render(page=site.GoalsPage(groups=groups, **fields))
    assert (tmp_path / "goals.html").read_text("utf-8") == whole
