"""CSV cells that are safe to open in a spreadsheet, and read back exactly.

A cell starting with = + - @ (or a tab or carriage return) is a formula to Excel or LibreOffice
(formula injection: a report or a note could run a command or leak data when the sheet is
opened). Such a cell is written with a leading apostrophe, which spreadsheets show as text;
a plain number (``-0.5``) is left alone. :func:`restore` undoes exactly that prefix, so the
review sheet round trip is lossless: ``restore(neutralise(v)) == v`` for every text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def neutralise(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula.

    Values already starting with apostrophes before a trigger get one more, so that
    :func:`restore` is exact."""
    rest = value.lstrip(PREFIX)
    if not rest.startswith(TRIGGERS):
        return value
    if not value.startswith(PREFIX) and _NUMBER.fullmatch(value):
        return value
    return PREFIX + value


def restore(cell: str) -> str:
    """The value :func:`neutralise` wrote as ``cell``."""
    if cell.startswith(PREFIX) and cell.lstrip(PREFIX).startswith(TRIGGERS):
        return cell[1:]
    return cell


class SafeWriter:
    """``csv.writer`` whose text cells are neutralised."""

    def __init__(self, f: Any) -> None:
        self._w = csv.writer(f)

    def writerow(self, row: Iterable[object]) -> None:
        self._w.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
