"""The site swap: the new site replaces the old one whole; leftovers of a killed run are repaired."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPORTS
from tracker import site
from tracker.db import open_db
from tracker.pipeline import ingest_paths


@pytest.fixture
def engine(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    eng = open_db(db_url)
    res = ingest_paths(eng, [REPORTS / "pudong-2024.txt"])
    assert res.added
    return eng


@pytest.mark.parametrize("atomic", [True, False])
def test_render_replaces_the_site_whole(engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, atomic: bool) -> None:  # type: ignore[no-untyped-def]
    if not atomic:  # the two-rename fallback (no renameat2)
        monkeypatch.setattr(site, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    site.render_site(engine, out)
    (out / "stale.html").write_text("old page", "utf-8")  # a page of an older site tracker built
    site.render_site(engine, out)
    assert (out / "index.html").is_file() and (out / "export.json").is_file()
    assert not (out / "stale.html").exists()
    site.render_site(engine, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "tracker.db", *_wal(tmp_path)]


def _wal(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("tracker.db-"))


def test_leftovers_of_a_killed_render_are_repaired(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    site.render_site(engine, out)
    index = (out / "index.html").read_text("utf-8")
    # killed between moving the site aside and moving the new one in, with a half-built folder left
    out.rename(tmp_path / ".site.old")
    half = tmp_path / f".site.{site.TMP_TAG}x1y2"
    half.mkdir()
    (half / ".tracker-build.json").write_text("{}", "utf-8")  # the stamp is the first file of a build
    (half / "index.html").write_text("half", "utf-8")
    site._recover(out.resolve())
    assert (out / "index.html").read_text("utf-8") == index  # the previous site is back
    assert not half.exists() and not (tmp_path / ".site.old").exists()
    # other hidden folders beside the site are not touched
    keep = tmp_path / ".site.keep"
    keep.mkdir()
    site.render_site(engine, out)
    assert keep.is_dir()
    shutil.rmtree(keep)
