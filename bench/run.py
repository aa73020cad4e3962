"""Benchmark: a large generated corpus through the real ``tracker`` command.

    .venv/bin/python bench/run.py            # 1,000 reports, 2 workers
    .venv/bin/python bench/run.py --n 200    # a quicker look

Builds the corpus (bench/corpus.py) in bench/out/corpus, then measures, each step in
a fresh ``tracker`` process on a fresh SQLite database in bench/out:
extraction throughput (ingest + structure + extract, one process, characters per
second per core); a full ``tracker run``; a re-run with nothing changed; a re-run
with 10 reports changed (``--replace``); ``tracker render``; matching cost at 1/4,
1/2 and all of the statements; the peak resident memory of the largest tracker
process. Prints a table and writes bench/out/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

TARGETS = {"full_run_s": 120.0, "unchanged_run_s": 10.0, "peak_rss_mb": 1024.0}

# run a command, then report its wall time and the peak RSS of the largest process in its tree
_WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[2:])
dt = time.perf_counter() - t
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(json.dumps({"rc": r.returncode, "seconds": dt, "maxrss_kb": kb}))
"""


def measure(cmd: list[str], out: Path, log: Path) -> dict[str, float]:
    res_file = out / ".measure.json"
    with log.open("a") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n")
        fh.flush()
        subprocess.run([sys.executable, "-c", _WRAP, str(res_file), *cmd], stdout=fh, stderr=fh, check=False)
    r = json.loads(res_file.read_text())
    if r["rc"] not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {r['rc']}; see {log}")
    return {"seconds": round(r["seconds"], 2), "peak_rss_mb": round(r["maxrss_kb"] / 1024, 1), "rc": r["rc"]}


def throughput(files: list[Path], sample: int) -> dict[str, float]:
    """Characters per second of ingest + structure + extract in this one process (one core)."""
    from tracker.ingest import read_text
    from tracker.lexicon import lexicon
    from tracker.pipeline import parse

    lexicon()
    pick = random.Random(1).sample(files, min(sample, len(files)))
    texts = [(read_text(f), f.name) for f in pick]
    parse(texts[0][0], texts[0][1], None, None)  # warm caches
    chars = sum(len(t) for t, _ in texts)
    t0 = time.process_time()
    n_st = 0
    for text, name in texts:
        r = parse(text, name, None, None)
        assert not isinstance(r, str), r
        n_st += len(r[2])
    dt = time.process_time() - t0
    return {
        "reports": len(texts),
        "chars": chars,
        "cpu_seconds": round(dt, 2),
        "chars_per_s_per_core": round(chars / dt),
        "statements_per_s_per_core": round(n_st / dt),
    }


