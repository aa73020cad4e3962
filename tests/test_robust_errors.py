"""Hostile but fair input: every failure is one line (what is wrong, which file or database, what to do),
exit status 2, no traceback, no password; one bad file fails alone and later runs are not poisoned."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import DataError

from tests.conftest import REPORTS, SAMPLE
from tests.databases import BACKENDS, database
from tracker import db as db_mod
from tracker import site, store
from tracker.cli import main
from tracker.db import open_db
from tracker.pipeline import ingest_paths


@pytest.fixture(params=BACKENDS)
def any_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from database(request.param, tmp_path, monkeypatch)


def tracker(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def one_error(p: subprocess.CompletedProcess[str]) -> str:
    """The single error line of a failed command (progress and notes aside); no traceback."""
    assert "Traceback" not in p.stderr, p.stderr
    errors = [line for line in p.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, p.stderr
    return errors[0]


def sqlite_ro(path: Path) -> str:
    """A read-only SQLite URL (chmod does not stop root, which CI may be)."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


# ---------------------------------------------------------------- one bad file fails alone


def test_a_file_name_that_is_not_utf8_fails_alone(any_db: str, tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "shanghai-2024.txt").write_bytes((REPORTS / "shanghai-2024.txt").read_bytes())
    bad = Path(os.fsdecode(bytes(inp / "pudong-") + b"\xff\xfe.txt"))
    try:
        bad.write_bytes((REPORTS / "pudong-2024.txt").read_bytes())
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    for added, unchanged in ((1, 0), (0, 1)):  # the next run is not poisoned either
        p = tracker("run", str(inp), "--db", any_db, "--out", str(tmp_path / "site"))
        assert p.returncode == 2
        line = one_error(p)
        assert "pudong-\\xff\\xfe.txt: the file name is not valid UTF-8" in line and "rename" in line
        assert f"{added} report(s) added, {unchanged} unchanged, 1 failed" in p.stderr
    assert [d.source for _, d in store.documents(open_db(any_db))] == ["shanghai-2024.txt"]


