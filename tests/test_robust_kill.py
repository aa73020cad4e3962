"""A run killed (SIGKILL) at any point leaves the database consistent and the previous site in place;
the next run completes the work."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS
from tracker.ingest import read_text
from tracker.pipeline import parse

FILES = ["shanghai-2024.txt", "pudong-2024.txt", "shanghai-2018.txt"]
MORE = ["hubei-2025.txt", "hubei-2026.txt"]


def _sources() -> list[Path]:
    return [REPORTS / f for f in FILES] + [CORPUS / f for f in MORE]


def _cmd(inp: Path, db: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "tracker", "run", str(inp), "--db", f"sqlite:///{db}", "--out", str(site), "-j", "1"]


def _counts(db: Path) -> dict[str, tuple[int, int]]:
    """source -> (sections, statements) as stored."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = con.execute(
            "SELECT d.source, (SELECT count(*) FROM sections s WHERE s.document_id = d.id),"
            " (SELECT count(*) FROM statements t WHERE t.document_id = d.id) FROM documents d"
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM statements WHERE document_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0
        return {r[0]: (r[1], r[2]) for r in rows}
    finally:
        con.close()


def _n_docs(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
        try:
            return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _kill_when(cmd: list[str], ready, timeout: float = 120) -> None:
    """Start ``cmd``; SIGKILL it as soon as ``ready()`` is true."""
    env = {**os.environ, "CI": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    t0 = time.monotonic()
    try:
        while not ready():
            assert proc.poll() is None, "the run finished before it could be killed"
            assert time.monotonic() - t0 < timeout
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_killed_runs_leave_a_consistent_database_and_the_previous_site(tmp_path: Path) -> None:
    src = _sources()
    inp, db, site = tmp_path / "in", tmp_path / "t.db", tmp_path / "site"
    inp.mkdir()
    # what each report gives when read whole
    expected = {}
    for p in src:
        r = parse(read_text(p), p.name, None, None)
        assert not isinstance(r, str), r
        expected[p.name] = (len(r[1]), len(r[2]))

    # a first, complete run on two reports: the "previous site"
    for p in src[:2]:
        shutil.copy(p, inp / p.name)
    subprocess.run(_cmd(inp, db, site), check=True, capture_output=True)
    before = (site / "index.html").read_text("utf-8")
    assert _counts(db) == {p.name: expected[p.name] for p in src[:2]}

    # more reports arrive; the run is killed while it stores them
    for p in src[2:]:
        shutil.copy(p, inp / p.name)
    _kill_when(_cmd(inp, db, site), lambda: _n_docs(db) >= 3)
    stored = _counts(db)
    assert 3 <= len(stored) < len(src)
    assert all(stored[name] == expected[name] for name in stored)  # each report whole, or not at all
    assert (site / "index.html").read_text("utf-8") == before

    # killed again, this time while the new site is being built
    def building() -> bool:
        return any(p.name.startswith(".site.") for p in tmp_path.iterdir())

    _kill_when(_cmd(inp, db, site), building)
    assert _counts(db) == expected  # every report was stored before rendering began
    assert (site / "index.html").read_text("utf-8") == before
    assert any(p.name.startswith(".site.") for p in tmp_path.iterdir())  # the half-built site

    # the next run completes the work and cleans up
    done = subprocess.run(_cmd(inp, db, site), check=True, capture_output=True, text=True)
    assert _counts(db) == expected
    index = (site / "index.html").read_text("utf-8")
    assert index != before
    assert len(list((site / "report").glob("*.html"))) == len(src)
    assert len(list((site / "source").glob("*.html"))) == len(src)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")]
    assert done.stdout.strip().endswith("index.html")


def test_rerun_with_nothing_changed_keeps_the_site(tmp_path: Path, db_url: str) -> None:
    from click.testing import CliRunner

    from tracker.cli import main

    src = _sources()[:2]
    inp, site = tmp_path / "in", tmp_path / "site"
    inp.mkdir()
    for p in src:
        shutil.copy(p, inp / p.name)
    runner = CliRunner()
    first = runner.invoke(main, ["run", str(inp), "--db", db_url, "--out", str(site)])
    assert first.exit_code == 0, first.output
    stamp = (site / "index.html").stat().st_mtime_ns
    again = runner.invoke(main, ["run", str(inp), "--db", db_url, "--out", str(site)])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert (site / "index.html").stat().st_mtime_ns == stamp
    # the site is rebuilt when what it shows changes: a removed page, other tolerances, another folder
    (site / "index.html").unlink()
    third = runner.invoke(main, ["run", str(inp), "--db", db_url, "--out", str(site)])
    assert third.exit_code == 0, third.output
    assert "nothing changed" not in third.output
    assert (site / "index.html").is_file()
    other = runner.invoke(main, ["run", str(inp), "--db", db_url, "--out", str(tmp_path / "other")])
    assert other.exit_code == 0 and (tmp_path / "other" / "index.html").is_file()


def test_a_replaced_report_is_swapped_in_one_transaction(db_url: str) -> None:
    """--replace deletes the old text and stores the new one together: a failure keeps the old one whole."""
    import sqlalchemy.exc

    from tracker import store
    from tracker.db import open_db

    engine = open_db(db_url)
    text = (REPORTS / "shanghai-2024.txt").read_text("utf-8")
    r = parse(text, "shanghai-2024.txt", None, None)
    assert not isinstance(r, str)
    old_id = store.save_document(engine, doc=r[0], sections=r[1], statements=r[2])
    before = store.statements(engine)
    # a new text for the same region and year whose rows cannot be stored (two statements with one key)
    new = parse(text.replace("各位代表", "各位代表们", 1), "shanghai-2024-v2.txt", None, None)
    assert not isinstance(new, str)
    rows = store.prepare(*new)
    rows.statements.append(dict(rows.statements[0]))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store.save_prepared(engine, rows, replace_id=old_id)
    assert store.document_for(engine, region=r[0].region.name, year=r[0].year) == (old_id, r[0].source, r[0].sha256)
    assert store.statements(engine) == before
    # a good new text replaces it whole
    new_id = store.save_prepared(engine, store.prepare(*new), replace_id=old_id)
    assert [d.source for _, d in store.documents(engine)] == ["shanghai-2024-v2.txt"]
    assert {doc for _, doc, _ in store.statements(engine)} == {new_id}
