"""Bad input: each a one-line error naming the file; other files still processed; nothing
of a failed file written. The same report twice is skipped with a note; two different
texts for the same region and year are refused unless replace=True."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPORTS
from tests.fixtures import build
from tracker import ingest, store
from tracker.db import open_db
from tracker.errors import InputError
from tracker.ingest import ingest_file
from tracker.pipeline import ingest_paths

SICHUAN_GLOSSARY_START = "名词解释"


def _not_a_report() -> str:
    """Real text that is not a work report: the glossary appended to the Sichuan 2025 report."""
    src = CORPUS / "sichuan-2025.txt"
    text = src.read_text("utf-8")
    return text[text.index(SICHUAN_GLOSSARY_START) :]


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, a phrase the error must contain)."""
    real = build.text().encode("utf-8")
    broken_docx = io.BytesIO()
    with zipfile.ZipFile(broken_docx, "w") as z:
        z.writestr("word/document.xml", "<not xml")
    cases: dict[str, tuple[bytes, str]] = {
        "empty.txt": (b"", "empty"),
        "blank.txt": (b"\n \r\n\t\n", "empty"),
        "bom-only.txt": (b"\xef\xbb\xbf", "empty"),
        "binary.dat": (bytes(range(256)) * 40, "binary"),
        "scan.pdf": (build.image_pdf_bytes(), "no text layer"),
        "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(4000), "an image"),
        "undecodable.txt": (real[:900] + b"\xff\xfe\xff" + real[900:], "cannot decode"),
        "bad-bom.txt": (b"\xef\xbb\xbf" + real[:900] + b"\xff" + real[900:], "not valid UTF-8"),
        "odd-utf16.txt": (build.text().encode("utf-16") + b"\x41", "not valid UTF-16"),
        "archive.zip": (build.zip_bytes(), "zip archive"),
        "broken.docx": (broken_docx.getvalue(), "Word file"),
        "truncated.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF"),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "old Office file"),
        "short.txt": ("政府工作报告\n各位代表：\n".encode(), "no Chinese report text"),
    }
    out = {}
    for name, (data, phrase) in cases.items():
        p = tmp / name
        p.write_bytes(data)
        out[name] = (p, phrase)
    return out


def _one_line(exc: InputError, path: Path) -> str:
    msg = str(exc)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: ")
    assert "Traceback" not in msg
    return msg


def test_each_bad_input_is_one_line_naming_the_file(tmp_path: Path) -> None:
    for name, (path, phrase) in _bad_files(tmp_path).items():
        with pytest.raises(InputError) as ei:
            ingest_file(path)
        msg = _one_line(ei.value, path)
        assert phrase in msg, (name, msg)


def test_not_a_work_report(tmp_path: Path) -> None:
    p = tmp_path / "glossary.txt"
    p.write_text(_not_a_report(), "utf-8")
    with pytest.raises(InputError) as ei:
        ingest_file(p)
    assert "does not look like a government work report" in _one_line(ei.value, p)


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.txt"
    p.write_text(build.text(), "utf-8")
    monkeypatch.setattr(ingest, "MAX_BYTES", 1000)
    with pytest.raises(InputError) as ei:
        ingest_file(p)
    assert "over the" in _one_line(ei.value, p) and "limit" in str(ei.value)


def test_year_or_region_unreadable_names_the_option(tmp_path: Path) -> None:
    # the Pudong report with its title line removed says neither its year nor its region
    text = (REPORTS / "pudong-2024.txt").read_text("utf-8").replace("2024年浦东新区政府工作报告", "政府工作报告")
    text = text.replace("我代表浦东新区人民政府", "我代表区人民政府")
    p = tmp_path / "untitled.txt"
    p.write_text(text, "utf-8")
    with pytest.raises(InputError) as ei:
        ingest_file(p)
    assert "--region" in _one_line(ei.value, p)
    doc = ingest_file(p, region="浦东新区")
    assert doc.region.parent == "上海市"
    with pytest.raises(InputError) as ei:
        ingest_file(_no_year(tmp_path), region="浦东新区")
    assert "--year" in str(ei.value)
    assert ingest_file(_no_year(tmp_path), region="浦东新区", year=2024).year == 2024


