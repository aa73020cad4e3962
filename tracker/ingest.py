"""Ingest: a report file -> ``Document`` (decoded text, page furniture, metadata).

The decoded text is never changed: clean-up only records the ranges to ignore
(adverts, 来源/时间 lines, photo credits, a repeated table of contents, an appended
glossary), so that every span the later stages produce points into the source.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tracker.errors import InputError
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Document, Region, Span
from tracker.normalize import normalize

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = {".txt", ".text", ".md"}


# ---------------------------------------------------------------- decoding


def decode(raw: bytes, path: str = "<bytes>") -> str:
    """Decode report bytes: BOMs first, then UTF-8, then GB18030 (a superset of GBK)."""
    if not raw.strip():
        raise InputError(path, "the file is empty", "remove it or pass a report with text")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text
        raise InputError(path, "binary data, not text", "pass a .txt, .html, .docx or .pdf report")
    for enc in ("utf-8", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise InputError(path, "cannot decode the text (tried UTF-8, GB18030, UTF-16)", "save it as UTF-8")


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for c in text[:20000] if (ord(c) < 32 and c not in "\r\n\t\f") or c == "\ufffd")
    return bad / min(len(text), 20000) < 0.01


def read_text(path: Path) -> str:
    """Read a report file into text. Text formats are detected from the bytes."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(name, f"cannot read the file: {exc.strerror}") from exc
    if size > MAX_BYTES:
        raise InputError(
            name,
            f"file is {size // 1024 // 1024} MB, over the {MAX_BYTES // 1024 // 1024} MB limit",
            "split it or pass the report's text only",
        )
    raw = path.read_bytes()
    return decode(raw, name)


# ---------------------------------------------------------------- clean-up

_LINE = re.compile(r"[^\n]*\n?")
_SOURCE_LINE = re.compile(r"^\s*(来源|时间|发布时间|编辑|责任编辑|作者|字号|【字体|分享|打印|关闭)\s*[:：]?")
_PHOTO = re.compile(r"(记者|摄影|图/|新华社).{0,20}摄\s*$|摄\s*$")
_FURNITURE_WORDS = ("http://", "https://", "www.", "更多数据", "扫一扫", "微信", "下载客户端", "版权所有")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
_GLOSSARY = re.compile(r"^\s*(?:附件\s*\d*\s*)?(名词解释|注释|名词注释)\s*$")


def lines_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line; ``end`` excludes the newline."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def furniture(text: str) -> list[Span]:
    """Ranges of page furniture to ignore. Never changes the text."""
    spans: list[Span] = []
    lines = lines_with_offsets(text)
    counts: dict[str, int] = {}
    for _, _, line in lines:
        s = line.strip()
        if s:
            counts[s] = counts.get(s, 0) + 1
    short_ui = {"大", "中", "小", "】", "【", "分享：", "分享:"}
    for start, end, line in lines:
        s = line.strip()
        if not s:
            continue
        if (
            any(w in s for w in _FURNITURE_WORDS)
            or (_SOURCE_LINE.match(s) and len(s) < 60)
            or (_PHOTO.search(s) and len(s) < 120)
            or s in short_ui
            or re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}[时:]\d{1,2}分?", s)
            or (counts[s] >= 3 and len(s) < 80 and not _HEADING.match(s))
        ):
            spans.append(Span(start=start, end=end))
    spans.extend(_table_of_contents(lines))
    spans.extend(_glossary(lines, len(text)))
    return _merge(spans)


def _table_of_contents(lines: list[tuple[int, int, str]]) -> list[Span]:
    """A run of headings before the body whose texts recur later: a table of contents."""
    head = [i for i, (_, _, ln) in enumerate(lines[:80]) if _HEADING.match(ln) and len(ln.strip()) < 40]
    if len(head) < 3:
        return []
    later = {ln.strip() for _, _, ln in lines}
    run: list[int] = []
    for i in head:
        if run and i != run[-1] + 1:
            break
        run.append(i)
    if len(run) < 3:
        return []
    rest = [ln.strip() for _, _, ln in lines[run[-1] + 1 :]]
    if all(lines[i][2].strip() in rest for i in run) and all(lines[i][2].strip() in later for i in run):
        return [Span(start=lines[run[0]][0], end=lines[run[-1]][1])]
    return []


def _glossary(lines: list[tuple[int, int, str]], n: int) -> list[Span]:
    for start, _, line in lines:
        if _GLOSSARY.match(line) and start > n // 2:
            return [Span(start=start, end=n)]
    return []


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and sp.start <= out[-1].end + 1:
            if sp.end > out[-1].end:
                out[-1] = Span(start=out[-1].start, end=sp.end)
        else:
            out.append(sp)
    return out


def blank(text: str, spans: list[Span]) -> str:
    """The text with ignored ranges replaced by newlines (same length, same offsets)."""
    if not spans:
        return text
    chars = list(text)
    for sp in spans:
        for i in range(sp.start, sp.end):
            chars[i] = "\n"
    return "".join(chars)


# ---------------------------------------------------------------- metadata

