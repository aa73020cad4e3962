"""Evaluate the matcher on the development gold of goal -> result pairs.

Runs the real pipeline (``tracker run`` into a temporary SQLite database, then
``tracker export --format json``) on the development reports, locates every gold goal
and outcome among the exported statements, and prints:

- pair recall: gold pairs whose goal the tracker links to that outcome (or to an outcome
  with the same figure from the same sentence);
- verdict accuracy on the found pairs;
- trap errors: a trap's goal judged by the trap's outcome (``not_comparable`` allowed only
  where the annotation says ``not_comparable_ok``);
- the share of goals that are "no evidence" on the scorecards named by ``--scorecard``;
- with ``-v``, every miss, wrong verdict and trap error.

    .venv/bin/python tests/cases/matching/evaluate.py [--gold DIR]... [--corpus DIR] [-v]

The gold (``gold/<region>.yaml``, schema in /work/annot/BRIEF.md): ``pairs`` with ``goal``,
``goal_figure``, ``outcome``, ``outcome_figure``, ``verdict``; ``traps`` with the same quotes,
``trap`` and ``not_comparable_ok``; ``goal_report``/``outcome_report`` override the file's.
Several ``--gold`` folders are read as their union (the first annotation of a pair wins).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SENTENCE_END = "。！？；\n"
_NUM = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万|千)?")
_MULT = {None: Decimal(1), "千": Decimal(1000), "万": Decimal(10000), "亿": Decimal(10**8), "万亿": Decimal(10**12)}


def default_corpus() -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import CORPUS

    return Path(CORPUS)


def figure_values(figure: str) -> set[Decimal]:
    """The values a figure as written may be stored as (with or without its multiplier)."""
    from tracker.normalize import normalize

    m = _NUM.search(normalize(figure))
    if m is None:
        return set()
    try:
        n = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return set()
    return {n, n * _MULT[m.group(2)]}


@dataclass
class Export:
    texts: dict[str, str]
    by_doc: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # source -> statements
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    match: dict[str, dict[str, Any]] = field(default_factory=dict)  # goal id -> match
    status: dict[str, dict[str, Any]] = field(default_factory=dict)  # goal id -> status
    source_of: dict[str, str] = field(default_factory=dict)  # statement id -> source

    @classmethod
    def load(cls, data: dict[str, Any], texts: dict[str, str]) -> Export:
        ex = cls(texts)
        docs = {d["id"]: d["source"] for d in data["documents"]}
        for st in [*data["statements"], *data.get("figureless_goals", [])]:
            src = docs[st["document"]]
            ex.by_doc.setdefault(src, []).append(st)
            ex.by_id[st["id"]] = st
            ex.source_of[st["id"]] = src
        ex.match = {m["goal"]: m for m in data["matches"]}
        ex.status = {s["goal"]: s for s in data["goal_status"]}
        return ex

    def locate(self, source: str, quote: str, figure: str, kind: str) -> dict[str, Any] | None:
        """The statement of ``kind`` stating ``figure`` at ``quote`` in ``source``."""
        text = self.texts.get(source, "")
        values = figure_values(figure)
        fig_at = quote.find(figure)
        start = text.find(quote)
        while start >= 0:
            end = start + len(quote)
            f0 = start + max(fig_at, 0)
            f1 = f0 + len(figure)
            best: tuple[int, dict[str, Any]] | None = None
            for st in self.by_doc.get(source, []):
                if st["kind"] != kind:
                    continue
                s0, s1 = st["span"]["start"], st["span"]["end"]
                if s1 <= start or s0 >= end:
                    continue
                value_ok = st["value"] is not None and Decimal(str(st["value"])) in values
                covers = fig_at >= 0 and s0 <= f0 and f1 <= s1
                if not (value_ok or covers or figure in st["quote"]):
                    continue
                rank = (2 if value_ok else 0) + (1 if covers else 0)
                if best is None or rank > best[0]:
                    best = (rank, st)
            if best is not None:
                return best[1]
            start = text.find(quote, start + 1)
        return None

    def sentence(self, source: str, quote: str) -> tuple[int, int] | None:
        text = self.texts.get(source, "")
        i = text.find(quote)
        if i < 0:
            return None
        a = max(text.rfind(c, 0, i) for c in SENTENCE_END) + 1
        ends = [j for j in (text.find(c, i + len(quote)) for c in SENTENCE_END) if j >= 0]
        return a, min(ends) if ends else len(text)

    def is_outcome(self, out: dict[str, Any] | None, source: str, quote: str, figure: str) -> bool:
        """Whether ``out`` is the gold outcome: that statement, or one with the same figure from its sentence."""
        if out is None or self.source_of[out["id"]] != source:
            return False
        target = self.locate(source, quote, figure, "outcome")
        if target is not None and target["id"] == out["id"]:
            return True
        sent = self.sentence(source, quote)
        if sent is None or out["value"] is None:
            return False
        s0, s1 = out["span"]["start"], out["span"]["end"]
        return s0 < sent[1] and s1 > sent[0] and Decimal(str(out["value"])) in figure_values(figure)

    def links_to(self, goal: dict[str, Any], source: str, quote: str, figure: str) -> dict[str, Any] | None:
        """The goal's match when it links to that outcome or a same-figure one of the same sentence."""
        m = self.match.get(goal["id"])
        if m is None:
            return None
        return m if self.is_outcome(self.by_id.get(m["outcome"]), source, quote, figure) else None

    def shows(self, goal: dict[str, Any], source: str, quote: str, figure: str) -> bool:
        """Whether the goal needs review with that outcome shown as possible evidence."""
        cand = self.candidate(goal)
        return cand is not None and self.is_outcome(self.by_id.get(cand), source, quote, figure)

    def verdict(self, goal: dict[str, Any], m: dict[str, Any]) -> str:
        """The tracker's verdict on a found pair: the match's, or needs_review when the goal's status says so."""
        status = self.status.get(goal["id"], {}).get("status")
        return "needs_review" if status == "needs_review" else str(m["verdict"])

    def candidate(self, goal: dict[str, Any]) -> str | None:
        """The outcome shown as possible evidence for a goal that needs review (extra key)."""
        st = self.status.get(goal["id"]) or {}
        cand = st.get("candidate")
        return cand.get("outcome") if isinstance(cand, dict) else None


