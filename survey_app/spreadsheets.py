"""XLSX files written a row at a time (openpyxl's write-only mode), so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .inputs import normalise_text

# Excel's own limit on a sheet's name.
SHEET_NAME_LIMIT = 31
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """One table: a title, its columns, its rows (any iterable, read once) and footnotes."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    footnotes: Sequence[str] = field(default_factory=tuple)


def write_xlsx(sheets: Sequence[Sheet], target: str | Path | IO[bytes]) -> int:
    """Write the sheets to target; returns how many data rows were written."""
    workbook = Workbook(write_only=True)
    written = 0
    used: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_name(sheet.title, used))
        bold = Font(bold=True)
        header = []
        for name in sheet.header:
            cell = WriteOnlyCell(worksheet, value=_safe(name))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([_safe(value) for value in row])
            written += 1
        if sheet.footnotes:
            worksheet.append([])
            for note in sheet.footnotes:
                worksheet.append([_safe(note)])
    workbook.save(target)
    return written


def _sheet_name(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in normalise_text(title))
    cleaned = cleaned.strip() or "Sheet"
    name = cleaned[:SHEET_NAME_LIMIT]
    number = 2
    while name in used:
        suffix = f" ({number})"
        name = cleaned[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    used.add(name)
    return name


def _safe(value: Any) -> Any:
    """Text a respondent typed is never run as a formula, and holds no control character
    (a spreadsheet cannot: openpyxl refuses the whole file)."""
    if not isinstance(value, str):
        return value
    value = normalise_text(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
