"""The main job: report files -> database -> matches -> scorecards. The CLI only calls this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from tracker import store
from tracker.errors import InputError, TrackerError
from tracker.extract import extract
from tracker.ingest import discover, ingest_file
from tracker.lexicon import Tolerances
from tracker.match import judge
from tracker.structure import structure

Progress = Callable[[str, int, int], None]


@dataclass
class RunResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # notes: already in the database
    failed: list[str] = field(default_factory=list)  # one-line errors
    statements: int = 0
    matches: int = 0
    index: Path | None = None


def ingest_paths(
    engine: Engine,
    paths: list[Path],
    *,
    region: str | None = None,
    year: int | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Ingest, structure and extract every report under ``paths``; each file is stored whole or not at all."""
    res = RunResult()
    files = discover(paths)
    for i, path in enumerate(files):
        if progress:
            progress(path.name, i, len(files))
        try:
            doc = ingest_file(path, region=region, year=year)
            if store.document_by_sha(engine, sha256=doc.sha256) is not None:
                res.skipped.append(f"{path}: already in the database, skipped")
                continue
            other = store.document_for(engine, region=doc.region.name, year=doc.year)
            if other is not None:
                if not replace:
                    raise InputError(
                        str(path),
                        f"the database already holds a different {doc.year} report for {doc.region.name} ({other[1]})",
                        "pass --replace to replace it",
                    )
                store.delete_document(engine, doc_id=other[0])
            secs = structure(doc)
            sts = extract(doc, secs)
            store.save_document(engine, doc=doc, sections=secs, statements=sts)
            res.added.append(str(path))
            res.statements += len(sts)
        except TrackerError as exc:
            res.failed.append(str(exc))
    if progress:
        progress("", len(files), len(files))
    return res


def match_all(engine: Engine, *, tolerances: Tolerances | None = None) -> int:
    """Recompute every match from the stored statements."""
    sts = [st for _, _, st in store.statements(engine)]
    matches, _ = judge(sts, tolerances=tolerances)
    return store.replace_matches(engine, matches=matches)
