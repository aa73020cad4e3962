"""The main job: report files -> database -> matches -> scorecards. The CLI only calls this.

Scale and failure rules:
- A file whose decoded text is already stored (same sha256) is skipped before any parsing.
- Parsing (ingest, structure, extract) runs in worker processes (``jobs``); every database
  write happens in this process, one transaction per document, so a run killed at any
  point leaves each document stored whole or not at all, and the next run does the rest.
- When nothing changed since the site in ``out`` was built (same documents, tolerances,
  matches and code), matching and rendering are skipped: the site is already correct.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Collection, Generator, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DataError

from tracker import store
from tracker.errors import InputError, TrackerError
from tracker.extract import extract
from tracker.ingest import discover, ingest_text, name_problem, read_text, sha256, shown_path
from tracker.lexicon import Tolerances, lexicon
from tracker.match import judge
from tracker.models import Document, Match, Section, Statement
from tracker.paths import BUILD_FILE  # the stamp also holds the fingerprint of what the site was built from
from tracker.structure import structure

Progress = Callable[[str, int, int], None]
Parsed = tuple[Document, list[Section], list[Statement]]

MATCH_BATCH = 20000  # statements judged at a time (whole regions)
AUTO_PARALLEL_MIN = 8  # with jobs=0 (auto), fewer files than this are read in this process


GC_THRESHOLD = (100_000, 50, 1000)  # see tune_gc


def tune_gc() -> None:
    """Collect garbage less often. tracker builds hundreds of thousands of small long-lived objects
    (statements, page contexts); with the default thresholds the collector rescans them again and
    again, which took a third of the CPU time of rendering. Reference counting still frees
    everything at once; only cycles wait longer."""
    gc.set_threshold(*GC_THRESHOLD)


@dataclass
class RunResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # notes: already in the database
    notes: list[str] = field(default_factory=list)  # notes: parts of a stored report that were not read
    failed: list[str] = field(default_factory=list)  # one-line errors
    statements: int = 0
    matches: int = 0
    index: Path | None = None
    rebuilt: bool = True  # False: nothing changed, the site in place was kept


def parse(
    text: str,
    source: str,
    region: str | None,
    year: int | None,
    *,
    shown: str | None = None,
    notes: list[str] | None = None,
) -> Parsed | str:
    """Ingest, structure and extract one decoded report; a one-line error instead of raising.

    ``shown``: the file as the user gave it, named in the error (as ``ingest_file`` does).
    ``notes``: receives what of the report could not be read (see ``extract``).
    """
    try:
        doc = ingest_text(text, source, region=region, year=year)
        secs = structure(doc)
        return doc, secs, extract(doc, secs, notes=notes)
    except InputError as exc:
        return str(InputError(shown or exc.path, exc.problem, exc.hint))
    except TrackerError as exc:
        return str(exc)


# what a worker sends back for one file:
# ("skip", sha) | ("error", message) | ("ok", sha, rows, n statements, notes)
Outcome = tuple[str, str] | tuple[str, str, store.Prepared, int, list[str]]
_KNOWN: frozenset[str] = frozenset()  # sha256 of the stored texts, set in each worker


def _init_worker(known: frozenset[str], parent: int) -> None:
    global _KNOWN
    _KNOWN = known
    # SIGTERM ends a worker (it must not run the parent's handler); a worker ends when the parent dies
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    lexicon()  # load once per worker


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies, even by SIGKILL (Linux; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


class Terminated(SystemExit):
    """SIGTERM received: raised in the main thread, so that every ``finally`` runs (workers are ended,
    the open transaction is rolled back, the half-built site is removed) before the process exits."""


def _on_sigterm(signum: int, _frame: object) -> None:
    raise Terminated(128 + signum)


@contextmanager
def terminable() -> Iterator[None]:
    """Turn SIGTERM into ``Terminated`` for the duration (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def read_and_parse(path: Path, region: str | None, year: int | None, known: frozenset[str]) -> Outcome:
    """Read and decode one file; unless its text is already stored, parse it into rows to insert."""
    bad_name = name_problem(path)
    if bad_name is not None:
        return ("error", str(bad_name))
    try:
        text = read_text(path)
    except TrackerError as exc:
        return ("error", str(exc))
    digest = sha256(text)
    if digest in known:
        return ("skip", digest)
    notes: list[str] = []
    parsed = parse(text, path.name, region, year, shown=shown_path(path), notes=notes)
    if isinstance(parsed, str):
        return ("error", parsed)
    doc, secs, sts = parsed
    return ("ok", digest, store.prepare(doc, secs, sts), len(sts), notes)


def _job(args: tuple[Path, str | None, int | None]) -> Outcome:
    return read_and_parse(*args, _KNOWN)


def _pool(jobs: int, known: frozenset[str]) -> Executor:
    methods = multiprocessing.get_all_start_methods()
    # fork is fast (the lexicon is already loaded) but unsafe once threads run
    method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(known, os.getpid()),
    )