def match_scaling(db: Path) -> list[dict[str, float]]:
    """Time of matching a growing share of the regions: should grow about linearly."""
    from tracker import store
    from tracker.db import open_db
    from tracker.match import judge

    rows = [st for _, _, st in store.statements(open_db(f"sqlite:///{db}"))]
    regions = sorted({st.region for st in rows})
    out = []
    for frac in (0.25, 0.5, 1.0):
        keep = set(regions[: max(1, int(len(regions) * frac))])
        sub = [st for st in rows if st.region in keep]
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            judge(sub)
            best = min(best, time.perf_counter() - t0)
        out.append(
            {"statements": len(sub), "seconds": round(best, 3), "us_per_statement": round(1e6 * best / len(sub), 1)}
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="reports in the corpus (default 1000)")
    ap.add_argument("--jobs", type=int, default=2, help="tracker run --jobs (default 2)")
    ap.add_argument("--changed", type=int, default=10, help="reports changed for the incremental run (default 10)")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="work folder (default bench/out)")
    args = ap.parse_args()

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    cdir, db, site, log = out / "corpus", out / "bench.db", out / "site", out / "bench.log"
    for p in (cdir, site):
        shutil.rmtree(p, ignore_errors=True)
    for p in out.glob("bench.db*"):
        p.unlink()
    log.write_text("")
    t0 = time.perf_counter()
    files = corpus.generate(cdir, args.n)
    gen_s = time.perf_counter() - t0
    chars = sum(len(f.read_text("utf-8")) for f in files)
    print(f"corpus: {len(files)} reports, {chars:,} characters, generated in {gen_s:.1f} s", flush=True)

    load_before = os.getloadavg()
    tracker = [sys.executable, "-m", "tracker"]
    run = [*tracker, "run", str(cdir), "--db", f"sqlite:///{db}", "--out", str(site), "--jobs", str(args.jobs)]
    steps: dict[str, dict[str, float]] = {}
    print("extraction throughput …", flush=True)
    tp = throughput(files, 40)
    print(f"full run on {len(files)} reports (--jobs {args.jobs}) …", flush=True)
    steps["full_run"] = measure(run, out, log)
    print("re-run, nothing changed …", flush=True)
    steps["unchanged_run"] = measure(run, out, log)
    changed = random.Random(2).sample(files, min(args.changed, len(files)))
    for f in changed:
        corpus.change(f, args.n)
    print(f"re-run, {len(changed)} reports changed …", flush=True)
    steps["changed_run"] = measure([*run, "--replace"], out, log)
    print("render …", flush=True)
    steps["render"] = measure([*tracker, "render", "--db", f"sqlite:///{db}", "--out", str(site)], out, log)
    print("matching scaling …", flush=True)
    scaling = match_scaling(db)

    from tracker import store
    from tracker.db import open_db

    eng = open_db(f"sqlite:///{db}")
    n_docs = len(store.documents(eng))
    n_st = len(store.statements(eng))
    n_match = store.count_matches(eng)
    peak = max(s["peak_rss_mb"] for s in steps.values())
    load_after = os.getloadavg()
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "corpus": {"reports": len(files), "characters": chars, "generate_seconds": round(gen_s, 1)},
        "database": {"documents": n_docs, "statements": n_st, "matches": n_match},
        "jobs": args.jobs,
        "throughput": tp,
        "steps": steps,
        "match_scaling": scaling,
        "peak_rss_mb": peak,
        "targets": TARGETS,
    }
    (out / "bench.json").write_text(json.dumps(result, indent=1))

    ok = {
        "full_run": steps["full_run"]["seconds"] <= TARGETS["full_run_s"],
        "unchanged_run": steps["unchanged_run"]["seconds"] <= TARGETS["unchanged_run_s"],
        "peak": peak <= TARGETS["peak_rss_mb"],
    }
    rows = [
        ("corpus", f"{len(files)} reports, {chars / 1e6:.1f} M characters", ""),
        ("database", f"{n_docs} documents, {n_st:,} statements, {n_match:,} matches", ""),
        (
            "extraction throughput",
            f"{tp['chars_per_s_per_core']:,} chars/s per core ({tp['statements_per_s_per_core']:,} statements/s)",
            "",
        ),
        (
            f"full run, {len(files)} reports, --jobs {args.jobs}",
            f"{steps['full_run']['seconds']:.1f} s",
            f"<= 120 s {'ok' if ok['full_run'] else 'MISSED'}",
        ),
        (
            "re-run, nothing changed",
            f"{steps['unchanged_run']['seconds']:.1f} s",
            f"<= 10 s {'ok' if ok['unchanged_run'] else 'MISSED'}",
        ),
        (f"re-run, {len(changed)} reports changed", f"{steps['changed_run']['seconds']:.1f} s", ""),
        ("render (tracker render)", f"{steps['render']['seconds']:.1f} s", ""),
        *[
            (
                f"matching {s['statements']:,} statements",
                f"{s['seconds']:.2f} s ({s['us_per_statement']} µs/statement)",
                "",
            )
            for s in scaling
        ],
        ("peak memory (largest process)", f"{peak:.0f} MB", f"<= 1024 MB {'ok' if ok['peak'] else 'MISSED'}"),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print(f"\n| {'measure':{w0}} | {'result':{w1}} | target |")
    print(f"| {'-' * w0} | {'-' * w1} | ------ |")
    for a, b, c in rows:
        print(f"| {a:{w0}} | {b:{w1}} | {c} |")
    print(f"\nper-step peak memory (MB): { {k: v['peak_rss_mb'] for k, v in steps.items()} }")
    print(f"load average (1, 5, 15 min) before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs")
    print(f"wrote {out / 'bench.json'} (log: {log})")


if __name__ == "__main__":
    main()
