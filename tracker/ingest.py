"""Ingest: a report file -> ``Document`` (decoded text, page furniture, metadata).

Formats are told from the bytes, never from the file name: a zip holding
word/document.xml is a Word file (python-docx), ``%PDF`` a PDF (pypdf; its text layer,
lines wrapped by the layout joined again), ``<html`` a web page (BeautifulSoup + lxml:
the block holding the report's paragraphs, without navigation, scripts, share buttons
or comments); anything else is text in UTF-8 (with or without BOM), GB18030/GBK, Big5
or UTF-16. The text read from the file is what every span points into; it is stored
and shown on the source page.

That text is never changed afterwards: clean-up only records the ranges to ignore
(adverts, 来源/时间 lines, photo credits, page numbers, a table of contents repeated
before the body, an appended glossary), so that every span the later stages produce
points into the source.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from pathlib import Path

from tracker.errors import InputError
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Document, Region, Span
from tracker.normalize import normalize
from tracker.paths import BUILD_FILE

MAX_BYTES = 20 * 1024 * 1024


# ---------------------------------------------------------------- decoding


def decode(raw: bytes, path: str = "<bytes>") -> str:
    """Decode report bytes: BOMs first, then UTF-8, then GB18030 (a superset of GBK), then Big5."""
    if not raw.strip():
        raise InputError(path, "the file is empty", "remove it or pass a report with text")
    bom = next(((enc, b) for b, enc in _BOMS if raw.startswith(b)), None)
    if bom is not None:
        try:
            return raw[len(bom[1]) :].decode(bom[0])
        except UnicodeDecodeError as exc:
            raise InputError(
                path, f"the text is not valid {bom[0].upper()} after its byte-order mark", "save it again as UTF-8"
            ) from exc
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
    for enc in ("utf-8", "gb18030", "big5hkscs"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise InputError(path, "cannot decode the text (tried UTF-8, GB18030, Big5, UTF-16)", "save it as UTF-8")


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


# control characters, replacement marks and private-use characters (what Big5 bytes read as
# GB18030 turn into) mean the wrong encoding
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff]")


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    head = text[:20000]
    bad = sum(1 for _ in _BAD_CHARS.finditer(head))  # one regex scan, not a Python test per character
    return bad / min(len(text), 20000) < 0.01


def read_text(path: Path) -> str:
    """Read a report file into text: the format (text, HTML, .docx, PDF) and the
    encoding are detected from the bytes, never from the file name.

    Only regular files are read (a FIFO, a device or a socket is refused without waiting
    for it), and never more than ``MAX_BYTES`` + 1 bytes, whatever the file claims its size is.
    """
    name = shown_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the open
    except OSError as exc:
        raise InputError(name, f"cannot read the file: {exc.strerror}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "a device, pipe or socket"
            raise InputError(name, f"not a regular file ({what})", "pass a report file")
        if st.st_size > MAX_BYTES:
            raise InputError(
                name,
                f"file is {st.st_size / 1024 / 1024:.1f} MB, over the {MAX_BYTES / 1024 / 1024:.0f} MB limit",
                "split it or pass the report's text only",
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(name, f"cannot read the file: {exc.strerror}") from exc
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise InputError(
            name,
            f"file is over the {MAX_BYTES / 1024 / 1024:.0f} MB limit",
            "split it or pass the report's text only",
        )
    return extract_text(raw, name)


def shown_path(path: Path | str) -> str:
    """``path`` as it can be printed and stored: bytes of a name that are not UTF-8 shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def name_problem(path: Path) -> InputError | None:
    """Why the file name cannot be stored (it is not valid UTF-8), if it cannot."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return InputError(
            shown_path(path), "the file name is not valid UTF-8", "rename it, e.g. with convmv, and run again"
        )
    return None


def sniff(raw: bytes) -> str:
    """The format of report bytes: docx, pdf, html, zip, ole (old .doc), image or text."""
    head = raw[:1024].lstrip()
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if b"%PDF-" in raw[:1024]:
        return "pdf"
    if raw.startswith(_IMAGE_MAGIC) or (raw.startswith(b"BM") and raw[6:10] == b"\x00\x00\x00\x00"):
        return "image"
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    probe = head.lower().replace(b"\x00", b"")
    if any(tag in probe for tag in (b"<html", b"<!doctype html", b"<head", b"<body")):
        return "html"
    return "text"


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"RIFF")


def extract_text(raw: bytes, path: str = "<bytes>") -> str:
    """The report text of a file's bytes, whatever its format. Spans point into this text."""
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(path, "the file is empty", "remove it or pass a report with text")
    kind = sniff(raw)
    if kind == "docx":
        text = docx_text(raw, path)
    elif kind == "pdf":
        text = pdf_text(raw, path)
    elif kind == "zip":
        raise InputError(path, "a zip archive, not a report", "unpack it and pass the report file")
    elif kind == "ole":
        raise InputError(path, "an old Office file (.doc/.xls), not text", "save it as .docx or as text")
    elif kind == "image":
        raise InputError(path, "an image, not text", "run OCR first, or pass the report's text")
    else:
        text = decode(raw, path)
        if kind == "html" or _is_html(text):
            text = html_text(text)
    # NUL characters are no text (and PostgreSQL cannot store them): dropped like the \r of line ends
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise InputError(path, "no text found in the file", "pass a report with text")
    return text