def _no_year(tmp: Path) -> Path:
    text = (REPORTS / "pudong-2024.txt").read_text("utf-8")
    text = text.replace("2024年浦东新区政府工作报告", "浦东新区政府工作报告").replace("2023年工作回顾", "工作回顾")
    p = tmp / "no-year.txt"
    p.write_text(text, "utf-8")
    return p


def test_cli_options_override_the_text() -> None:
    doc = ingest_file(REPORTS / "shanghai-2024.txt", region="浦东新区", year=2025)
    assert (doc.region.name, doc.region.level, doc.region.parent, doc.year) == ("浦东新区", "district", "上海市", 2025)


def test_bad_files_fail_alone_and_write_nothing(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = _bad_files(folder)
    (folder / "shanghai-2024.txt").write_bytes((REPORTS / "shanghai-2024.txt").read_bytes())
    engine = open_db(db_url)
    res = ingest_paths(engine, [folder])
    assert res.added == [str(folder / "shanghai-2024.txt")]
    assert len(res.failed) == len(bad)
    for path, _ in bad.values():
        assert sum(1 for f in res.failed if f.startswith(f"{path}: ")) == 1
    docs = store.documents(engine)
    assert [d.source for _, d in docs] == ["shanghai-2024.txt"]
    assert {st.report_year for _, _, st in store.statements(engine)} == {2024}


def test_same_report_twice_is_skipped_with_a_note(tmp_path: Path, db_url: str) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "copy-in-gb18030.txt"
    text = (REPORTS / "pudong-2024.txt").read_text("utf-8")
    a.write_text(text, "utf-8")
    b.write_bytes(text.encode("gb18030"))  # same text, other bytes
    engine = open_db(db_url)
    res = ingest_paths(engine, [a, b])
    assert res.added == [str(a)] and res.failed == []
    assert len(res.skipped) == 1 and res.skipped[0].startswith(str(b)) and "skipped" in res.skipped[0]
    assert len(store.documents(engine)) == 1


def test_two_texts_for_one_region_and_year_need_replace(tmp_path: Path, db_url: str) -> None:
    text = (REPORTS / "pudong-2024.txt").read_text("utf-8")
    first = tmp_path / "pudong.txt"
    first.write_text(text, "utf-8")
    edited = tmp_path / "pudong-edited.txt"
    edited.write_text(text.replace("地区生产总值增长6%左右", "地区生产总值增长5.5%左右"), "utf-8")
    engine = open_db(db_url)
    assert ingest_paths(engine, [first]).added == [str(first)]
    res = ingest_paths(engine, [edited])
    assert res.added == [] and len(res.failed) == 1
    assert res.failed[0].startswith(f"{edited}: ") and "--replace" in res.failed[0] and "\n" not in res.failed[0]
    (doc,) = [d for _, d in store.documents(engine)]
    assert doc.source == "pudong.txt"
    res = ingest_paths(engine, [edited], replace=True)
    assert res.added == [str(edited)]
    (doc,) = [d for _, d in store.documents(engine)]
    assert doc.source == "pudong-edited.txt"
    quotes = [st.quote for _, _, st in store.statements(engine)]
    assert any("5.5%左右" in q for q in quotes) and not any("增长6%左右" in q for q in quotes)


def test_cli_names_the_option_and_accepts_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    text = (REPORTS / "pudong-2024.txt").read_text("utf-8").replace("2024年浦东新区政府工作报告", "政府工作报告")
    p = tmp_path / "untitled.txt"
    p.write_text(text.replace("我代表浦东新区人民政府", "我代表区人民政府"), "utf-8")
    run = [sys.executable, "-m", "tracker", "inspect", str(p)]
    r = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    (line,) = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert str(p) in line.replace("\n", "") and "--region" in line
    r = subprocess.run([*run, "--region", "浦东新区", "--year", "2024"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("untitled.txt: 浦东新区 (district, in 上海市), 2024")
