"""Benchmark: a large generated corpus through the real ``tracker`` command.

    .venv/bin/python bench/run.py                        # 1,000 reports, 2 workers
    .venv/bin/python bench/run.py --n 200 --big-mb 2     # a quicker look

Builds the corpus (bench/corpus.py) in bench/out/corpus, then measures, each step in
a fresh ``tracker`` process on a fresh SQLite database in bench/out:
extraction throughput (ingest + structure + extract, one process, characters per
second per core); a full ``tracker run``; a re-run with nothing changed; a re-run
with 10 reports changed (``--replace``); ``tracker render``; matching cost at 1/4,
1/2 and all of the statements; the peak resident memory of the largest tracker
process; one very large report (``--big-mb``, 19 MB by default) through ``tracker run``.
Every time is also given as a multiple of a bare regex scan of the same corpus (read,
decode, find every number), timed in the same run, so figures taken on machines of
different speed or load can be compared. Prints a table and writes bench/out/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
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

TARGETS = {
    "full_run_s": 30.0,
    "full_run_x_scan": 150.0,
    "unchanged_run_s": 10.0,
    "changed_run_share": 0.1,
    "peak_rss_mb": 400.0,
    "big_report_rss_mb": 400.0,
}
# the bare scan: every figure (a number, with a unit-ish tail) in the text
SCAN = re.compile(r"\d+(?:\.\d+)?(?:%|％|亿|万|元|个|家|人|项|公里|吨)?")

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


def regex_scan(files: list[Path], repeat: int = 3) -> dict[str, float]:
    """Wall time of reading, decoding and regex-scanning every file once in this process (best of ``repeat``)."""
    best = float("inf")
    found = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = 0
        for f in files:
            found += len(SCAN.findall(f.read_bytes().decode("utf-8")))
        best = min(best, time.perf_counter() - t0)
    chars = sum(len(f.read_text("utf-8")) for f in files)
    return {"seconds": round(best, 3), "matches": found, "chars_per_s": round(chars / best)}


def big_report(files: list[Path], mb: float, out: Path, log: Path, tracker: list[str]) -> dict[str, float]:
    """One report of about ``mb`` MB (a generated report's body repeated under its own heading) through
    ``tracker run``, on a fresh database: time and peak memory."""
    d = out / "big"
    shutil.rmtree(d, ignore_errors=True)
    (d / "in").mkdir(parents=True)
    text = files[0].read_text("utf-8")
    head, body = text[: text.index("\n", 200) + 1], text[text.index("\n", 200) + 1 :]
    parts = [head]
    size = len(head.encode())
    k = 0
    while size < mb * 1e6:
        # every copy a little different (its figures), as a long report's parts are
        part = re.sub(r"(\d+)\.(\d)%", lambda m, k=k: f"{m[1]}.{(int(m[2]) + k) % 10}%", body)
        parts.append(part)
        size += len(part.encode())
        k += 1
    f = d / "in" / files[0].name
    f.write_text("".join(parts), "utf-8")
    cmd = [*tracker, "run", str(f), "--db", f"sqlite:///{d / 'big.db'}", "--out", str(d / "site"), "--jobs", "1"]
    r = measure(cmd, out, log)
    return {"mb": round(size / 1e6, 1), **r}


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
    ap.add_argument("--big-mb", type=float, default=19.0, help="size of the one large report in MB (0: skip)")
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
    print("regex scan …", flush=True)
    scan = regex_scan(files)
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
    big = None
    if args.big_mb > 0:
        print(f"one {args.big_mb:g} MB report …", flush=True)
        big = big_report(files, args.big_mb, out, log, tracker)
    scan_after = regex_scan(files)  # timed again: the multiples use the faster of the two
    if scan_after["seconds"] < scan["seconds"]:
        scan = scan_after

    from tracker import store
    from tracker.db import open_db

    eng = open_db(f"sqlite:///{db}")
    n_docs = len(store.documents(eng))
    n_st = len(store.statements(eng))
    n_match = store.count_matches(eng)
    peak = max(s["peak_rss_mb"] for s in steps.values())
    full_s = steps["full_run"]["seconds"]
    x_scan = full_s / scan["seconds"]
    share = steps["changed_run"]["seconds"] / full_s
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
        "regex_scan": scan,
        "full_run_x_scan": round(x_scan, 1),
        "changed_run_share": round(share, 3),
        "big_report": big,
        "steps": steps,
        "match_scaling": scaling,
        "peak_rss_mb": peak,
        "targets": TARGETS,
    }
    (out / "bench.json").write_text(json.dumps(result, indent=1))

    def ok(good: bool) -> str:
        return "ok" if good else "MISSED"

    def x(seconds: float) -> str:
        return f"{seconds / scan['seconds']:,.0f}× the regex scan"

    rows = [
        ("corpus", f"{len(files)} reports, {chars / 1e6:.1f} M characters", ""),
        ("database", f"{n_docs} documents, {n_st:,} statements, {n_match:,} matches", ""),
        (
            "extraction throughput",
            f"{tp['chars_per_s_per_core']:,} chars/s per core ({tp['statements_per_s_per_core']:,} statements/s)",
            "",
        ),
        ("bare regex scan of the corpus (read, decode, find figures)", f"{scan['seconds']:.2f} s", ""),
        (
            f"full run, {len(files)} reports, --jobs {args.jobs}",
            f"{full_s:.1f} s ({x_scan:,.0f}× the regex scan)",
            f"<= {TARGETS['full_run_s']:g} s {ok(full_s <= TARGETS['full_run_s'])}, "
            f"<= {TARGETS['full_run_x_scan']:g}× {ok(x_scan <= TARGETS['full_run_x_scan'])}",
        ),
        (
            "re-run, nothing changed",
            f"{steps['unchanged_run']['seconds']:.1f} s ({x(steps['unchanged_run']['seconds'])})",
            f"<= {TARGETS['unchanged_run_s']:g} s {ok(steps['unchanged_run']['seconds'] <= TARGETS['unchanged_run_s'])}",
        ),
        (
            f"re-run, {len(changed)} reports changed",
            f"{steps['changed_run']['seconds']:.1f} s ({share:.2f} of the full run; {x(steps['changed_run']['seconds'])})",
            f"<= {TARGETS['changed_run_share']:g} of the full run {ok(share <= TARGETS['changed_run_share'])}",
        ),
        (
            "render (tracker render, the whole site)",
            f"{steps['render']['seconds']:.1f} s ({x(steps['render']['seconds'])})",
            "",
        ),
        *[
            (
                f"matching {s['statements']:,} statements",
                f"{s['seconds']:.2f} s ({s['us_per_statement']} µs/statement)",
                "",
            )
            for s in scaling
        ],
        (
            "peak memory (largest process, corpus steps)",
            f"{peak:.0f} MB",
            f"<= {TARGETS['peak_rss_mb']:g} MB {ok(peak <= TARGETS['peak_rss_mb'])}",
        ),
    ]
    if big is not None:
        rows.append(
            (
                f"one {big['mb']:g} MB report (tracker run)",
                f"{big['seconds']:.1f} s, {big['peak_rss_mb']:.0f} MB",
                f"<= {TARGETS['big_report_rss_mb']:g} MB {ok(big['peak_rss_mb'] <= TARGETS['big_report_rss_mb'])}",
            )
        )
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