def load_gold(dirs: list[Path]) -> list[dict[str, Any]]:
    """Every gold file, as a list of region files; several folders: their union."""
    regions: dict[str, dict[str, Any]] = {}
    for d in dirs:
        for path in sorted(d.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if "region" not in data:
                continue
            reg = regions.setdefault(
                data["region"],
                {**{k: data[k] for k in ("region", "goal_report", "outcome_report")}, "pairs": [], "traps": []},
            )
            for part in ("pairs", "traps"):
                seen = {(e["goal"], e["goal_figure"], e["outcome_figure"]) for e in reg[part]}
                for e in data.get(part) or []:
                    key = (e.get("goal"), e.get("goal_figure"), e.get("outcome_figure"))
                    if key not in seen and all(e.get(k) for k in ("goal", "goal_figure", "outcome", "outcome_figure")):
                        seen.add(key)
                        reg[part].append(e)
    return [regions[r] for r in sorted(regions)]


def run_tracker(corpus: Path, work: Path) -> dict[str, Any]:
    files = sorted(corpus.glob("*.txt"))
    db = f"sqlite:///{work / 'eval.db'}"
    exe = [sys.executable, "-m", "tracker"]
    subprocess.run(
        [*exe, "run", *map(str, files), "--db", db, "--out", str(work / "site")], check=True, capture_output=True
    )
    out = work / "export.json"
    subprocess.run(
        [*exe, "export", "--db", db, "--format", "json", "--output", str(out)], check=True, capture_output=True
    )
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@dataclass
class Result:
    pairs: int = 0
    found: int = 0
    right: int = 0
    review: int = 0  # not matched, but the right outcome is shown as possible evidence
    traps: int = 0
    trap_errors: int = 0
    trap_review: int = 0  # a trap's outcome shown for review, the goal not judged by it (allowed)
    goal_missing: int = 0
    outcome_missing: int = 0
    outcome_figure_missing: int = 0  # the outcome's sentence is read, its figure is not a statement
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    trap_lines: list[str] = field(default_factory=list)
    per_region: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    no_evidence: dict[str, tuple[int, int]] = field(default_factory=dict)
    false_no_evidence: dict[str, list[str]] = field(default_factory=dict)  # scorecard -> gold goals left without

    @property
    def recall(self) -> float:
        return self.found / self.pairs if self.pairs else 0.0

    @property
    def accuracy(self) -> float:
        return self.right / self.found if self.found else 0.0


def evaluate(gold: list[dict[str, Any]], data: dict[str, Any], texts: dict[str, str], scorecards: list[str]) -> Result:
    ex = Export.load(data, texts)
    res = Result()
    for reg in gold:
        n = f = r = 0
        for e in reg["pairs"]:
            g_src = e.get("goal_report", reg["goal_report"])
            o_src = e.get("outcome_report", reg["outcome_report"])
            res.pairs += 1
            n += 1
            goal = ex.locate(g_src, e["goal"], e["goal_figure"], "goal")
            where = f"{reg['region']}: {e['goal']} [{e['goal_figure']}] -> {e['outcome']} [{e['outcome_figure']}]"
            if goal is None:
                res.goal_missing += 1
                res.misses.append(f"{where}  (goal not extracted)")
                continue
            accept = {e["verdict"], *(e.get("accept") or [])}
            m = ex.links_to(goal, o_src, e["outcome"], e["outcome_figure"])
            shown = m is None and ex.shows(goal, o_src, e["outcome"], e["outcome_figure"])
            if shown and "needs_review" in accept:
                # possible evidence where the gold allows "needs review": found, and right
                res.found += 1
                res.right += 1
                f += 1
                r += 1
                continue
            if m is None:
                note = ""
                out = ex.locate(o_src, e["outcome"], e["outcome_figure"], "outcome")
                if out is None:
                    res.outcome_missing += 1
                    note = "outcome not extracted"
                elif out["value"] is None or Decimal(str(out["value"])) not in figure_values(e["outcome_figure"]):
                    res.outcome_figure_missing += 1
                    note = f"the outcome figure is no statement of its own (only inside «{out['quote']}»)"
                got = ex.match.get(goal["id"])
                if got is not None:
                    other = ex.by_id.get(got["outcome"], {})
                    note += f"{'; ' if note else ''}linked to «{other.get('quote', '?')}»"
                cand = ex.candidate(goal)
                if cand is not None:
                    res.review += shown
                    note += f"{'; ' if note else ''}possible evidence «{ex.by_id.get(cand, {}).get('quote', '?')}»"
                status = ex.status.get(goal["id"], {}).get("status", "?")
                res.misses.append(
                    f"{where}  ({status}{'; ' + note if note else ''}; goal key={goal['indicator']['key']})"
                )
                continue
            res.found += 1
            f += 1
            got = ex.verdict(goal, m)
            if got in accept:
                res.right += 1
                r += 1
            else:
                res.wrong.append(
                    f"{where}: {got} (gold {'/'.join(sorted(accept))}: {e.get('why', '')}) — {m['reason_zh']}"
                )
        res.per_region[reg["region"]] = (n, f, r)
        for t in reg["traps"]:
            res.traps += 1
            g_src = t.get("goal_report", reg["goal_report"])
            o_src = t.get("outcome_report", reg["outcome_report"])
            goal = ex.locate(g_src, t["goal"], t["goal_figure"], "goal")
            if goal is None:
                continue
            m = ex.links_to(goal, o_src, t["outcome"], t["outcome_figure"])
            if m is None or ex.verdict(goal, m) == "needs_review":  # shown for review, not judged: allowed
                res.trap_review += m is not None or ex.shows(goal, o_src, t["outcome"], t["outcome_figure"])
                continue
            if m["verdict"] == "not_comparable" and t.get("not_comparable_ok"):
                continue
            res.trap_errors += 1
            res.trap_lines.append(
                f"{reg['region']} [{t['trap']}]: {t['goal']} [{t['goal_figure']}] judged {m['verdict']} by "
                f"{t['outcome']} [{t['outcome_figure']}] ({t.get('why', '')})"
            )
    docs = {d["id"]: d["source"] for d in data["documents"]}
    for card in scorecards:
        goals = [
            s
            for s in [*data["statements"], *data.get("figureless_goals", [])]
            if s["kind"] == "goal" and docs[s["document"]] == card
        ]
        none = [s for s in goals if ex.status.get(s["id"], {}).get("status") == "no_evidence"]
        res.no_evidence[card] = (len(none), len(goals))
        # goals the gold pairs with a result, yet shown as "no evidence"
        gold_goals: dict[str, str] = {}
        for reg in gold:
            for e in reg["pairs"]:
                if e.get("goal_report", reg["goal_report"]) == card:
                    st = ex.locate(card, e["goal"], e["goal_figure"], "goal")
                    if st is not None:
                        gold_goals[st["id"]] = f"{e['goal']} -> {e['outcome']}"
        res.false_no_evidence[card] = [gold_goals[s["id"]] for s in none if s["id"] in gold_goals]
    return res


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def report(res: Result, verbose: bool) -> str:
    lines = [
        f"pair recall:       {res.found}/{res.pairs} = {pct(res.found, res.pairs)}"
        f"  (goal not extracted: {res.goal_missing}; outcome not extracted: {res.outcome_missing},"
        f" its figure not a statement of its own: {res.outcome_figure_missing};"
        f" right outcome shown only for review where the gold wants a verdict: {res.review})",
        f"verdict accuracy:  {res.right}/{res.found} = {pct(res.right, res.found)}",
        f"trap errors:       {res.trap_errors}/{res.traps}  (traps shown only for review: {res.trap_review})",
    ]
    for card, (none, total) in res.no_evidence.items():
        wrong = len(res.false_no_evidence.get(card, []))
        lines.append(
            f"no evidence on {card}: {none}/{total} goals = {pct(none, total)}"
            f" (of which the gold pairs with a stated result: {wrong})"
        )
    lines.append(
        "per region (pairs, found, right): " + ", ".join(f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in res.per_region.items())
    )
    if verbose:
        lines += ["", f"-- misses ({len(res.misses)})", *res.misses]
        lines += ["", f"-- wrong verdicts ({len(res.wrong)})", *res.wrong]
        lines += ["", f"-- trap errors ({len(res.trap_lines)})", *res.trap_lines]
        for card, items in res.false_no_evidence.items():
            lines += ["", f"-- no evidence on {card} although the gold pairs a result ({len(items)})", *items]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Result:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, action="append", help="gold folder (repeatable: union); default gold/")
    ap.add_argument(
        "--corpus", type=Path, default=None, help="folder of the development reports (default tests.conftest.CORPUS)"
    )
    ap.add_argument(
        "--export", type=Path, default=None, help="use this tracker.export/1 JSON instead of running the pipeline"
    )
    ap.add_argument("--keep", type=Path, default=None, help="keep the database, site and export in this folder")
    ap.add_argument(
        "--scorecard",
        action="append",
        default=None,
        help="report whose share of no-evidence goals is printed (repeatable)",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses, wrong verdicts and trap errors")
    args = ap.parse_args(argv)
    corpus = args.corpus or default_corpus()
    gold = load_gold(args.gold or [HERE / "gold"])
    scorecards = args.scorecard or ["zhejiang-2025.txt", "sichuan-2025.txt"]
    texts = {p.name: p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")}
    if args.export is not None:
        data = json.loads(args.export.read_text(encoding="utf-8"))
    elif args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        data = run_tracker(corpus, args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data = run_tracker(corpus, Path(tmp))
    res = evaluate(gold, data, texts, scorecards)
    print(report(res, args.verbose))
    return res


if __name__ == "__main__":
    main()