def _is_html(text: str) -> bool:
    """A page, or a fragment of one (paragraphs in <p> or <br> with no <html> around them)."""
    head = text[:5000].lower()
    if head.lstrip().startswith("<") and any(t in head for t in ("<html", "<!doctype html", "<body", "<head")):
        return True
    return len(_HTML_TAG.findall(head)) >= 5


_HTML_TAG = re.compile(r"</?(?:p|div|br|span|td|tr|font|strong)\b[^>]{0,200}>")


# HTML: the report's text only, without navigation, scripts, share buttons or comments.
_HTML_DROP_TAGS = (
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
    "select", "textarea", "input", "svg", "canvas", "template", "object", "embed", "link", "meta",
)  # fmt: skip
_HTML_JUNK = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumb|crumb|share|bdshare|social|comment|comments|reply|footer|header|"
    r"sidebar|side|related|recommend|advert|ads?|banner|login|toolbar|topbar|copyright|print|qrcode|ewm)([-_ ]|$)",
    re.I,
)
_HTML_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
    "blockquote", "pre", "dd", "dt", "ul", "ol", "td", "th",
)  # fmt: skip
_CJK = re.compile(r"[\u4e00-\u9fff]")


def html_text(html: str) -> str:
    """The text of the report in an HTML page: the block with most paragraph text, one line per block."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(html, "lxml")
    for t in soup.find_all(_HTML_DROP_TAGS):
        t.decompose()
    for t in soup.find_all(True):
        if not isinstance(t, Tag) or t.attrs is None or t.name in ("html", "body"):
            continue
        marks = " ".join([t.get("id") or "", *(t.get("class") or [])])  # type: ignore[list-item]
        if marks.strip() and _HTML_JUNK.search(marks):
            t.decompose()
    body = soup.body or soup
    # score each container by the CJK text of its direct paragraph-like children
    scores: dict[int, int] = {}
    nodes: dict[int, Tag] = {}
    for p in body.find_all(["p", "div", "td", "li", "span", "font"]):
        parent = p.parent
        if not isinstance(parent, Tag):
            continue
        if p.find(["p", "div", "td", "table", "li"]) is not None:
            continue  # count the innermost blocks only
        n = len(_CJK.findall(p.get_text()))
        scores[id(parent)] = scores.get(id(parent), 0) + n
        nodes[id(parent)] = parent
    # the innermost container holding most (80%) of the paragraph text: one block, or the
    # block around a report split over several (pages of an article)
    held: dict[int, int] = {}  # paragraph text inside each element (scores carried up to every ancestor)
    elems: dict[int, Tag] = {}
    for key, node in nodes.items():
        for el in (node, *node.parents):
            if isinstance(el, Tag):
                held[id(el)] = held.get(id(el), 0) + scores[key]
                elems[id(el)] = el
    best: Tag = body
    in_blocks = sum(scores.values())
    depth = -1
    for key, el in elems.items():
        d = sum(1 for _ in el.parents)
        if held[key] >= 0.8 * in_blocks and d > depth:
            best, depth = el, d
    lines: list[str] = []
    # the page's heading, when it sits outside the report's block and names the report
    h1 = body.find("h1")
    heading = h1.get_text(" ", strip=True) if isinstance(h1, Tag) and h1 not in best.descendants else ""
    if not heading and soup.title and soup.title.string:
        heading = soup.title.string.strip()
    if "报告" in heading and heading not in best.get_text()[:200]:
        lines.append(heading)
    parts: list[str] = []
    _walk(best, parts)
    for ln in "".join(parts).split("\n"):
        ln = ln.replace("\xa0", " ").strip()
        if ln:
            lines.append(ln)
    return "\n".join(lines) + "\n"


_WIDE = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2018-\u201d"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r]*\n\s*|[ \t\r]*\n\s*(?=[{_WIDE}])")
_SOURCE_BREAK = re.compile(r"\s*\n\s*")


def _walk(el: object, out: list[str]) -> None:
    """The text under ``el``, a line break around every block and at every <br>."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    if not isinstance(el, Tag):
        return
    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                # a line break in the page source is a space, none at all between Chinese characters
                out.append(_SOURCE_BREAK.sub(" ", _CJK_BREAK.sub("", str(child))))
        elif isinstance(child, Tag):
            if child.name == "br":
                out.append("\n")
            elif child.name in _HTML_BLOCKS:
                out.append("\n")
                _walk(child, out)
                out.append("\n")
            else:
                _walk(child, out)