_MEETING = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*在\s*"
    r"(?P<meeting>(?P<region>[^\s，。第]{2,12}?)\s*第[^\s，。]{1,5}届\s*人民代表大会\s*第[^\s，。]{1,4}次\s*会议)"
)
_MEETING_NO_DATE = re.compile(
    r"在\s*(?P<meeting>(?P<region>[^\s，。第]{2,12}?)\s*第[^\s，。]{1,5}届\s*人民代表大会\s*第[^\s，。]{1,4}次\s*会议)"
)
_ON_BEHALF = re.compile(r"我代表(?P<region>[^\s，。、]{2,12}?)人民政府")
_TITLE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<region>[^\s，。\d]{2,12}?)(?:人民)?政府工作报告")
_SPEAKER = re.compile(
    r"^\s*(?:[^\s，。]{0,16}?)(?:人民政府)?(?:代)?(?:省长|市长|区长|县长|州长|主席|总理)\s*(?P<name>[^\s，。]{2,4})\s*$",
    re.M,
)
_REVIEW_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年[^\n]{0,12}?工作回顾")
_REGION_SUFFIX = re.compile(r"(省|自治区|特别行政区|市|自治州|州|地区|盟|新区|区|县|自治县|旗)$")


def resolve_region(name: str, lex: Lexicon | None = None) -> Region | None:
    """A region from a name or alias written in a report, with its level and parent."""
    lex = lex or lexicon()
    name = name.strip()
    for r in lex.regions.regions:
        if name == r.name or name in r.aliases:
            return Region(name=r.name, level=r.level, parent=r.parent)
    m = _REGION_SUFFIX.search(name)
    if not m or len(name) < 2:
        return None
    suffix = m.group(1)
    level = {
        "省": "provincial",
        "自治区": "provincial",
        "特别行政区": "provincial",
        "市": "municipal",
        "自治州": "municipal",
        "州": "municipal",
        "地区": "municipal",
        "盟": "municipal",
        "新区": "district",
        "区": "district",
        "县": "county",
        "自治县": "county",
        "旗": "county",
    }[suffix]
    return Region(name=name, level=level)  # type: ignore[arg-type]


def _parent_from_text(text: str, region: Region, lex: Lexicon) -> str | None:
    """For a district or city without a known parent: the province-level region it names most."""
    best, n_best = None, 0
    for r in lex.regions.regions:
        if r.level != "provincial" or r.name == region.name:
            continue
        n = sum(text.count(a) for a in [r.name, *r.aliases])
        if n > n_best:
            best, n_best = r.name, n
    return best if n_best >= 2 else None


def read_metadata(text: str, path: str, lex: Lexicon | None = None) -> dict[str, object]:
    """Region, year, date, meeting, speaker and title read from the report itself."""
    lex = lex or lexicon()
    head = normalize(text[:6000])
    meta: dict[str, object] = {}
    region_name: str | None = None
    m = _MEETING.search(head)
    if m:
        meta["year"] = int(m["y"])
        meta["date"] = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
        meta["meeting"] = re.sub(r"\s+", "", m["meeting"])
        region_name = m["region"]
    else:
        m2 = _MEETING_NO_DATE.search(head)
        if m2:
            meta["meeting"] = re.sub(r"\s+", "", m2["meeting"])
            region_name = m2["region"]
    t = _TITLE.search(head[:600])
    if t:
        meta.setdefault("year", int(t["y"]))
        region_name = region_name or t["region"]
    b = _ON_BEHALF.search(head)
    if b and b["region"] not in ("省", "市", "区", "县", "州", "自治区"):
        region_name = region_name or b["region"]
    if "year" not in meta:
        r = _REVIEW_YEAR.search(head)
        if r:
            meta["year"] = int(r["y"]) + 1
    sp = _SPEAKER.search(head[:3000])
    if sp:
        meta["speaker"] = sp["name"]
    if region_name:
        region = resolve_region(region_name, lex)
        if region is not None:
            if region.parent is None and region.level in ("municipal", "district", "county"):
                region = region.model_copy(update={"parent": _parent_from_text(text, region, lex)})
            meta["region"] = region
    return meta


# ---------------------------------------------------------------- the stage


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest_text(
    text: str,
    source: str,
    *,
    region: str | None = None,
    year: int | None = None,
    lex: Lexicon | None = None,
) -> Document:
    """Build a ``Document`` from decoded text; ``region``/``year`` override what the text says."""
    lex = lex or lexicon()
    if len(re.findall(r"[\u4e00-\u9fff]", text[:20000])) < 200:
        raise InputError(source, "no Chinese report text found", "pass the text of a government work report")
    meta = read_metadata(text, source, lex)
    if region:
        reg = resolve_region(region, lex)
        if reg is None:
            raise InputError(source, f"unknown region {region!r}", "pass a full name such as 上海市 or 浦东新区")
        meta["region"] = reg
    if year:
        meta["year"] = year
    if "region" not in meta:
        raise InputError(source, "cannot tell which region this report is from", "pass --region, e.g. --region 上海市")
    if "year" not in meta:
        raise InputError(source, "cannot tell which year this report was delivered", "pass --year, e.g. --year 2024")
    if "政府工作报告" not in text[:3000] and "政府工作" not in text[:6000] and "向大会报告" not in text[:6000]:
        raise InputError(
            source,
            "this does not look like a government work report (政府工作报告)",
            "pass a work report, or check the file",
        )
    return Document(
        source=source,
        sha256=sha256(text),
        text=text,
        region=meta["region"],  # type: ignore[arg-type]
        year=meta["year"],  # type: ignore[arg-type]
        date=meta.get("date"),  # type: ignore[arg-type]
        meeting=meta.get("meeting"),  # type: ignore[arg-type]
        speaker=meta.get("speaker"),  # type: ignore[arg-type]
        ignored=furniture(text),
    )


def ingest_file(path: Path, *, region: str | None = None, year: int | None = None) -> Document:
    """Read and ingest one report file."""
    text = read_text(path)
    return ingest_text(text, path.name, region=region, year=year)


def discover(paths: list[Path]) -> list[Path]:
    """Every report file under the given files and folders, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and not f.name.startswith(".") and f.name.lower() != "readme.md"
                )
            )
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    return out
