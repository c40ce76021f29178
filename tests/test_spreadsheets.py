"""XLSX downloads: one sheet per table, footnotes kept, formulas never run."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from survey_app.spreadsheets import Sheet, write_xlsx


def test_each_table_becomes_a_sheet_with_its_header_rows_and_footnotes() -> None:
    target = io.BytesIO()
    written = write_xlsx(
        [
            Sheet(
                "Counts",
                ["council", "count"],
                [["Norfolk", 15], ["Suffolk", "c"]],
                ["c = fewer than 8: hidden"],
            ),
            Sheet("Pre/post", ["item", "pairs"], iter([["rights", 12]])),
        ],
        target,
    )
    assert written == 3
    book = load_workbook(io.BytesIO(target.getvalue()))
    assert book.sheetnames == ["Counts", "Pre post"]
    counts = list(book["Counts"].iter_rows(values_only=True))
    assert counts[:3] == [("council", "count"), ("Norfolk", 15), ("Suffolk", "c")]
    assert counts[-1][0] == "c = fewer than 8: hidden"
    assert book["Counts"]["A1"].font.bold


def test_what_a_respondent_typed_is_never_a_formula() -> None:
    target = io.BytesIO()
    write_xlsx([Sheet("Answers", ["text"], [['=HYPERLINK("http://x")'], ["-1+2"]])], target)
    book = load_workbook(io.BytesIO(target.getvalue()))
    values = [row[0] for row in book["Answers"].iter_rows(min_row=2, values_only=True)]
    assert values == ['\'=HYPERLINK("http://x")', "'-1+2"]


def test_long_or_repeated_sheet_titles_are_made_valid_and_unique() -> None:
    target = io.BytesIO()
    title = "Knowledge of children's rights: by council"
    write_xlsx([Sheet(title, ["a"], []), Sheet(title, ["a"], [])], target)
    names = load_workbook(io.BytesIO(target.getvalue())).sheetnames
    assert len(set(names)) == 2 and all(len(name) <= 31 for name in names)
