"""The reviewers' decisions reach every streamed and batched path (export.json, goals.csv, the
site rendered a few regions at a time, `tracker export`) exactly as the all-at-once code lays
them over the machine's results; and a new decision makes `tracker run` render the site again.
On SQLite and (when TRACKER_TEST_PG_URL is set) PostgreSQL."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import BACKENDS, database
from tests.test_robust_batches import _inputs
from tracker import pipeline, review, site, store
from tracker.db import open_db
from tracker.export import build_export, goals_csv, write_export, write_goals_csv


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from database(request.param, tmp_path, monkeypatch)


def test_reviews_reach_every_streamed_path(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_db(db_url)
    monkeypatch.setattr(site, "RENDER_BATCH", 1)  # one region at a time
    out = tmp_path / "site"
    res = pipeline.run(engine, [_inputs(tmp_path)], out)
    assert res.rebuilt and not res.failed
    rows = store.statements(engine)
    matched = {m.goal: m for m in store.matches(engine)}
    goals = [(rid, st) for rid, _, st in rows if st.kind == "goal"]
    regions = sorted({st.region for _, st in goals if st.key in matched})
    assert len(regions) >= 2  # decisions in more than one batch of regions
    # a verdict on a matched goal of one region, an unlink in another, a link of an unmatched goal
    first = next((rid, st) for rid, st in goals if st.region == regions[0] and st.key in matched)
    other = next((rid, st) for rid, st in goals if st.region == regions[1] and st.key in matched)
    unmatched = next((rid, st) for rid, st in goals if st.region == regions[1] and st.key not in matched)
    outcome = next(rid for rid, _, st in rows if st.kind == "outcome" and st.region == regions[1])
    new = "missed" if matched[first[1].key].verdict != "missed" else "met"
    review.set_verdict(engine, f"s{first[0]}", new, note="checked the budget table", by="li")
    review.link(engine, f"s{other[0]}", None, note="wrong year", by="wang")
    review.link(engine, f"s{unmatched[0]}", f"s{outcome}", note="the same indicator", by="wang")

    res = pipeline.run(engine, [tmp_path / "in"], out)
    assert res.rebuilt  # the reviews changed: the site is rendered again

    # the streamed files equal the all-at-once export, whose statuses are review.apply's
    exported = (out / "export.json").read_text("utf-8")
    assert exported == build_export(engine).to_json()
    data = json.loads(exported)
    reviewed = review.apply(store.statements(engine), store.matches(engine), store.decisions(engine))
    sid = {st.key: f"s{rid}" for rid, _, st in store.statements(engine)}
    assert [(g["goal"], g["status"]) for g in data["goal_status"]] == [
        (sid[g.goal], g.status) for g in reviewed.statuses
    ]
    by_goal = {g["goal"]: g for g in data["goal_status"]}
    assert by_goal[f"s{first[0]}"]["status"] == new and by_goal[f"s{first[0]}"]["overridden"]
    assert by_goal[f"s{first[0]}"]["review"]["reviewed_by"] == "li"
    assert by_goal[f"s{other[0]}"]["overridden"] and by_goal[f"s{other[0]}"]["machine_status"] != "no_evidence"
    assert not any(m["goal"] == f"s{other[0]}" for m in data["matches"])  # unlinked
    linked = next(m for m in data["matches"] if m["goal"] == f"s{unmatched[0]}")
    assert linked["outcome"] == f"s{outcome}" and linked["machine_verdict"] is None
    assert len(data["reviews"]) == 3
    csv_text = (out / "goals.csv").read_bytes().decode("utf-8")
    assert csv_text == goals_csv(engine)
    assert "checked the budget table" in csv_text and ",li," in csv_text
    buf = io.StringIO()
    write_export(engine, buf, batch=1)  # `tracker export --format json`
    assert buf.getvalue() == exported
    buf = io.StringIO(newline="")
    write_goals_csv(engine, buf, batch=1)  # `tracker export --format csv --output …`
    assert buf.getvalue() == csv_text

    # the site rendered a region at a time equals the one built from everything at once
    whole = tmp_path / "whole"
    whole.mkdir()
    site.write_site(site.build_site(engine), whole)
    pages = sorted(p.relative_to(whole) for p in whole.rglob("*") if p.is_file())
    for rel in pages:
        assert (out / rel).read_bytes() == (whole / rel).read_bytes(), rel
    cards = "".join(p.read_text("utf-8") for p in (out / "report").glob("*.html"))
    assert "人工改判 · overridden" in cards and "checked the budget table" in cards

    # nothing changed since: the site is kept
    assert not pipeline.run(engine, [tmp_path / "in"], out).rebuilt

    # a review of a goal no longer extracted: kept in the export (orphaned), on every path
    gone = store.Decision(
        goal_key="goal-no-longer-extracted",
        action="verdict",
        before="missed",
        after="met",
        note="checked",
        reviewer="zhao",
        goal_region=regions[0],
        goal_year=2020,
        goal_quote="一个不再被抽取的目标",
    )
    store.add_decisions(engine, items=[(gone, 0)])
    buf = io.StringIO()
    write_export(engine, buf, batch=1)
    assert buf.getvalue() == build_export(engine).to_json()
    assert [d["orphaned"] for d in json.loads(buf.getvalue())["reviews"]].count(True) == 1
    buf = io.StringIO(newline="")
    write_goals_csv(engine, buf, batch=1)
    assert buf.getvalue() == goals_csv(engine) == csv_text  # the orphan changes no goal's row
