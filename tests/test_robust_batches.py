"""Matching a few regions at a time and rendering a few reports at a time give exactly what
doing everything at once gives (the batches only bound memory)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS
from tracker import pipeline, site, store
from tracker.db import open_db
from tracker.export import build_export, goals_csv, write_export, write_goals_csv
from tracker.match import POSSIBLE, judge


def _inputs(tmp: Path) -> Path:
    corpus = CORPUS
    inp = tmp / "in"
    inp.mkdir()
    for p in [*REPORTS.glob("*.txt"), *corpus.glob("hubei-*.txt"), *corpus.glob("anhui-*.txt")]:
        shutil.copy(p, inp / p.name)
    return inp


def test_batched_matching_and_streamed_site_equal_the_whole(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_db(db_url)
    res = pipeline.ingest_paths(engine, [_inputs(tmp_path)], jobs=2)
    assert len(res.added) == 7 and not res.failed
    rows = store.statements(engine)
    whole, _ = judge([st for _, _, st in rows])
    assert whole  # the pairs of reports do match

    monkeypatch.setattr(pipeline, "MATCH_BATCH", 1)  # one region at a time
    n = pipeline.match_all(engine)
    assert n == len(whole)
    assert store.matches(engine) == whole  # same matches, same order

    monkeypatch.setattr(site, "RENDER_BATCH", 1)  # one report at a time
    out = tmp_path / "site"
    site.render_site(engine, out)
    exported = (out / "export.json").read_text("utf-8")
    assert exported == build_export(engine).to_json()
    data = json.loads(exported)
    assert data["schema"] == "tracker.export/1"
    assert len(data["statements"]) + len(data["figureless_goals"]) == len(rows)
    # possible evidence (a weaker candidate) is the goal's candidate in goal_status, not a match
    assert len(data["matches"]) == len([m for m in whole if POSSIBLE not in m.flags])
    assert data["figureless_goals"]  # the streamed export keeps goals without a figure apart, like build_export
    assert all(s["kind"] == "goal" and s["value"] is None for s in data["figureless_goals"])
    assert not any(s["kind"] == "goal" and s["value"] is None for s in data["statements"])
    assert (out / "goals.csv").read_bytes().decode("utf-8") == goals_csv(engine)
    buf = io.StringIO()
    write_export(engine, buf, batch=1)  # what `tracker export --format json` streams
    assert buf.getvalue() == exported
    buf = io.StringIO(newline="")
    write_goals_csv(engine, buf, batch=1)
    assert buf.getvalue() == goals_csv(engine)

    # every page equals the one rendered from the contexts of everything at once
    whole_site = tmp_path / "whole"
    whole_site.mkdir()
    site.write_site(site.build_site(engine), whole_site)
    pages = sorted(p.relative_to(whole_site) for p in whole_site.rglob("*") if p.is_file())
    assert pages == sorted(
        p.relative_to(out)
        for p in out.rglob("*")
        if p.is_file() and p.name not in ("export.json", "goals.csv", ".tracker-build.json")
    )
    assert len([p for p in pages if p.parts[0] == "source"]) == 7
    for rel in pages:
        assert (out / rel).read_bytes() == (whole_site / rel).read_bytes(), rel


def test_parallel_and_serial_ingest_store_the_same(tmp_path: Path) -> None:
    inp = _inputs(tmp_path)
    got = []
    for jobs in (1, 2):
        engine = open_db(f"sqlite:///{tmp_path / f'j{jobs}.db'}")
        res = pipeline.ingest_paths(engine, [inp], jobs=jobs)
        assert not res.failed
        got.append(([d.sha256 for _, d in store.documents(engine)], store.statements(engine)))
    assert got[0] == got[1]


def test_only_changed_regions_are_matched_again(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    inp = _inputs(tmp_path)
    engine = open_db(db_url)
    out = tmp_path / "site"
    res = pipeline.run(engine, [inp], out)
    assert len(res.added) == 7
    seen: list[set[str] | None] = []
    real = pipeline.match_all

    def spy(engine, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw.get("regions"))
        return real(engine, **kw)

    monkeypatch.setattr(pipeline, "match_all", spy)
    # the 2026 Hubei report is corrected: some of its figures change
    f = inp / "hubei-2026.txt"
    text = f.read_text("utf-8")
    fixed = re.sub(r"(\d)\.(\d)%", lambda m: f"{m[1]}.{(int(m[2]) + 1) % 10}%", text, count=8)
    assert fixed != text
    f.write_text(fixed, "utf-8")
    res = pipeline.run(engine, [inp], out, replace=True)
    assert res.added == [str(f)]
    assert seen == [{"湖北省"}]
    whole, _ = judge([st for _, _, st in store.statements(engine)])
    assert store.matches(engine) == whole  # the same matches, in the same order, as matching everything
    assert (out / "export.json").read_text("utf-8") == build_export(engine).to_json()
    # nothing changed: nothing is matched
    res = pipeline.run(engine, [inp], out)
    assert not res.rebuilt and len(seen) == 1
