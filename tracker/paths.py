"""Where the templates and migrations are: beside the package in a checkout, inside it when installed."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: tracker's build stamp, written into every site folder it builds: only a folder carrying it is
#: ever replaced by a new site, and ingest never reads a folder carrying it as reports
BUILD_FILE = ".tracker-build.json"
ROOT = PACKAGE.parent


def _find(name: str) -> Path:
    for cand in (ROOT / name, PACKAGE / f"_{name}"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError(f"{name}/ not found beside or inside the tracker package")


def templates_dir() -> Path:
    return _find("templates")


def migrations_dir() -> Path:
    return _find("migrations")