def _end_workers(ex: Executor) -> None:
    """Stop the pool now: pending work cancelled, running workers terminated (not waited for)."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)


def _in_order(
    items: list[tuple[Path, str | None, int | None]], jobs: int, known: frozenset[str]
) -> Generator[Outcome, None, None]:
    """Read and parse every file, yielding results in input order, with a bounded number in flight."""
    if jobs <= 1 or len(items) <= 1:
        for path, region, year in items:
            yield read_and_parse(path, region, year, known)
        return
    ex = _pool(jobs, known)
    try:
        window: deque[Future[Outcome]] = deque()
        rest = iter(items)
        for first in rest:
            window.append(ex.submit(_job, first))
            if len(window) >= 4 * jobs:
                break
        while window:
            fut = window.popleft()
            nxt = next(rest, None)
            if nxt is not None:
                window.append(ex.submit(_job, nxt))
            yield fut.result()
    except BaseException:  # SIGTERM, Ctrl-C, an error while storing: no worker outlives the run
        _end_workers(ex)
        raise
    ex.shutdown(wait=True)


def resolve_jobs(jobs: int, n: int) -> int:
    """``jobs`` workers; 0 means one per CPU when there are enough reports to pay for the start-up."""
    if jobs > 0:
        return jobs
    if n < AUTO_PARALLEL_MIN:
        return 1
    return max(1, min(os.cpu_count() or 1, n))


def ingest_paths(
    engine: Engine,
    paths: list[Path],
    *,
    region: str | None = None,
    year: int | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
) -> RunResult:
    """Ingest, structure and extract every report under ``paths``; each file is stored whole or not at all.

    A file whose decoded text is already stored is skipped before any parsing. Workers
    read and parse; this process alone writes, one transaction per report.
    """
    res = RunResult()
    files = discover(paths)
    known = frozenset(store.document_shas(engine))
    seen: set[str] = set()
    n = len(files)
    items = [(path, region, year) for path in files]
    outcomes = _in_order(items, resolve_jobs(jobs, n), known)
    with closing(outcomes):  # on any error here the workers are ended at once, not when collected
        for i, (path, outcome) in enumerate(zip(files, outcomes, strict=True)):
            if progress:
                progress(path.name, i, n)
            kind, digest = outcome[0], outcome[1]
            if kind == "error":
                res.failed.append(digest)
                continue
            if kind == "skip" or digest in seen:
                res.skipped.append(f"{path}: already in the database, skipped")
                continue
            assert len(outcome) == 5
            rows, n_st, notes = outcome[2], outcome[3], outcome[4]
            seen.add(digest)
            try:
                other = store.document_for(engine, region=rows.region, year=rows.year)
                if other is not None and not replace:
                    raise InputError(
                        str(path),
                        f"the database already holds a different {rows.year} report for {rows.region} ({other[1]})",
                        "pass --replace to replace it",
                    )
                store.save_prepared(engine, rows, replace_id=other[0] if other else None)
                res.added.append(str(path))
                res.statements += n_st
                res.notes.extend(f"{shown_path(path)}: {n}" for n in notes)
            except TrackerError as exc:
                res.failed.append(str(exc))
            except (DataError, ValueError, UnicodeError) as exc:
                # what this one file holds cannot be stored (the transaction is rolled back): it fails alone
                why = str(getattr(exc, "orig", None) or exc).strip().splitlines()
                res.failed.append(
                    f"{shown_path(path)}: cannot be stored in the database ({why[0] if why else type(exc).__name__}); "
                    "fix or remove the file"
                )
    if progress:
        progress("", n, n)
    return res


def match_all(
    engine: Engine,
    *,
    tolerances: Tolerances | None = None,
    rows: list[tuple[int, int, Statement]] | None = None,
    regions: set[str] | None = None,
) -> int:
    """Recompute every match from the stored statements (``rows``: already loaded).

    Matching never crosses a region, so the statements are loaded and judged a group of
    regions at a time: memory stays bounded however large the database grows.
    ``regions``: recompute only the matches of these regions (the others are unchanged).
    Returns the number of matches computed.
    """
    if rows is not None:
        matches, _ = judge([st for _, _, st in rows], tolerances=tolerances)
        return store.replace_matches(engine, matches=matches)
    if regions is not None:
        part = store.statements(engine, regions=sorted(regions)) if regions else []
        ms, _ = judge([st for _, _, st in part], tolerances=tolerances)
        store.replace_matches_in(engine, regions=sorted(regions), matches=ms)
        return store.count_matches(engine)
    found: list[tuple[tuple[int, int, int], Match]] = []
    for group in store.region_batches(engine, size=MATCH_BATCH):
        part = store.statements(engine, regions=group)
        order = {st.key: (doc_id, st.span.start, rid) for rid, doc_id, st in part if st.kind == "goal"}
        ms, _ = judge([st for _, _, st in part], tolerances=tolerances)
        found.extend((order[m.goal], m) for m in ms)
    found.sort(key=lambda x: x[0])  # the order of one judge() over everything: goals in document order
    return store.replace_matches(engine, matches=[m for _, m in found])


# ---------------------------------------------------------------- incremental runs


def _code_digest() -> str:
    """Digest of the tracker code and templates: a new version re-renders the site."""
    from tracker.paths import templates_dir

    h = hashlib.sha256()
    for root in (Path(__file__).resolve().parent, templates_dir()):
        for f in sorted(root.rglob("*")):
            if f.is_file() and f.suffix in (".py", ".yaml", ".html", ".css", ".js"):
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def fingerprint(engine: Engine, tolerances: Tolerances | None) -> dict[str, str]:
    """What the site is a function of: the stored documents, matches and reviews, the tolerances and the code."""
    tol = tolerances or lexicon().tolerances
    return {
        "documents": store.documents_digest(engine),
        "matches": store.matches_digest(engine),
        "reviews": store.reviews_digest(engine),
        "tolerances": hashlib.sha256(tol.model_dump_json().encode()).hexdigest(),
        "extractor": store.EXTRACTOR_VERSION,
        "code": _code_digest(),
    }


def read_build(out: Path) -> dict[str, Any] | None:
    """What the site in ``out`` was built from, if it says."""
    try:
        built = json.loads((out / BUILD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(built, dict) or not isinstance(built.get("fingerprint"), dict):
        return None
    return built


def site_is_current(out: Path, fp: dict[str, str]) -> bool:
    built = read_build(out)
    return built is not None and built["fingerprint"] == fp and (out / "index.html").is_file()


def changed_regions(engine: Engine, built: dict[str, Any] | None, fp: dict[str, str]) -> set[str] | None:
    """The regions whose reports changed since the site was built, when only they need matching again;
    None when every match must be recomputed (other tolerances or code, or matches changed meanwhile)."""
    if built is None or any(
        built["fingerprint"].get(k) != fp[k] for k in ("matches", "tolerances", "extractor", "code")
    ):
        return None
    try:
        before = {(str(h), str(r)) for h, r in built.get("documents", [])}
    except (TypeError, ValueError):
        return None
    now = set(store.document_regions(engine))
    return {r for _, r in before ^ now}


def unchanged_regions(built: dict[str, Any] | None, fp: dict[str, str], regions: dict[str, str]) -> set[str]:
    """The regions whose pages in the site as built are still right: same code, tolerances and extractor,
    and the same digest of the region (``store.region_digests``); none when a decision about a goal no
    longer stored changed (it may be re-attached in any region)."""
    if built is None or any(built["fingerprint"].get(k) != fp[k] for k in ("tolerances", "extractor", "code")):
        return set()
    before = built.get("regions")
    if not isinstance(before, dict) or before.get("") != regions.get(""):
        return set()
    return {r for r, d in regions.items() if r and before.get(r) == d}


def run(
    engine: Engine,
    paths: list[Path],
    out: Path,
    *,
    region: str | None = None,
    year: int | None = None,
    replace: bool = False,
    tolerances: Tolerances | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> RunResult:
    """The whole job: ingest what is new, then (unless nothing changed) match and render the site.

    Only the regions whose reports changed since the site in ``out`` was built are matched again,
    and only their pages (with the pages that show every region) are rendered again.
    """
    from tracker.site import check_out

    check_out(out, engine, inputs=paths)  # before any work: a refused --out costs nothing
    res = ingest_paths(engine, paths, region=region, year=year, replace=replace, progress=progress, jobs=jobs)
    fp = fingerprint(engine, tolerances)
    built = read_build(out)
    if not res.added and site_is_current(out, fp):
        res.matches = store.count_matches(engine)
        res.index = out.resolve() / "index.html"
        res.rebuilt = False
        return res
    res.matches = match_all(engine, tolerances=tolerances, regions=changed_regions(engine, built, fp))
    fp = fingerprint(engine, tolerances)
    regions = store.region_digests(engine)
    manifest = {"fingerprint": fp, "documents": sorted(store.document_regions(engine)), "regions": regions}
    stamp = {BUILD_FILE: json.dumps(manifest, ensure_ascii=False)}
    reuse = unchanged_regions(built, fp, regions)
    res.index = publish(engine, out, tolerances=tolerances, extra_files=stamp, reuse=reuse)
    return res


def publish(
    engine: Engine,
    out: Path,
    *,
    tolerances: Tolerances | None = None,
    extra_files: dict[str, str] | None = None,
    reuse: Collection[str] = (),
) -> Path:
    """``render_site``, with a full disk said in one line (the previous site stays, the database is untouched)."""
    from tracker.site import render_site

    try:
        return render_site(engine, out, tolerances=tolerances, extra_files=extra_files, reuse=reuse)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        raise TrackerError(
            f"{out}: no space left on the device while writing the site; free some space and run again "
            "(the database is saved, the previous site is kept)"
        ) from exc
