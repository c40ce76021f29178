"""Reading a council's complaints and compliments log, as CSV or XLSX, into headings and rows
with the line each came from. Nothing here quotes a cell: a problem names the file's shape only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

from ..inputs import normalise_text

# A log bigger than this is split by the council first: the import runs in one request.
MAX_ROWS = 20_000
MAX_FILE_BYTES = 10 * 1024 * 1024
# Excel's own line for a cell; a longer one is not a complaint's summary.
MAX_CELL = 32_767
XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(ValueError):
    """The file as a whole cannot be read (its format, encoding or size); says why, never what
    it holds."""


@dataclass(frozen=True)
class Table:
    """A file's headings and its rows, each with its line (CSV) or row number (XLSX)."""

    headings: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def read_table(data: bytes) -> Table:
    """The table in an uploaded file: XLSX if it is a zip (whatever it is called), else CSV."""
    if not data.strip():
        raise FileProblem("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(f"The file is over {MAX_FILE_BYTES // 1024 // 1024} MB: split it first.")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), else Windows-1252, which is what
    Excel's plain "CSV" is in the UK."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblem("The file is neither UTF-8 nor Excel text.") from None
    return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem("The file is not CSV or XLSX.")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            sample.split("\n", 1)[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, tuple[str, ...]]] = []
    headings: tuple[str, ...] | None = None
    line = 1
    try:
        for cells in reader:
            started_on, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            cleaned = tuple(normalise_text(cell)[:MAX_CELL] for cell in cells)
            if headings is None:
                headings = cleaned
                continue
            rows.append((started_on, cleaned))
            if len(rows) > MAX_ROWS:
                raise FileProblem(f"The file has more than {MAX_ROWS} rows: split it first.")
    except csv.Error as error:
        raise FileProblem(f"The CSV cannot be read at line {reader.line_num}.") from error
    if headings is None:
        raise FileProblem("The file has no headings.")
    return Table(headings, tuple(rows))


def _read_xlsx(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise FileProblem("The file is not a readable XLSX workbook.") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem("The workbook has no sheet.")
        rows: list[tuple[int, tuple[str, ...]]] = []
        headings: tuple[str, ...] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_cell_text(value) for value in values)
            if not any(cell.strip() for cell in cells):
                continue
            if headings is None:
                headings = cells
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise FileProblem(f"The sheet has more than {MAX_ROWS} rows: split it first.")
    except FileProblem:
        raise
    except Exception:  # a malformed sheet: say so, never what it held
        raise FileProblem("The XLSX workbook's first sheet cannot be read.") from None
    finally:
        workbook.close()
    if headings is None:
        raise FileProblem("The first sheet has no headings.")
    return Table(headings, tuple(rows))


def _cell_text(value: object) -> str:
    """A cell as text: a date cell as ISO, so it reads like a typed ISO date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_text(str(value))[:MAX_CELL]
