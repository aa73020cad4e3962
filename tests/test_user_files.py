"""Nothing a user owns is ever deleted, moved or read as a report: --out, the site inside the reports
folder, and every command that writes leaves every other file as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import REPORTS
from tracker import store
from tracker.cli import main
from tracker.db import open_db

REPORT = REPORTS / "pudong-2024.txt"
BUILD_FILE = ".tracker-build.json"  # tracker's build stamp in a site folder


def tracker(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def error_line(res: Result) -> str:
    """The one line the user is shown (no traceback)."""
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    return lines[0]


def tree(root: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every file and folder under ``root`` (but ``skip``) with a digest of its content."""
    out: dict[str, str] = {}
    for dirpath, dirs, files in os.walk(root):
        d = Path(dirpath)
        dirs[:] = [x for x in dirs if d / x not in skip]
        for name in dirs:
            out[str((d / name).relative_to(root)) + "/"] = ""
        for name in files:
            p = d / name
            if p in skip or name.startswith("tracker.db"):
                continue
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project: reports, notes, a folder of their own."""
    (tmp_path / "reports").mkdir()
    shutil.copy(REPORT, tmp_path / "reports" / REPORT.name)
    (tmp_path / "notes.md").write_text("my notes", "utf-8")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "draft.txt").write_text("draft", "utf-8")
    return tmp_path


# ------------------------------------------------------------------------------------- --out


def test_out_refuses_a_folder_tracker_did_not_build(project: Path) -> None:
    before = tree(project)
    db = f"sqlite:///{project / 'tracker.db'}"
    res = tracker("run", str(project / "reports"), "--db", db, "--out", str(project / "mine"))
    assert error_line(res) == (
        f"error: {project / 'mine'}: is a folder tracker did not build (no {BUILD_FILE}) and is not empty; "
        "pass --out with a new or empty folder, or a site folder tracker built"
    )
    assert tree(project) == before
    assert store.documents(open_db(db)) == []  # refused before any work
    res = tracker("render", "--db", db, "--out", str(project / "mine"))
    assert "is a folder tracker did not build" in error_line(res)
    assert tree(project) == before


def test_out_dot_in_a_project_deletes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    before = tree(project, skip=(project / ".tracker",))
    res = tracker("run", "reports", "--out", ".")  # the default database .tracker/tracker.db is inside
    assert error_line(res) == (
        f"error: .: holds the database {project / '.tracker' / 'tracker.db'}; pass --out with a folder that "
        "does not hold the database (the site folder is replaced whole)"
    )
    assert tree(project, skip=(project / ".tracker",)) == before
    assert (project / ".tracker" / "tracker.db").is_file()
    elsewhere = f"sqlite:///{project.parent / (project.name + '.db')}"
    res = tracker("run", "reports", "--db", elsewhere, "--out", ".")
    assert error_line(res) == (
        "error: .: holds the input reports; pass --out with a folder apart from the reports "
        "(the site folder is replaced whole)"
    )
    assert tree(project, skip=(project / ".tracker",)) == before


def test_out_holding_the_database_never_deletes_it(tmp_path: Path) -> None:
    d = tmp_path / "d"
    db = f"sqlite:///{d / 'tracker.db'}"
    res = tracker("run", str(REPORT), "--db", db, "--out", str(d))
    assert error_line(res).startswith(f"error: {d}: holds the database {d / 'tracker.db'};")
    assert (d / "tracker.db").is_file()
    # also when the folder is a site tracker built (the database moved into it later)
    site = tmp_path / "site"
    assert tracker("run", str(REPORT), "--db", db.replace("/d/", "/e/"), "--out", str(site)).exit_code == 0
    for f in (tmp_path / "e").iterdir():  # the database with its -wal file
        shutil.copy(f, site / f.name)
    res = tracker("run", str(REPORT), "--db", f"sqlite:///{site / 'tracker.db'}", "--out", str(site))
    assert "holds the database" in error_line(res)
    assert store.documents(open_db(f"sqlite:///{site / 'tracker.db'}"))  # still there, still whole


def test_out_an_existing_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("mine", "utf-8")
    res = tracker("run", str(REPORT), "--db", f"sqlite:///{tmp_path / 'tracker.db'}", "--out", str(target))
    assert error_line(res) == f"error: {target}: is a file, not a folder tracker built; pass --out with a new folder"
    assert target.read_text("utf-8") == "mine"


def test_a_site_tracker_built_or_an_empty_folder_is_replaced(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    site = tmp_path / "site"
    site.mkdir()
    assert tracker("run", str(REPORT), "--db", db, "--out", str(site)).exit_code == 0
    assert (site / BUILD_FILE).is_file() and (site / "index.html").is_file()
    (site / "index.html").unlink()  # something to rebuild
    assert tracker("render", "--db", db, "--out", str(site)).exit_code == 0  # render stamps its site too
    assert (site / BUILD_FILE).is_file() and (site / "index.html").is_file()
    assert tracker("run", str(REPORT), "--db", db, "--out", str(site)).exit_code == 0


def test_leftovers_beside_the_site_are_deleted_only_when_tracker_made_them(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    site = tmp_path / "site"
    assert tracker("run", str(REPORT), "--db", db, "--out", str(site)).exit_code == 0
    theirs = tmp_path / ".site.old"  # named like tracker's aside folder, but the user's
    theirs.mkdir()
    (theirs / "keep.txt").write_text("mine", "utf-8")
    lookalike = tmp_path / ".site.building-mine"
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("mine", "utf-8")
    assert tracker("render", "--db", db, "--out", str(site)).exit_code == 0
    assert (theirs / "keep.txt").read_text("utf-8") == "mine"
    assert (lookalike / "keep.txt").read_text("utf-8") == "mine"


# ------------------------------------------------------------------------------- site as input


def test_a_site_inside_the_reports_folder_is_never_read_as_reports(tmp_path: Path) -> None:
    inp = tmp_path / "reports"
    inp.mkdir()
    for name in ("shanghai-2018.txt", "shanghai-2024.txt"):
        shutil.copy(REPORTS / name, inp / name)
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    first = tracker("run", str(inp), "--db", db, "--out", str(inp / "site"))
    assert first.exit_code == 0, first.output
    docs = [d.source for _, d in store.documents(open_db(db))]
    for args in ((), ("--replace",)):
        again = tracker("run", str(inp), "--db", db, "--out", str(inp / "site"), *args)
        assert again.exit_code == 0, again.output
        assert "0 report(s) added, 2 unchanged, 0 failed" in again.stderr
        assert [d.source for _, d in store.documents(open_db(db))] == docs
    # any folder carrying the stamp is skipped, wherever it is
    copy = inp / "old-site"
    shutil.copytree(inp / "site", copy)
    again = tracker("run", str(inp), "--db", db, "--out", str(inp / "site"), "--replace")
    assert "0 report(s) added, 2 unchanged, 0 failed" in again.stderr


# ---------------------------------------------------------- every writer touches only its target


def _built(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'work' / 'tracker.db'}"
    assert tracker("run", str(REPORT), "--db", db, "--out", str(tmp_path / "work" / "site")).exit_code == 0
    return db


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(REPORT), "--out", "{target}"],
        ["render", "--out", "{target}"],
        ["export", "--format", "json", "--output", "{target}"],
        ["export", "--format", "csv", "--output", "{target}"],
        ["review", "export", "--output", "{target}"],
    ],
    ids=["run", "render", "export-json", "export-csv", "review-export"],
)
def test_every_writer_touches_nothing_but_its_target(project: Path, command: list[str]) -> None:
    db = _built(project)
    target = project / "mine" / "out"
    (project / "mine" / "out.bak").write_text("neighbour", "utf-8")
    (project / "mine" / ".out.tmp").write_text("a hidden neighbour", "utf-8")
    before = tree(project, skip=(project / "work", target))
    res = tracker(*[a.replace("{target}", str(target)) for a in command], "--db", db)
    assert res.exit_code == 0, res.output
    assert target.exists()
    assert tree(project, skip=(project / "work", target)) == before


# ------------------------------------------------------------------ export to a device or a link


@pytest.mark.parametrize(
    "command", [["export", "--format", "json"], ["export", "--format", "csv"], ["review", "export"]]
)
def test_export_through_a_symbolic_link_keeps_the_link(tmp_path: Path, command: list[str]) -> None:
    db = _built(tmp_path)
    real = tmp_path / "data" / "export.out"
    real.parent.mkdir()
    real.write_text("old", "utf-8")
    real.chmod(0o640)
    link = tmp_path / "latest"
    link.symlink_to(real)
    res = tracker(*command, "--output", str(link), "--db", db)
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text("utf-8") not in ("", "old") and real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["export.out"]
    # a link to a device: the device is written to, the link stays
    null = tmp_path / "null"
    null.symlink_to("/dev/null")
    res = tracker(*command, "--output", str(null), "--db", db)
    assert res.exit_code == 0, res.output
    assert null.is_symlink() and Path("/dev/null").is_char_device()


def test_export_to_a_fifo_writes_through(tmp_path: Path) -> None:
    import threading

    db = _built(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    res = tracker("export", "--format", "json", "--output", str(fifo), "--db", db)
    reader.join(timeout=20)
    assert res.exit_code == 0, res.output
    assert fifo.is_fifo() and got
    assert b'"schema": "tracker.export/1"' in got[0] or b'"schema":"tracker.export/1"' in got[0]
