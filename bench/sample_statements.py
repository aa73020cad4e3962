"""A fixed random sample of statements from a corpus export, for a blind hand check.

Reads a ``tracker export --format json`` file (tracker.export/1), sorts its statements by
numeric id, draws ``N`` of them with ``random.Random(SEED).sample`` and writes one block per
statement for a judge: the verbatim quote and what tracker read from it (indicator name,
value, unit, comparator, measure, period, kind), with the report and section it came from,
and an empty verdict line (OK / MINOR / WRONG and why). The same export and seed give the
same sample.

Without an export path, the export of the 23 development reports (``tests.conftest.REPORTS``
and ``CORPUS``) is built first in a temporary database.

Usage:
    python bench/sample_statements.py [--export EXPORT.json] [--n 100] [--seed 20261204] OUT.md
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def build_export(out: Path) -> None:
    """Run the tracker on the sample and development reports into a temporary database."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import CORPUS, REPORTS

    tracker = Path(sys.executable).with_name("tracker")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for p in sorted(REPORTS.glob("*.txt")) + sorted(CORPUS.glob("*.txt")):
            (src / p.name).symlink_to(p)
        db = f"sqlite:///{Path(tmp) / 'tracker.db'}"
        subprocess.run(
            [str(tracker), "run", "--db", db, "--out", str(Path(tmp) / "site"), "-j", "1", str(src)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run([str(tracker), "export", "--db", db, "--format", "json", "--output", str(out)], check=True)


def fmt_value(s: dict[str, Any]) -> str:
    v = s["value"]
    if v is None:
        return "—"
    if s.get("value_high") is not None:
        return f"{v}–{s['value_high']}"
    return str(v)


def block(i: int, s: dict[str, Any], source: str) -> str:
    per = s["period"]
    period = f"{per['start']}" if per["start"] == per["end"] else f"{per['start']}–{per['end']}"
    extra = []
    for key in ("baseline", "stretch", "relation"):
        if s.get(key) is not None:
            extra.append(f"{key} {s[key]}")
    return "\n".join(
        [
            f"## {i}. {s['id']} ({source}, {s['section']})",
            f"- quote: {s['quote']}",
            f"- indicator: {s['indicator']['name']}" + (f" [{s['indicator']['id']}]" if s["indicator"]["id"] else ""),
            f"- value: {fmt_value(s)}  unit: {s['unit'] or '—'}  comparator: {s['comparator']}",
            f"- measure: {s['measure']}  period: {period}  kind: {s['kind']}"
            + (f"  ({', '.join(extra)})" if extra else ""),
            "- verdict: ",
            "",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--export", type=Path, default=None)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20261204)
    a = ap.parse_args()
    export = a.export
    if export is None:
        export = a.out.with_suffix(".export.json")
        build_export(export)
    data = json.loads(export.read_text(encoding="utf-8"))
    docs = {d["id"]: d["source"] for d in data["documents"]}
    rows = sorted(data["statements"], key=lambda s: int(s["id"].lstrip("s")))
    picked = random.Random(a.seed).sample(rows, min(a.n, len(rows)))
    head = (
        f"# Blind check: {len(picked)} of {len(rows)} statements, seed {a.seed}, export {export}\n\n"
        "Judge each against its quote: is it a goal or outcome at all, and are the indicator name, "
        "value, unit, comparator, measure, period and kind right? Verdict: OK / MINOR / WRONG, and why.\n\n"
    )
    a.out.write_text(head + "\n".join(block(i + 1, s, docs[s["document"]]) for i, s in enumerate(picked)), "utf-8")
    print(a.out)


if __name__ == "__main__":
    main()
