from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
# the three sample reports (the gold in the README's score command covers these)
SAMPLE = sorted(REPORTS.glob("*.txt"))
# the twenty development reports (ten regions, 2025 and 2026), bundled with the project
CORPUS = REPORTS / "corpus"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"
