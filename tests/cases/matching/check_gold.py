"""Check an annotation file: YAML shape, every quote verbatim in its report, figure inside quote."""
import sys
from pathlib import Path
import yaml
CORPUS = Path(__file__).resolve().parents[3] / "reports" / "corpus"
VERDICTS = {"met", "missed", "partly", "not_comparable", "needs_review"}
TRAPS = {"five_year_total", "avg_growth", "sub_category", "other_thing", "other_region", "other_unit", "other_period"}
bad = 0
for f in sys.argv[1:]:
    d = yaml.safe_load(open(f, encoding="utf-8"))
    texts = {}
    def text(name):
        if name not in texts:
            texts[name] = (CORPUS / name).read_text("utf-8")
        return texts[name]
    for part in ("pairs", "traps"):
        for i, e in enumerate(d.get(part) or []):
            where = f"{f}:{part}[{i}]"
            greport = e.get("goal_report", d["goal_report"])
            oreport = e.get("outcome_report", d["outcome_report"])
            for q, fig, rep in ((e.get("goal"), e.get("goal_figure"), greport), (e.get("outcome"), e.get("outcome_figure"), oreport)):
                if not q or q not in text(rep):
                    print(f"{where}: quote not found in {rep}: {q!r}"); bad += 1
                elif not fig or fig not in q:
                    print(f"{where}: figure {fig!r} not inside quote {q!r}"); bad += 1
            if part == "pairs" and e.get("verdict") not in VERDICTS:
                print(f"{where}: verdict {e.get('verdict')!r}"); bad += 1
            if part == "traps" and e.get("trap") not in TRAPS:
                print(f"{where}: trap {e.get('trap')!r}"); bad += 1
    print(f"{f}: {len(d.get('pairs') or [])} pairs, {len(d.get('traps') or [])} traps")
print("OK" if not bad else f"{bad} problem(s)")
