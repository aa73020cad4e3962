"""Page contexts built from the bundled reports, compared with the JSON snapshots in tests/snapshots/.

The templates only display these contexts, so a change in what a page says shows up
here as a readable JSON diff. When a change is intended (a better extractor, a new
field), regenerate the snapshots and review the diff before committing:

    TRACKER_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_site_snapshots.py
    git diff tests/snapshots/
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE
from tracker.db import open_db
from tracker.pipeline import ingest_paths, match_all
from tracker.site import Site, build_site

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("TRACKER_UPDATE_SNAPSHOTS") == "1"
HOW = "if the change is intended: TRACKER_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_site_snapshots.py"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    engine = open_db(f"sqlite:///{tmp_path_factory.mktemp('snap') / 'db.sqlite'}")
    res = ingest_paths(engine, SAMPLE)
    assert not res.failed, res.failed
    match_all(engine)
    return build_site(engine)


def views(site: Site) -> dict[str, Any]:
    """One JSON document per page (source pages without the text itself: it is the report)."""
    out: dict[str, Any] = {
        "index": site.index.model_dump(mode="json"),
        "goals": site.goals.model_dump(mode="json"),
        "methods": site.methods.model_dump(mode="json"),
        "indicators": [p.model_dump(mode="json") for p in site.indicators],
    }
    for card in site.scorecards:
        out[f"scorecard-{Path(card.source).stem}"] = card.model_dump(mode="json")
    for src in site.sources:
        out[f"source-{Path(src.source).stem}"] = src.model_dump(
            mode="json", exclude={"segments": {"__all__": {"text"}}}
        )
    return out


def _first_difference(a: Any, b: Any, path: str = "$") -> str:
    if type(a) is not type(b):
        return f"{path}: {a!r:.120} != {b!r:.120}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in the {'snapshot' if k in b else 'new context'}"
            if a[k] != b[k]:
                return _first_difference(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items, the snapshot has {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r:.120} != {b!r:.120}"


def test_page_contexts_match_the_snapshots(site: Site) -> None:
    current = views(site)
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        for old in SNAPSHOTS.glob("*.json"):
            if old.stem not in current:
                old.unlink()
        for name, data in current.items():
            (SNAPSHOTS / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    on_disk = {p.stem for p in SNAPSHOTS.glob("*.json")}
    assert on_disk == set(current), f"snapshots {sorted(on_disk ^ set(current))} missing or extra; {HOW}"
    for name, data in current.items():
        snap = json.loads((SNAPSHOTS / f"{name}.json").read_text("utf-8"))
        assert data == snap, f"{name}.json: {_first_difference(data, snap)}; {HOW}"


def test_snapshots_are_json_of_the_typed_contexts() -> None:
    """The snapshot files parse back into the page models, so they document the shape the templates get."""
    from tracker.site import IndexPage, ScorecardPage

    IndexPage.model_validate_json((SNAPSHOTS / "index.json").read_text("utf-8"))
    card = ScorecardPage.model_validate_json((SNAPSHOTS / "scorecard-shanghai-2018.json").read_text("utf-8"))
    assert any(g.status == "met" for grp in card.groups for g in grp.goals)
