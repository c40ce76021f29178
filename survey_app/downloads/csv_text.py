"""CSV text streamed a line at a time, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import TextIO


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV text a line at a time, so a large download streams in constant memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe_cell(value) for value in row])
        yield buffer.getvalue()


def write_csv(header: list[str], rows: Iterable[list[object]], stream: TextIO) -> int:
    """Write the same text as `csv_lines` to an open file (opened with newline=""); returns how
    many rows were written after the header."""
    writer = csv.writer(stream)
    writer.writerow(header)
    written = 0
    for row in rows:
        writer.writerow([_safe_cell(value) for value in row])
        written += 1
    return written


def _safe_cell(value: object) -> object:
    """Stop spreadsheet formula injection from what a respondent typed."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
