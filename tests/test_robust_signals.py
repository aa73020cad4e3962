"""`tracker run --jobs 2` stopped from outside: SIGTERM ends the workers too and leaves nothing half-written;
after a SIGKILL of the parent the workers do not linger (Linux: they die with their parent)."""

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

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _inputs(folder: Path) -> None:
    """Enough reports that two workers are busy for a while: every report three times (other line ends)."""
    folder.mkdir()
    sources = sorted(REPORTS.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))
    if len(sources) < 10:
        pytest.skip("the development corpus is not available")
    for src in sources:
        text = src.read_bytes()
        for k in range(3):
            (folder / f"{src.stem}-{k}.txt").write_bytes(text + b"\n" * k)


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(d))
    return out


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _stop_while_reading(tmp_path: Path, sig: signal.Signals) -> tuple[int, str, list[int]]:
    """Start a run with two workers, send ``sig`` once both are reading; (exit status, stderr, worker pids)."""
    inp, db, site = tmp_path / "in", tmp_path / "t.db", tmp_path / "site"
    _inputs(inp)
    log = tmp_path / "stderr.txt"
    cmd = [sys.executable, "-m", "tracker", "run", str(inp), "--db", f"sqlite:///{db}", "--out", str(site), "-j", "2"]
    with log.open("w") as err:  # a file, not a pipe: lingering workers would hold a pipe open forever
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, "CI": "1"})
    workers: list[int] = []
    try:
        t0 = time.monotonic()
        while len(workers) < 2:
            assert proc.poll() is None, "the run ended before its workers started"
            assert time.monotonic() - t0 < 120
            workers = _children(proc.pid)
            time.sleep(0.01)
        time.sleep(0.3)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        t1 = time.monotonic()
        while _alive(workers) and time.monotonic() - t1 < 10:
            time.sleep(0.05)
        return proc.returncode, log.read_text("utf-8"), _alive(workers)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in _alive(workers):  # what the old code left behind
            os.kill(pid, signal.SIGKILL)


def _consistent(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = "SELECT count(*) FROM statements WHERE document_id NOT IN (SELECT id FROM documents)"
        assert con.execute(orphans).fetchone()[0] == 0
    finally:
        con.close()


def test_sigterm_ends_the_workers_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    code, stderr, lingering = _stop_while_reading(tmp_path, signal.SIGTERM)
    assert lingering == []
    assert code == 128 + signal.SIGTERM
    assert "Traceback" not in stderr
    assert "error: stopped by SIGTERM; each report is stored whole or not at all" in stderr
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []
    _consistent(tmp_path / "t.db")
    # the next run finishes the work
    shutil.rmtree(tmp_path / "in")
    inp = tmp_path / "in"
    inp.mkdir()
    for src in sorted(REPORTS.glob("*.txt")):
        shutil.copy(src, inp / src.name)
    db = f"sqlite:///{tmp_path / 't.db'}"
    p = subprocess.run(
        [sys.executable, "-m", "tracker", "run", str(inp), "--db", db, "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in p.stderr and (tmp_path / "site" / "index.html").is_file()


def test_workers_do_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    code, _, lingering = _stop_while_reading(tmp_path, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert lingering == []
    _consistent(tmp_path / "t.db")