def test_a_nul_byte_is_dropped_and_the_report_stored(any_db: str, tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL in text: it is dropped like the \\r of line ends, on every database."""
    inp = tmp_path / "in"
    inp.mkdir()
    raw = (REPORTS / "pudong-2024.txt").read_bytes()
    cut = raw.index("。".encode(), len(raw) // 2) + 3
    (inp / "pudong-2024.txt").write_bytes(raw[:cut] + b"\x00" + raw[cut:])
    (inp / "shanghai-2024.txt").write_bytes((REPORTS / "shanghai-2024.txt").read_bytes())
    for _ in range(2):
        p = tracker("run", str(inp), "--db", any_db, "--out", str(tmp_path / "site"))
        assert p.returncode == 0, p.stderr
    docs = {d.source: d for _, d in store.documents(open_db(any_db), with_text=True)}
    assert set(docs) == {"pudong-2024.txt", "shanghai-2024.txt"}
    assert "\x00" not in docs["pudong-2024.txt"].text
    assert docs["pudong-2024.txt"].text == raw.decode("utf-8").replace("\r\n", "\n")


def test_a_file_the_database_refuses_fails_alone(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_db(db_url)
    real = store.save_prepared

    def refusing(engine, rows, **kw):  # type: ignore[no-untyped-def]
        if rows.document["source"] == "pudong-2024.txt":
            raise DataError("INSERT …", {}, ValueError("invalid byte sequence for encoding"))
        return real(engine, rows, **kw)

    monkeypatch.setattr(store, "save_prepared", refusing)
    res = ingest_paths(engine, SAMPLE)
    assert len(res.added) == 2
    assert len(res.failed) == 1
    assert "pudong-2024.txt: cannot be stored in the database (invalid byte sequence" in res.failed[0]


# ---------------------------------------------------------------- special files


def test_a_fifo_or_a_device_named_as_input_is_refused_without_waiting(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("no FIFOs or /dev/zero here")
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    db = f"sqlite:///{tmp_path / 't.db'}"
    for special in (fifo, Path("/dev/zero")):
        p = tracker("run", str(special), str(REPORTS / "shanghai-2024.txt"), "--db", db, timeout=60)
        assert p.returncode == 2
        line = one_error(p)
        assert f"{special}: not a regular file (a device, pipe or socket)" in line and "pass a report file" in line


def test_special_files_in_a_folder_are_skipped(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("no FIFOs or /dev/zero here")
    inp = tmp_path / "in"
    inp.mkdir()
    os.mkfifo(inp / "a-fifo.txt")
    (inp / "zero.txt").symlink_to("/dev/zero")
    (inp / "shanghai-2024.txt").write_bytes((REPORTS / "shanghai-2024.txt").read_bytes())
    p = tracker("run", str(inp), "--db", f"sqlite:///{tmp_path / 't.db'}", "--out", str(tmp_path / "s"), timeout=60)
    assert p.returncode == 0, p.stderr
    assert "1 report(s) added, 0 unchanged, 0 failed" in p.stderr


def test_the_size_limit_holds_whatever_the_file_claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At most the limit + 1 bytes are read (a file growing after its size was checked)."""
    from tracker import ingest
    from tracker.errors import InputError

    p = tmp_path / "r.txt"
    p.write_bytes((REPORTS / "shanghai-2024.txt").read_bytes())
    monkeypatch.setattr(ingest, "MAX_BYTES", 1000)
    real_fstat = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(ingest.os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(InputError, match="over the 0 MB limit"):
        ingest.read_text(p)


# ---------------------------------------------------------------- databases, URLs, config: one line


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database holding the three sample reports, and the id of one goal."""
    tmp = tmp_path_factory.mktemp("stored")
    db = tmp / "t.db"
    p = tracker("run", *map(str, SAMPLE), "--db", f"sqlite:///{db}", "--out", str(tmp / "site"))
    assert p.returncode == 0, p.stderr
    listing = tracker("review", "list", "--db", f"sqlite:///{db}")
    return db, listing.stdout.split()[0]


def test_a_read_only_database(stored: tuple[Path, str], tmp_path: Path) -> None:
    db, goal = stored
    copy = tmp_path / "ro.db"
    copy.write_bytes(db.read_bytes())
    extra = tmp_path / "x.txt"
    text = (REPORTS / "shanghai-2024.txt").read_text("utf-8").replace("2024年", "2030年")
    extra.write_text(text, "utf-8")
    for args in (
        ["run", str(extra), "--db", sqlite_ro(copy), "--out", str(tmp_path / "site")],
        ["review", "set", goal, "--verdict", "met", "--note", "n", "--by", "me", "--db", sqlite_ro(copy)],
    ):
        p = tracker(*args)
        assert p.returncode == 2
        line = one_error(p)
        assert f"{copy}" in line and "read-only" in line and "writable" in line, line


def test_a_database_of_a_newer_tracker(stored: tuple[Path, str], tmp_path: Path) -> None:
    copy = tmp_path / "newer.db"
    copy.write_bytes(stored[0].read_bytes())
    con = sqlite3.connect(copy)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    p = tracker("run", *map(str, SAMPLE), "--db", f"sqlite:///{copy}", "--out", str(tmp_path / "site"))
    assert p.returncode == 2
    line = one_error(p)
    assert str(copy) in line and "newer tracker" in line and "upgrade tracker" in line


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database\n" * 200, "utf-8")
    before = notes.read_bytes()
    p = tracker("run", *map(str, SAMPLE), "--db", f"sqlite:///{notes}", "--out", str(tmp_path / "site"))
    assert p.returncode == 2
    line = one_error(p)
    assert str(notes) in line and "not a tracker database" in line and "pass another --db" in line
    assert notes.read_bytes() == before


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("postgresql+psycopg://ann:s3cr3tpw@localhost:abc/tracker", "the port is not a number"),
        ("mysql://ann:s3cr3tpw@localhost:3306/tracker", "driver is not installed"),
        ("postgresql+psycopg://ann:s3cr3tpw@127.0.0.1:9/tracker", "cannot open database"),
    ],
)
def test_database_urls_never_show_the_password(url: str, phrase: str, tmp_path: Path) -> None:
    p = tracker("run", *map(str, SAMPLE), "--db", url, "--out", str(tmp_path / "site"))
    assert p.returncode == 2
    line = one_error(p)
    assert phrase in line and "ann:***@" in line, line
    assert "s3cr3tpw" not in p.stderr + p.stdout


@pytest.mark.parametrize(
    "content", ["default:\n  percent: 0.1\n".encode("gbk") + "# 容差\n".encode("gbk"), bytes(range(256))]
)
def test_a_config_file_that_is_not_utf8(content: bytes, tmp_path: Path) -> None:
    cfg = tmp_path / "tol.yaml"
    cfg.write_bytes(content)
    p = tracker("run", *map(str, SAMPLE), "--db", f"sqlite:///{tmp_path / 't.db'}", "--config", str(cfg))
    assert p.returncode == 2
    line = one_error(p)
    assert f"{cfg}: the tolerance file is not UTF-8 text" in line and "save it as UTF-8" in line


def test_a_full_disk_while_storing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own "database or disk is full" (a page limit stands in for the disk)."""
    db = tmp_path / "t.db"
    url = f"sqlite:///{db}"
    open_db(url).dispose()
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    real = db_mod._sqlite_pragmas

    def tiny(dbapi_conn, record):  # type: ignore[no-untyped-def]
        real(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 4}")

    monkeypatch.setattr(db_mod, "_sqlite_pragmas", tiny)
    r = CliRunner().invoke(main, ["run", *map(str, SAMPLE), "--db", url, "--out", str(tmp_path / "site"), "-j", "1"])
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit)
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(db) in errors[0] and "disk is full" in errors[0] and "free some space" in errors[0]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert not (tmp_path / "site").exists()


def test_a_full_disk_while_writing_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, out = f"sqlite:///{tmp_path / 't.db'}", tmp_path / "site"
    runner = CliRunner()
    first = runner.invoke(main, ["run", str(REPORTS / "shanghai-2018.txt"), "--db", url, "--out", str(out)])
    assert first.exit_code == 0, first.output
    before = (out / "index.html").read_bytes()
    real = site.write_site

    def full(pages, folder, **kw):  # type: ignore[no-untyped-def]
        real(pages, folder, **kw)  # the pages are written, then the disk fills
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(site, "write_site", full)
    r = runner.invoke(main, ["run", str(REPORTS / "shanghai-2024.txt"), "--db", url, "--out", str(out)])
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"{out}: no space left on the device" in errors[0]
    assert "previous site is kept" in errors[0]
    assert (out / "index.html").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


# ---------------------------------------------------------------- two runs at once


def test_a_second_run_on_a_held_database_is_refused(any_db: str, tmp_path: Path) -> None:
    from tracker.db import exclusive

    out = tmp_path / "site"
    building = tmp_path / f".site.{site.TMP_TAG}other"  # the first run's site, half built
    building.mkdir()
    (building / "index.html").write_text("…", "utf-8")
    engine = open_db(any_db)
    with exclusive(engine):
        p = tracker("run", *map(str, SAMPLE), "--db", any_db, "--out", str(out))
        assert p.returncode == 2
        line = one_error(p)
        assert "another tracker run, render or match is writing to the database" in line
        assert "wait for it to finish" in line
        assert building.is_dir() and not out.exists()
        assert store.documents(engine) == []
    p = tracker("run", *map(str, SAMPLE), "--db", any_db, "--out", str(out))  # once it is free, a run works
    assert p.returncode == 0, p.stderr


# ---------------------------------------------------------------- one sentence with very many figures


def _many_figures(n: int, sep: str = "、") -> str:
    body = sep.join(f"第{i}项指标增长{i % 97 + 1}.5%" for i in range(n))
    return (
        "2024年上海市政府工作报告\n各位代表：\n现在，我代表市人民政府，向大会报告工作。\n一、2023年工作回顾\n"
        "全市地区生产总值增长5.0%。\n" + body + "。\n二、2024年主要任务\n全年地区生产总值增长5%左右。\n"
    )


@pytest.mark.parametrize("sep", ["、", "，"])
def test_a_sentence_with_very_many_figures_is_skipped_with_a_note(sep: str, tmp_path: Path) -> None:
    f = tmp_path / "many.txt"
    f.write_text(_many_figures(16000, sep), "utf-8")
    t0 = time.monotonic()
    p = tracker(
        "run", str(f), "--db", f"sqlite:///{tmp_path / 't.db'}", "--out", str(tmp_path / "s"), "-j", "1", timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert time.monotonic() - t0 < 60
    assert "many.txt: 1 sentence(s) over 2000 characters or 100 numbers not read (line 6)" in p.stderr
    assert "split them into sentences" in p.stderr
    assert "2 statements extracted" in p.stderr  # the sentences around it are read


def test_extraction_time_grows_linearly_with_big_sentences(tmp_path: Path) -> None:
    """Many sentences just under the limits: twice the text, about twice the time."""
    from tracker.extract import MAX_SENTENCE_NUMBERS, extract
    from tracker.ingest import ingest_text
    from tracker.structure import structure

    def timed(k: int) -> float:
        sent = "、".join(f"第{i}项增长{i % 9 + 1}%" for i in range(MAX_SENTENCE_NUMBERS // 2 - 1)) + "。\n"
        text = _many_figures(1) + sent * k
        doc = ingest_text(text, "x.txt", region="上海市", year=2024)
        secs = structure(doc)
        t0 = time.perf_counter()
        extract(doc, secs)
        return time.perf_counter() - t0

    timed(5)
    small, big = min(timed(20) for _ in range(2)), min(timed(80) for _ in range(2))
    assert big < 4 * small * 2.0, (small, big)