def docx_text(raw: bytes, path: str) -> str:
    """The paragraphs (and table rows) of a Word file, in reading order, one per line."""
    import docx
    from docx.oxml.ns import qn

    try:
        d = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise InputError(path, "the Word file is damaged or not a .docx", "save it again as .docx") from exc
    lines: list[str] = []
    for el in d.element.body.iterchildren():
        if el.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
        elif el.tag == qn("w:tbl"):
            for row in el.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in c.iter(qn("w:t"))) for c in row.iter(qn("w:tc"))]
                lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def pdf_text(raw: bytes, path: str) -> str:
    """The text layer of a PDF, with lines wrapped by the layout (and by page breaks) joined again."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, "the PDF is password-protected", "pass an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        detail = str(exc).split("\n")[0][:80] if isinstance(exc, PdfReadError) else type(exc).__name__
        raise InputError(path, f"cannot read the PDF ({detail})", "pass the report as text, .docx or HTML") from exc
    # page numbers go, so that a paragraph running onto the next page joins again
    lines = [ln for p in pages for ln in p.split("\n") if not (ln.strip() and _PAGE_NUMBER.fullmatch(ln.strip()))]
    text = _reflow("\n".join(lines))
    if len(_CJK.findall(text)) < 50:
        raise InputError(
            path,
            "the PDF has no text layer (scanned pages are images)",
            "run OCR first or pass the report as text",
        )
    return text


_END = tuple("。！？：；:;!?」”）)")


def _reflow(page: str) -> str:
    """Join lines the PDF layout wrapped: a full-width line that does not end a sentence continues."""
    lines = [ln.rstrip() for ln in page.split("\n")]
    lens = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if not lens:
        return ""
    full = lens[int(len(lens) * 0.9) - 1 if len(lens) >= 10 else -1]
    out: list[str] = []
    joining = False
    for ln in lines:
        s = ln.strip()
        if not s:
            joining = False
            continue
        if joining and out:
            out[-1] += s
        else:
            out.append(s)
        joining = len(s) >= max(8, full - 2) and not s.endswith(_END)
    return "\n".join(out)


# ---------------------------------------------------------------- clean-up

_LINE = re.compile(r"[^\n]*\n?")
_SOURCE_LINE = re.compile(r"^\s*(来源|时间|发布时间|编辑|责任编辑|作者|字号|【字体|分享|打印|关闭)\s*[:：]?")
_PHOTO = re.compile(r"(记者|摄影|图/|新华社).{0,20}摄\s*$|摄\s*$")
_FURNITURE_WORDS = ("http://", "https://", "www.", "更多数据", "扫一扫", "微信", "下载客户端", "版权所有")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
_PAGE_NUMBER = re.compile(r"[-—–－\s]*(?:第\s*)?\d{1,3}\s*(?:页|/\s*\d{1,3})?[-—–－\s]*")
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
    short_ui = {
        "大",
        "中",
        "小",
        "】",
        "【",
        "分享：",
        "分享:",
        "打印本页",
        "关闭窗口",
        "返回顶部",
        "【打印】",
        "【关闭】",
    }
    dangling = False  # a 来源: line whose value is on the next line
    for start, end, line in lines:
        s = line.strip()
        if not s:
            continue
        if dangling and len(s) <= 20:
            spans.append(Span(start=start, end=end))
            dangling = False
            continue
        dangling = bool(_SOURCE_LINE.fullmatch(s))
        if (
            (any(w in s for w in _FURNITURE_WORDS) and len(s) < 100)
            or (_SOURCE_LINE.match(s) and len(s) < 60)
            or (_PHOTO.search(s) and len(s) < 120)
            or s in short_ui
            or re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}[时:]\d{1,2}分?", s)
            or _PAGE_NUMBER.fullmatch(s)
            or (counts[s] >= 3 and len(s) < 80 and not _HEADING.match(s))
        ):
            spans.append(Span(start=start, end=end))
    spans.extend(_table_of_contents(lines))
    spans.extend(_glossary(lines, len(text)))
    return _merge(spans)


def _table_of_contents(lines: list[tuple[int, int, str]]) -> list[Span]:
    """A run of headings before the body, most of which open a later line: a table of contents.

    The run may start with a 目录 line; blank lines inside it are allowed. The entries of
    a table of contents are usually shortened forms of the headings in the body, so an
    entry counts as repeated when a later line starts with it.
    """
    first = None
    run: list[int] = []
    for i, (_, _, ln) in enumerate(lines[:120]):
        s = ln.strip()
        if not s:
            continue
        if _TOC_TITLE.match(s) and not run:
            first = i
            continue
        entry = _TOC_LEADER.sub("", s)
        if _HEADING.match(entry) and len(entry) <= 40 and "。" not in entry:
            run.append(i)
            continue
        if run:
            break
        if first is None and i > 40:
            break
    if len(run) < 3:
        return []
    after = [_squash(ln) for _, _, ln in lines[run[-1] + 1 :] if ln.strip()]
    starts = {a[:k] for a in after for k in range(2, min(len(a), 40) + 1)}
    repeated = sum(1 for i in run if _squash(_TOC_LEADER.sub("", lines[i][2].strip())) in starts)
    if repeated < max(3, int(0.6 * len(run))):
        return []
    return [Span(start=lines[first if first is not None else run[0]][0], end=lines[run[-1]][1])]


_TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")
_TOC_LEADER = re.compile(r"[\s.．…·—-]*(?:第?\s*\d{1,3}\s*页?)?\s*$")  # "……… 3" after an entry


def _squash(line: str) -> str:
    """A line for comparing a table-of-contents entry with a heading: no spaces, ASCII brackets."""
    return re.sub(r"\s+", "", normalize(line)).replace("（", "(").replace("）", ")")


def _glossary(lines: list[tuple[int, int, str]], n: int) -> list[Span]:
    """A glossary (名词解释) appended after the report, from its heading (or its 附件 line) to the end."""
    for k, (start, _, line) in enumerate(lines):
        if _GLOSSARY.match(line) and start > n // 2:
            j = k - 1
            while j >= 0 and not lines[j][2].strip():
                j -= 1
            if j >= 0 and _ANNEX.match(lines[j][2]):
                start = lines[j][0]
            return [Span(start=start, end=n)]
    return []


_ANNEX = re.compile(r"^\s*附\s*件\s*\d*\s*[:：]?\s*$")


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
    # built from slices: a list of the characters of a long report costs tens of bytes per character
    parts: list[str] = []
    pos = 0
    for sp in sorted(spans, key=lambda s: s.start):
        a, b = max(sp.start, pos), min(sp.end, len(text))
        if b <= a:
            continue
        parts += (text[pos:a], "\n" * (b - a))
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


# ---------------------------------------------------------------- metadata

_DATE = r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*"
_MEETING_CORE = (
    r"(?P<meeting>(?P<region>[^\s，。、—第]{2,12}?)?\s*第[^\s，。]{1,5}届\s*(?P<nation>全国)?\s*"
    r"人民代表大会\s*第[^\s，。]{1,4}次\s*(?:全体)?会议)"
)
_MEETING = re.compile(_DATE + r"在\s*" + _MEETING_CORE)
_MEETING_NO_DATE = re.compile(r"在\s*" + _MEETING_CORE)
_ON_BEHALF = re.compile(r"我代表(?P<region>[^\s，。、]{2,12}?)人民政府")
_TITLE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<region>[^\s，。\d]{2,12}?)(?:人民)?政府工作报告")
_TITLE_LINE = re.compile(r"^\s*(?P<title>[^\n。，]{0,30}政府工作报告[^\n。，]{0,12}?)\s*$", re.M)
_SPEAKER = re.compile(
    r"(?<![副])(?:代)?(?:省长|市长|区长|县长|州长|盟长|旗长|主席|总理)[\s　]*"
    r"(?P<name>[\u4e00-\u9fff·]{2,4}?)[\s　]*(?:同志)?[\s　]*(?:作政府工作报告|代表\S{0,10}作政府工作报告|$)",
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
    m = _MEETING.search(head) or _MEETING_NO_DATE.search(head)
    if m:
        if "y" in m.re.groupindex and m["y"]:
            meta["year"] = int(m["y"])
            if 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31:
                meta["date"] = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
        meta["meeting"] = re.sub(r"\s+", "", m["meeting"])
        region_name = "全国" if m["nation"] else m["region"]
    t = _TITLE.search(head[:600])
    if t:
        meta.setdefault("year", int(t["y"]))
        region_name = region_name or t["region"]
    tl = _TITLE_LINE.search(text[:600])
    if tl:
        meta["title"] = re.sub(r"\s+", "", tl["title"]).strip("—-")
    b = _ON_BEHALF.search(head)
    if b and b["region"] not in ("省", "市", "区", "县", "州", "自治区"):
        region_name = region_name or b["region"]
    r = _REVIEW_YEAR.search(head)
    if "year" not in meta and r:
        meta["year"] = int(r["y"]) + 1
    elif m and "y" in m.re.groupindex and int(m["m"]) == 12 and r and int(r["y"]) == int(m["y"]):
        # delivered in December: the report reviews this year and plans the next
        meta["year"] = int(m["y"]) + 1
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
    if "政府工作报告" not in text[:3000] and "政府工作" not in text[:6000] and "向大会报告" not in text[:6000]:
        raise InputError(
            source,
            "this does not look like a government work report (政府工作报告)",
            "pass a work report, or check the file",
        )
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
    return Document(
        source=source,
        sha256=sha256(text),
        text=text,
        region=meta["region"],  # type: ignore[arg-type]
        year=meta["year"],  # type: ignore[arg-type]
        date=meta.get("date"),  # type: ignore[arg-type]
        meeting=meta.get("meeting"),  # type: ignore[arg-type]
        speaker=meta.get("speaker"),  # type: ignore[arg-type]
        title=meta.get("title") or "政府工作报告",  # type: ignore[arg-type]
        ignored=furniture(text),
    )


def ingest_file(path: Path, *, region: str | None = None, year: int | None = None) -> Document:
    """Read and ingest one report file."""
    text = read_text(path)
    try:
        return ingest_text(text, path.name, region=region, year=year)
    except InputError as exc:  # name the file as the user gave it
        raise InputError(shown_path(path), exc.problem, exc.hint) from None


def discover(paths: list[Path]) -> list[Path]:
    """Every report file under the given files and folders, in a stable order.

    A folder carrying tracker's build stamp (a site it wrote, e.g. ``--out`` inside the
    reports folder) is never read: a run must not take its own pages for reports."""
    out: list[Path] = []
    stamped: dict[Path, bool] = {}

    def in_site(f: Path, top: Path) -> bool:
        for d in f.parents[: len(f.relative_to(top).parts)]:
            if d not in stamped:
                stamped[d] = (d / BUILD_FILE).is_file()
            if stamped[d]:
                return True
        return False

    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and not f.name.startswith(".")
                    and f.name.lower() != "readme.md"
                    and not in_site(f, p)
                )
            )
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    return out
