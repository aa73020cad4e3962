"""Reviewers' workflow on the bundled Shanghai reports, on SQLite and (when TRACKER_TEST_PG_URL is set) PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from tests.conftest import REPORTS
from tests.databases import BACKENDS, database
from tracker import review, store
from tracker.db import StatementRow, open_db
from tracker.errors import TrackerError
from tracker.export import build_export, goals_csv
from tracker.models import Statement
from tracker.pipeline import ingest_paths, match_all
from tracker.site import render_site
from tracker.store import ConflictError

SH18 = REPORTS / "shanghai-2018.txt"
SH24 = REPORTS / "shanghai-2024.txt"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from database(request.param, tmp_path, monkeypatch)


def _run(engine: Engine, *paths: Path, replace: bool = False) -> None:
    res = ingest_paths(engine, list(paths), replace=replace)
    assert not res.failed, res.failed
    match_all(engine)


@pytest.fixture
def engine(db_url: str) -> Engine:
    e = open_db(db_url)
    _run(e, SH18, SH24)
    return e


def _goal(engine: Engine, indicator_id: str, start: int, end: int) -> tuple[int, Statement]:
    return next(
        (rid, st)
        for rid, _, st in store.statements(engine)
        if st.kind == "goal" and st.indicator.id == indicator_id and (st.period.start, st.period.end) == (start, end)
    )


def _status(engine: Engine, key: str) -> tuple[str, list[str]]:
    gs = next(g for g in review.load(engine).reviewed.statuses if g.goal == key)
    return gs.status, gs.match.flags if gs.match else []


def _edited(tmp_path: Path, src: Path, old: str, new: str) -> Path:
    """A corrected copy of a report (same file name), e.g. as re-published with a fix."""
    text = src.read_text("utf-8")
    assert old in text
    out = tmp_path / "v2" / src.name
    out.parent.mkdir(exist_ok=True)
    out.write_text(text.replace(old, new, 1), "utf-8")
    return out


def test_override_survives_rerun_and_replace(engine: Engine, tmp_path: Path) -> None:
    # 每万人口发明专利拥有量达到50件以上 (2018–2022): the machine only finds the high-value patent count
    rid, goal = _goal(engine, "patents_per_10k", 2018, 2022)
    assert _status(engine, goal.key)[0] == "not_comparable"
    d = review.set_verdict(engine, f"s{rid}", "met", note="50.2 high-value patents imply ≥50 patents", by="alice")
    assert (d.before, d.after, d.version, d.reviewer) == ("not_comparable", "met", 1, "alice")
    status, flags = _status(engine, goal.key)
    assert status == "met" and "overridden" in flags

    _run(engine, SH18, SH24)  # unchanged files: skipped, matches recomputed
    assert _status(engine, goal.key) == (status, flags)

    # the 2018 report re-published with a changed sentence elsewhere: deleted and re-extracted
    v2 = _edited(tmp_path, SH18, "森林覆盖率达到18%以上", "森林覆盖率达到19%以上")
    _run(engine, v2, replace=True)
    new_rid, same = _goal(engine, "patents_per_10k", 2018, 2022)
    assert same.key == goal.key and new_rid != rid  # new row, same content key
    assert _status(engine, goal.key)[0] == "met"
    assert review.load(engine).reviewed.orphans == []
    ex = json.loads(build_export(engine).to_json())
    gs = next(g for g in ex["goal_status"] if g["goal"] == f"s{new_rid}")
    assert gs["status"] == "met" and gs["machine_status"] == "not_comparable" and gs["overridden"]
    assert gs["review"]["reviewed_by"] == "alice" and gs["review"]["note"].startswith("50.2")
    m = next(m for m in ex["matches"] if m["goal"] == f"s{new_rid}")
    assert m["verdict"] == "met" and m["machine_verdict"] == "not_comparable" and "overridden" in m["flags"]
    assert "alice" in m["reason_en"]


def test_withdrawn_override_returns_to_the_machine(engine: Engine) -> None:
    rid, goal = _goal(engine, "rd_intensity", 2018, 2022)
    review.set_verdict(engine, f"s{rid}", "missed", note="first reading", by="alice")
    assert _status(engine, goal.key)[0] == "missed"
    review.set_verdict(engine, goal.key, "machine", note="the machine was right: 4.4% ≥ 4%", by="bob")
    status, flags = _status(engine, goal.key)
    assert status == "met" and "overridden" not in flags
    label, hist = review.history(engine, f"s{rid}")
    assert label == f"s{rid}"
    assert [(h.version, h.reviewer, h.before, h.after) for h in hist] == [
        (1, "alice", "met", "missed"),
        (2, "bob", "missed", None),
    ]


def test_unlink_and_link_recompute_the_verdict(engine: Engine) -> None:
    rid, goal = _goal(engine, "rd_intensity", 2018, 2022)
    machine = next(m for m in store.matches(engine) if m.goal == goal.key)
    review.link(engine, f"s{rid}", None, note="wrong evidence", by="alice")
    gs = next(g for g in review.load(engine).reviewed.statuses if g.goal == goal.key)
    assert gs.status == "no_evidence"  # the 2024 report is later than 2022: nothing else evidences it
    assert gs.reason_en.startswith("reviewer alice removed the machine's evidence: wrong evidence")
    with pytest.raises(TrackerError, match="no evidence to unlink"):
        review.link(engine, f"s{rid}", None, note="again", by="alice")
    # link back the same outcome: judged by the usual rules, and no longer an override
    review.link(engine, f"s{rid}", machine.outcome, note="after all, it is the evidence", by="bob")
    gs = next(g for g in review.load(engine).reviewed.statuses if g.goal == goal.key)
    assert gs.status == "met" and gs.match is not None
    assert gs.match.margin == machine.margin
    assert "linked_by_reviewer" in gs.match.flags and "evidence_after_deadline" in gs.match.flags
    assert "overridden" not in gs.match.flags
    assert [d.action for d in store.decisions(engine, goal_key=goal.key)] == ["unlink", "link"]


def test_link_to_other_indicator_never_becomes_met_by_itself(engine: Engine) -> None:
    # 制造业增加值占全市生产总值的比重保持在25%左右: no evidence; a reviewer links the emerging-industry share (43.9%)
    rid, goal = _goal(engine, "manufacturing_share", 2018, 2022)
    assert _status(engine, goal.key)[0] == "no_evidence"
    out = next(
        (orid, st)
        for orid, _, st in store.statements(engine)
        if st.kind == "outcome" and "43.9%" in st.quote and st.unit == "%"
    )
    review.link(engine, f"s{rid}", f"s{out[0]}", note="closest figure", by="alice")
    status, flags = _status(engine, goal.key)
    assert status == "not_comparable" and "overridden" in flags  # a person must judge, not the link


def test_links_are_checked(engine: Engine, db_url: str) -> None:
    rid, goal = _goal(engine, "rd_intensity", 2018, 2022)
    other_goal = _goal(engine, "patents_per_10k", 2018, 2022)[0]
    with pytest.raises(TrackerError, match="is a goal, not an outcome"):
        review.link(engine, f"s{rid}", f"s{other_goal}", note="x", by="a")
    with pytest.raises(TrackerError, match="no such statement"):
        review.link(engine, f"s{rid}", "s999999", note="x", by="a")
    with pytest.raises(TrackerError, match="pass --note"):
        review.set_verdict(engine, f"s{rid}", "met", note="  ", by="a")
    with pytest.raises(TrackerError, match="not a verdict"):
        review.set_verdict(engine, f"s{rid}", "great", note="x", by="a")
    # an outcome of another region cannot evidence a Shanghai goal
    _run(engine, REPORTS / "pudong-2024.txt")
    pudong = next(
        (orid, st) for orid, _, st in store.statements(engine) if st.kind == "outcome" and st.region != goal.region
    )
    with pytest.raises(TrackerError, match="same region"):
        review.link(engine, f"s{rid}", f"s{pudong[0]}", note="x", by="a")
    assert store.decisions(engine) == []


def test_review_of_a_vanished_goal_is_reported_not_dropped(engine: Engine, tmp_path: Path) -> None:
    rid, goal = _goal(engine, "forest_coverage", 2018, 2022)
    review.set_verdict(engine, f"s{rid}", "missed", note="18.5% claimed later, but for 2023", by="alice")
    # the report re-published with that target changed: the old goal is no longer extracted
    v2 = _edited(tmp_path, SH18, "森林覆盖率达到18%以上", "森林覆盖率达到19%以上")
    _run(engine, v2, replace=True)
    state = review.load(engine)
    assert goal.key not in state.by_key
    assert [o.goal_key for o in state.reviewed.orphans] == [goal.key]
    notes = review.orphan_notes(engine)
    assert len(notes) == 1 and goal.key in notes[0] and "alice" in notes[0] and "no longer extracted" in notes[0]
    # still stored, still in the history and the export
    label, hist = review.history(engine, goal.key)
    assert label == goal.key and [h.after for h in hist] == ["missed"]
    ex = json.loads(build_export(engine).to_json())
    assert [(r["goal"], r["goal_key"], r["orphaned"]) for r in ex["reviews"]] == [(None, goal.key, True)]
    # the new goal (19%) starts unreviewed
    _, new = _goal(engine, "forest_coverage", 2018, 2022)
    assert new.key != goal.key and new.key not in state.reviewed.reviews


def test_two_reviewers_at_once_neither_decision_is_lost(engine: Engine, db_url: str) -> None:
    rid, goal = _goal(engine, "rd_intensity", 2018, 2022)
    states = [review.load(engine), review.load(engine)]  # both look at version 0
    plans = [
        review.plan_verdict(states[0], f"s{rid}", "missed", "A: the 2022 figure was 4.2%", "alice"),
        review.plan_verdict(states[1], f"s{rid}", "partly", "B: only with the revised series", "bob"),
    ]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def decide(i: int) -> None:
        barrier.wait()
        try:
            results[i] = review.record(engine, states[i], [plans[i]])[0]
        except ConflictError as exc:
            results[i] = exc

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r for r in results if isinstance(r, ConflictError)]
    saved = [r for r in results if isinstance(r, store.Decision)]
    assert len(errors) == 1 and len(saved) == 1
    msg = str(errors[0])
    assert "\n" not in msg and f"s{rid}" in msg and "nothing was saved" in msg
    assert len(store.decisions(engine, goal_key=goal.key)) == 1
    # the later reviewer looks again and decides: both decisions are kept, in order
    loser = 1 if isinstance(results[1], ConflictError) else 0
    again = review.plan_verdict(
        review.load(engine), goal.key, plans[loser].after or "", plans[loser].note, plans[loser].reviewer
    )
    review.record(engine, review.load(engine), [again])
    hist = store.decisions(engine, goal_key=goal.key)
    assert [h.version for h in hist] == [1, 2]
    assert {h.reviewer for h in hist} == {"alice", "bob"}
    assert hist[1].before == hist[0].after  # the second decision saw the first
    # a decision made from a stale version is refused
    with pytest.raises(ConflictError, match="version 2"):
        review.set_verdict(engine, goal.key, "met", note="x", by="carol", expected=1)


def _fill(csv_text: str, edits: dict[str, dict[str, str]]) -> str:
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=review.CSV_COLUMNS)
    w.writeheader()
    for r in rows:
        r.update(edits.get(r["goal_id"], {}))
        w.writerow(r)
    return "\ufeff" + buf.getvalue()


def test_csv_export_import_with_dry_run(engine: Engine, tmp_path: Path) -> None:
    state = review.load(engine)
    goals = review.listed(state, statuses=("not_comparable",), reports=("shanghai-2018.txt",))
    assert goals and all(g.status == "not_comparable" and g.report == "shanghai-2018.txt" for g in goals)
    text = review.export_csv(goals)
    pat_rid, _ = _goal(engine, "patents_per_10k", 2018, 2022)
    assert f"s{pat_rid}" in {g.id for g in goals}
    sheet = tmp_path / "reviewed.csv"
    first, second = goals[0].id, goals[1].id
    sheet.write_text(
        _fill(
            text,
            {
                first: {"new_verdict": "met", "note": "checked"},
                second: {"new_verdict": "superb", "note": "x"},
            },
        ),
        "utf-8",
    )
    res = review.import_csv(engine, sheet, by="team-sh")
    assert len(res.errors) == 1 and res.errors[0].startswith(f"{sheet}:") and "superb" in res.errors[0]
    assert store.decisions(engine) == []  # all or nothing
    sheet.write_text(
        _fill(
            text,
            {
                first: {"new_verdict": "met", "note": "checked"},
                second: {"new_outcome": "none", "note": "2023 growth is not the 2018–2022 average"},
            },
        ),
        "utf-8",
    )
    dry = review.import_csv(engine, sheet, by="team-sh", dry_run=True)
    assert not dry.errors and len(dry.decisions) == 2 and dry.unchanged == len(goals) - 2
    assert store.decisions(engine) == []
    done = review.import_csv(engine, sheet, by="team-sh")
    assert [d.version for d in done.decisions] == [1, 1]
    assert {d.reviewer for d in store.decisions(engine)} == {"team-sh"}
    # the same sheet again: made from version 0, the goals are now at 1: refused, row by row
    again = review.import_csv(engine, sheet, by="team-sh")
    assert len(again.errors) == 2 and all("version 1" in e and "not 0" in e for e in again.errors)
    assert len(store.decisions(engine)) == 2
    # the reviewed state shows in the goals CSV of `tracker export` (appended columns)
    rows = list(csv.DictReader(io.StringIO(goals_csv(engine).lstrip("\ufeff"))))
    row = next(r for r in rows if r["goal_id"] == first)
    assert row["status"] == "met" and row["reviewed_by"] == "team-sh" and row["machine_status"] == "not_comparable"


def test_csv_import_rejects_missing_columns_and_notes(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("goal_id,verdict\ns1,met\n", "utf-8")
    with pytest.raises(TrackerError, match="missing column"):
        review.import_csv(engine, bad, by="x")
    rid, _ = _goal(engine, "rd_intensity", 2018, 2022)
    text = review.export_csv(review.listed(review.load(engine)))
    sheet = tmp_path / "s.csv"
    sheet.write_text(_fill(text, {f"s{rid}": {"new_verdict": "missed"}}), "utf-8")
    res = review.import_csv(engine, sheet, by="x")
    assert len(res.errors) == 1 and "a note is required" in res.errors[0]


def test_scorecard_shows_badge_note_reviewer_and_history(engine: Engine, tmp_path: Path) -> None:
    rid, _ = _goal(engine, "patents_per_10k", 2018, 2022)
    review.set_verdict(engine, f"s{rid}", "missed", note="高价值专利不是全部专利", by="alice")
    review.set_verdict(engine, f"s{rid}", "met", note="统计局口径：50件以上已达成", by="bob")
    index = render_site(engine, tmp_path / "site")
    pages = "".join(p.read_text("utf-8") for p in (index.parent / "report").glob("*.html"))
    start = pages.index(f'id="s{rid}"')
    row = pages[start : pages.index("</tr>", start)]
    assert 'data-status="met"' in row and "人工改判 · overridden" in row
    assert "机器判定 machine: 不可比 · not comparable" in row
    assert "统计局口径：50件以上已达成" in row and "— bob" in row  # the latest decision, its note and reviewer
    history = row[row.index("<ol") :]
    assert history.index("bob") < history.index("alice") and "高价值专利不是全部专利" in history  # newest first
    assert pages.count('class="review"') == 1  # no box on the unreviewed goals


def _rekey(engine: Engine, old: str, new: str) -> None:
    """What a tracker upgrade that reads a sentence differently does: same quote, new content key."""
    with engine.begin() as c:
        c.execute(update(StatementRow).where(StatementRow.key == old).values(key=new))
    match_all(engine)


def test_review_follows_its_goal_when_the_key_changes(engine: Engine) -> None:
    rid, goal = _goal(engine, "rd_intensity", 2018, 2022)
    review.set_verdict(engine, f"s{rid}", "missed", note="bureau: 3.9% in 2022", by="alice")
    _rekey(engine, goal.key, "0123456789abcdef")
    state = review.load(engine)
    assert state.reviewed.orphans == [] and review.orphan_notes(engine) == []
    rv = state.reviewed.reviews["0123456789abcdef"]
    assert rv.moved_from == [goal.key] and rv.verdict == "missed" and rv.overridden
    assert _status(engine, "0123456789abcdef")[0] == "missed"
    review.set_verdict(engine, f"s{rid}", "machine", note="bureau revised: 4.1%", by="bob")
    _, hist = review.history(engine, f"s{rid}")
    assert [(h.reviewer, h.after) for h in hist] == [("alice", "missed"), ("bob", None)]
    assert _status(engine, "0123456789abcdef")[0] == "met"
    ex = json.loads(build_export(engine).to_json())
    assert {(r["goal"], r["orphaned"]) for r in ex["reviews"]} == {(f"s{rid}", False)}


def test_review_stays_orphaned_when_its_quote_is_ambiguous(engine: Engine) -> None:
    # 城镇调查失业率和登记失业率都稳定在4.3%以内: two goals quote the same clause
    rid, goal = _goal(engine, "unemployment_surveyed", 2018, 2018)
    twins = [st for _, _, st in store.statements(engine) if st.kind == "goal" and st.quote == goal.quote]
    assert len(twins) == 2
    review.set_verdict(engine, f"s{rid}", "missed", note="4.5% in 2023 is not 2018", by="alice")
    _rekey(engine, goal.key, "fedcba9876543210")
    state = review.load(engine)
    assert [o.goal_key for o in state.reviewed.orphans] == [goal.key]
    assert not state.reviewed.reviews  # not guessed onto either twin


def test_csv_rows_for_a_changed_goal_are_refused(engine: Engine, tmp_path: Path) -> None:
    rid, _ = _goal(engine, "forest_coverage", 2018, 2022)
    text = review.export_csv(review.listed(review.load(engine), reports=("shanghai-2018.txt",)))
    sheet = tmp_path / "s.csv"
    sheet.write_text(_fill(text, {f"s{rid}": {"new_verdict": "missed", "note": "18.5% in 2023"}}), "utf-8")
    # meanwhile the report is re-published with that target changed
    _run(engine, _edited(tmp_path, SH18, "森林覆盖率达到18%以上", "森林覆盖率达到19%以上"), replace=True)
    res = review.import_csv(engine, sheet, by="team")
    assert len(res.errors) == 1 and "no longer extracted" in res.errors[0] and "export again" in res.errors[0]
    assert store.decisions(engine) == []


def test_link_across_measures_is_not_comparable(engine: Engine) -> None:
    # 全市生产总值预期年均增长6.5%左右 (average over 2018–2022) linked to one year's growth (2023: 5%)
    rid, goal = _goal(engine, "gdp", 2018, 2022)
    assert goal.measure == "avg_growth"
    one_year = next(
        orid
        for orid, _, st in store.statements(engine)
        if st.kind == "outcome" and st.indicator.id == "gdp" and st.measure == "growth"
    )
    assert next(m for m in store.matches(engine) if m.goal == goal.key).outcome == goal_key_of(engine, one_year)
    review.link(engine, f"s{rid}", None, note="not evidence", by="alice")
    review.link(engine, f"s{rid}", f"s{one_year}", note="keep it after all, as not comparable", by="bob")
    gs = next(g for g in review.load(engine).reviewed.statuses if g.goal == goal.key)
    assert gs.status == "not_comparable" and "measures differ" in gs.reason_en


def goal_key_of(engine: Engine, rid: int) -> str:
    row = store.statement_by_id(engine, row_id=rid)
    assert row is not None
    return row[2].key
