"""The dashboard's tables as files: CSV (one table), XLSX (one table, or every table on
its own sheet) and JSON records.

Segment names, attribute labels and other text in these tables can come from what
respondents and imports typed, so every text cell goes through the same neutralisation as
the response exports (`clearloop.surveys.exporting.neutralize`: a leading = + - @, tab or
carriage return gets a quote, DESIGN.md security 3). Numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from clearloop.reports.selectors import Cell, Table
from clearloop.surveys import exporting as response_exporting

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def safe_cell(cell: Cell) -> Cell:
    """A cell a spreadsheet shows and never runs."""
    if isinstance(cell, str):
        # openpyxl refuses control characters; removing them may expose a formula start,
        # so they go first and the neutralisation after (as in the response export).
        return cast(Cell, response_exporting.neutralize(ILLEGAL_CHARACTERS_RE.sub("", cell)))
    return cell


def table_rows(table: Table) -> Iterator[list[Cell]]:
    """The header, then the rows, every text cell neutralised."""
    yield [safe_cell(label) for label in table.header]
    for row in table.rows:
        yield [safe_cell(cell) for cell in row]


def table_csv(table: Table) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel reads Chinese and Japanese correctly."""
    rows = cast(Iterator[list[Any]], table_rows(table))
    return "".join(response_exporting.csv_lines(rows)).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    # Sheet names: at most 31 characters, none of []:*?/\ and unique in the workbook.
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()[:28] or "Sheet"
    name, number = cleaned, 2
    while name in taken:
        name, number = f"{cleaned[:25]} {number}", number + 1
    taken.add(name)
    return name


def tables_xlsx(tables: Iterable[Table]) -> bytes:
    """One sheet per table, header row first."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(title=_sheet_title(table.title, taken))
        for row in table_rows(table):
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def table_file(table: Table, file_format: str) -> bytes:
    if file_format == "csv":
        return table_csv(table)
    return tables_xlsx([table])
