"""Statement ids shown to reviewers (s123) never point at another statement after `run --replace`;
a stale one is refused, and every confirmation names the goal by its quote."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPORTS
from tracker import review, store
from tracker.cli import main
from tracker.db import open_db
from tracker.export import build_export

SH18 = REPORTS / "shanghai-2018.txt"
SH24 = REPORTS / "shanghai-2024.txt"
EARLY = "城镇登记失业率稳定在4.1%左右"  # an early sentence of the 2018 report


def _republished(tmp_path: Path) -> Path:
    """The 2018 report re-published with one more figure early on: every later statement moves one place."""
    text = SH18.read_text("utf-8")
    assert text.count(EARLY) == 1
    out = tmp_path / "v2" / SH18.name
    out.parent.mkdir()
    out.write_text(text.replace(EARLY, EARLY + "，居民人均可支配收入年均增长8.5%"), "utf-8")
    return out


def test_ids_are_never_given_to_another_statement(tmp_path: Path, db_url: str) -> None:
    runner = CliRunner()
    site = str(tmp_path / "site")
    # the 2018 report stored last: its statements have the highest ids, which SQLite would hand out again
    assert runner.invoke(main, ["run", str(SH24), str(SH18), "--db", db_url, "--out", site]).exit_code == 0
    engine = open_db(db_url)
    before = {rid: st.key for rid, _, st in store.statements(engine)}
    goal = next(
        g for g in review.listed(review.load(engine), reports=(SH18.name,)) if g.indicator == "每万人口发明专利拥有量"
    )
    res = runner.invoke(main, ["run", str(_republished(tmp_path)), "--replace", "--db", db_url, "--out", site])
    assert res.exit_code == 0, res.output
    after = {rid: st.key for rid, _, st in store.statements(engine)}
    assert len(after) == len(before) + 1
    assert all(before[i] == k for i, k in after.items() if i in before)  # an old id names the same statement
    # the reviewer's id from before the replace is refused, not applied to whatever has it now
    res = runner.invoke(
        main, ["review", "set", goal.id, "--verdict", "met", "--note", "x", "--by", "alice", "--db", db_url]
    )
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        f"error: {goal.id}: no statement has this id now (ids of a report replaced or read again since you listed "
        "it are not reused; list the goals again with `tracker review list`, or pass the statement key)"
    )
    assert store.decisions(engine) == []
    # the goal's key still works; the export's ids agree with the listing
    res = runner.invoke(
        main, ["review", "set", goal.key, "--verdict", "met", "--note", "x", "--by", "alice", "--db", db_url]
    )
    assert res.exit_code == 0, res.output
    now = next(g for g in review.listed(review.load(engine)) if g.key == goal.key)
    assert now.id != goal.id
    ex = build_export(engine)
    assert {s.id for s in ex.statements if s.quote == goal.quote} <= {now.id}
    short = goal.quote if len(goal.quote) <= 40 else goal.quote[:39] + "…"
    assert res.stdout.strip() == f"{now.id} “{short}”: verdict {goal.status} → met (version 1, by alice: x)"


def test_confirmations_name_the_goal(tmp_path: Path, db_url: str) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(main, ["run", str(SH18), str(SH24), "--db", db_url, "--out", str(tmp_path / "s")]).exit_code == 0
    )
    engine = open_db(db_url)
    g = next(g for g in review.listed(review.load(engine)) if g.outcome_id)
    res = runner.invoke(main, ["review", "unlink", g.id, "--note", "wrong", "--by", "bob", "--db", db_url])
    assert res.exit_code == 0, res.output
    short = g.quote if len(g.quote) <= 40 else g.quote[:39] + "…"
    assert res.stdout.strip() == f"{g.id} “{short}”: unlink {g.outcome_id} (version 1, by bob: wrong)"
