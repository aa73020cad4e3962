"""Build a large, realistic corpus of work reports from the real ones.

Every generated file is a distinct (region, year) report: the base report's own region
names (full name and short alias) are rewritten to an invented region consistently
through the text (title, meeting line, 我代表X人民政府, body), every year is shifted
by the same offset (so 2021—2025年 stays a five-year period and a goal set for year Y
is reviewed by the report of year Y+1 of the same invented region), and figures are
perturbed (the last digit of decimals, some whole percentages), so verdicts vary.

Usage: python bench/corpus.py OUT_DIR [N]   (N reports, default 1000)
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "reports", ROOT / "reports" / "corpus"]

# (file stem prefix, full name, aliases) of the regions of the real reports
BASE_REGIONS = {
    "anhui": ("安徽省", ["安徽"]),
    "beijing": ("北京市", ["北京"]),
    "fujian": ("福建省", ["福建"]),
    "guangdong": ("广东省", ["广东"]),
    "hubei": ("湖北省", ["湖北"]),
    "hunan": ("湖南省", ["湖南"]),
    "jiangsu": ("江苏省", ["江苏"]),
    "shandong": ("山东省", ["山东"]),
    "sichuan": ("四川省", ["四川"]),
    "zhejiang": ("浙江省", ["浙江"]),
    "shanghai": ("上海市", ["上海"]),
    "pudong": ("浦东新区", ["浦东"]),
}
SUFFIXES = ("新区", "省", "市", "区")
# characters for invented region names: none is a region suffix, a numeral or 第
POOL = "青岚川澜云岭松柏桐梧杉榆枫栎楠桦芷蘅苓芸蓉蔚汀沅湘漓溪泽洛渭淇澄潍涟翠黛霖霁嵘峄崧岱"
YEARS_PER_REGION = 10
FIRST_YEAR = 2016

_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?=\s*(?:年|[-—–~～至到－]\s*(?:19|20)\d\d))")
_DECIMAL = re.compile(r"(?<![\dA-Za-z.])(\d+\.)(\d*)(\d)(?![\d.])")
_PERCENT = re.compile(r"(?<![\d.])([1-9]\d?)(?=%|％)")


@dataclass(frozen=True)
class Base:
    family: str
    year: int
    text: str


def load_bases() -> dict[str, list[Base]]:
    """The real reports, grouped by region (family), each with its delivery year."""
    fams: dict[str, list[Base]] = {}
    seen: set[str] = set()
    for src in SOURCES:
        if not src.is_dir():
            continue
        for f in sorted(src.glob("*.txt")):
            m = re.fullmatch(r"([a-z]+)-(\d{4})", f.stem)
            if not m or m[1] not in BASE_REGIONS or f.name in seen:
                continue
            seen.add(f.name)
            fams.setdefault(m[1], []).append(Base(m[1], int(m[2]), f.read_text("utf-8")))
    for v in fams.values():
        v.sort(key=lambda b: b.year)
    return fams


def invented_names(n: int, rng: random.Random) -> list[str]:
    pairs = [a + b for a in POOL for b in POOL if a != b]
    rng.shuffle(pairs)
    assert n <= len(pairs), "not enough invented names"
    return pairs[:n]


def rewrite(base: Base, new_stem: str, year: int, rng: random.Random) -> str:
    """``base`` as the ``year`` report of the invented region ``new_stem`` (+ the base's suffix)."""
    full, aliases = BASE_REGIONS[base.family]
    suffix = next(s for s in SUFFIXES if full.endswith(s))
    new_full = new_stem + suffix
    table = {full: new_full, **{a: new_stem for a in aliases}}
    names = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    text = names.sub(lambda m: table[m[0]], base.text)
    shift = year - base.year
    if shift:
        text = _YEAR.sub(lambda m: str(int(m[1]) + shift), text)

    def dec(m: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return m[0]
        return f"{m[1]}{m[2]}{rng.randint(1, 9)}"

    def pct(m: re.Match[str]) -> str:
        if rng.random() < 0.7:
            return m[0]
        return str(max(1, int(m[1]) + rng.choice((-1, 1))))

    text = _DECIMAL.sub(dec, text)
    return _PERCENT.sub(pct, text)


def plan(n: int, seed: int = 8) -> list[tuple[str, Base, str, int, int]]:
    """(file name, base, invented stem, year, per-file seed) for ``n`` reports."""
    fams = load_bases()
    if not fams:
        raise SystemExit("no base reports found (reports/ and reports/corpus/)")
    order = sorted(fams)
    rng = random.Random(seed)
    n_regions = -(-n // YEARS_PER_REGION)
    stems = invented_names(n_regions, rng)
    out: list[tuple[str, Base, str, int, int]] = []
    for r in range(n_regions):
        fam = fams[order[r % len(order)]]
        for k in range(YEARS_PER_REGION):
            if len(out) == n:
                break
            year = FIRST_YEAR + k
            base = fam[k % len(fam)]
            out.append((f"r{r:04d}-{year}.txt", base, stems[r], year, seed * 100003 + len(out)))
    return out


def generate(out_dir: Path, n: int, *, seed: int = 8, variant: int = 0) -> list[Path]:
    """Write ``n`` reports to ``out_dir``; ``variant`` > 0 perturbs figures differently (a changed report)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, base, stem, year, fseed in plan(n, seed):
        p = out_dir / name
        p.write_text(rewrite(base, stem, year, random.Random(fseed + 7919 * variant)), "utf-8")
        paths.append(p)
    return paths


def change(path: Path, n: int, *, seed: int = 8, variant: int = 1) -> None:
    """Rewrite one generated file with other perturbed figures (same region and year)."""
    for name, base, stem, year, fseed in plan(n, seed):
        if name == path.name:
            path.write_text(rewrite(base, stem, year, random.Random(fseed + 7919 * variant)), "utf-8")
            return
    raise KeyError(path.name)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    files = generate(target, count)
    print(f"wrote {len(files)} reports to {target}")
