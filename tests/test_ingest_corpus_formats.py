"""Each real report, published as GB18030 text, UTF-16, an HTML page, a Word file or a
text-layer PDF, reads to the same region, year, top-level sections and (nearly) the same
statements as its UTF-8 text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS
from tests.fixtures import build
from tracker.extract import extract
from tracker.ingest import extract_text, ingest_text
from tracker.structure import structure

FILES = [
    REPORTS / "pudong-2024.txt",
    REPORTS / "shanghai-2018.txt",
    CORPUS / "guangdong-2026.txt",
    CORPUS / "sichuan-2025.txt",
]


def _formats(text: str) -> dict[str, bytes]:
    paras = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return {
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
        "html": build.html_page(paras).encode("utf-8"),
        "docx": build.docx_bytes(paras),
        "pdf": build.pdf_bytes(paras, width=38),
    }


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_format_of_a_real_report_reads_alike(path: Path) -> None:
    text = path.read_text("utf-8")
    ref = ingest_text(text, path.name)
    ref_secs = structure(ref)
    ref_n = len(extract(ref, ref_secs))
    for kind, data in _formats(text).items():
        doc = ingest_text(extract_text(data, f"{path.name}.{kind}"), path.name)
        secs = structure(doc)
        assert (doc.region, doc.year, doc.date, doc.speaker) == (ref.region, ref.year, ref.date, ref.speaker), kind
        top = [(s.heading, s.role, s.period) for s in secs if s.level == 1]
        assert top == [(s.heading, s.role, s.period) for s in ref_secs if s.level == 1], kind
        sts = extract(doc, secs)
        # the Word file carries one extra table row with a figure; a PDF may cut a sentence at a line end
        assert abs(len(sts) - ref_n) <= 1, kind
        for st in sts:
            assert doc.text[st.span.start : st.span.end] == st.quote
