"""Reading an uploaded file into a header and rows of text: CSV in the encodings our users'
spreadsheets write (UTF-8 with or without BOM, GB18030 for Chinese, Shift_JIS for
Japanese) and XLSX (openpyxl, read-only).

Shift_JIS bytes almost always decode as GB18030 too (and some GB18030 as Shift_JIS), so
when both decode, the text that reads more plausibly wins: kana and CJK punctuation count
double, a Han character common in Chinese (in GB2312) or in Japanese (in JIS X 0208)
counts once, anything else (half-width katakana, rare characters) counts against. Mojibake
is made of rare characters; real text is not.

Row numbers are those a spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from clearloop.core.errors import ValidationFailed

SNIFF_BYTES = 64 * 1024
MAX_COLUMNS = 200
CJK_ENCODINGS = ("shift_jis", "gb18030")


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]


def detect_encoding(content: bytes) -> str:
    """The encoding of a CSV file (see the module docstring)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if _decodes(content, "utf-8"):
        return "utf-8"
    sample = _sample(content)
    scored = [
        (_plausibility(sample.decode(name)), name)
        for name in CJK_ENCODINGS
        if _decodes(sample, name) and _decodes(content, name)
    ]
    if not scored:
        raise ValidationFailed(
            _(
                "The file's text encoding is not one we read. "
                "Save it as CSV UTF-8 and upload it again."
            ),
            fields={"file": "encoding"},
        )
    return max(scored)[1]


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _sample(content: bytes) -> bytes:
    """The first bytes up to a line end, so no character is cut in two."""
    if len(content) <= SNIFF_BYTES:
        return content
    end = content.rfind(b"\n", 0, SNIFF_BYTES)
    return content[: end + 1] if end > 0 else content[:SNIFF_BYTES]


def _plausibility(text: str) -> int:
    score = 0
    for character in text:
        if character.isascii():
            continue
        point = ord(character)
        if 0x3000 <= point <= 0x30FF or 0xFF01 <= point <= 0xFF5E:
            score += 2  # CJK punctuation, kana, full-width forms
        elif 0xFF61 <= point <= 0xFF9F:
            score -= 2  # half-width katakana: what GB18030 bytes look like as Shift_JIS
        elif _encodes(character, "gb2312") or _encodes(character, "euc_jp"):
            score += 1
        else:
            score -= 2
    return score


def _encodes(character: str, encoding: str) -> bool:
    try:
        character.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- Tables -----------------------------------------------------------------------------


def read_csv(content: bytes, encoding: str) -> Table:
    text = content.decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = _headers(next(reader, []))
    except csv.Error as error:
        raise _unreadable(error) from error
    return Table(headers, _csv_rows(reader))


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    row_number = 1
    try:
        for row_number, cells in enumerate(reader, start=2):
            joined = "".join(cells)  # a blank row (every cell empty or spaces) is skipped
            if joined and not joined.isspace():
                yield row_number, cells
    except csv.Error as error:
        raise ValidationFailed(
            _("Row %(row)d of the file cannot be read as CSV: %(error)s")
            % {"row": row_number + 1, "error": error},
            fields={"file": "csv"},
        ) from error


def read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        headers = _headers([_cell(value) for value in next(values, ())])
    except ValidationFailed:
        raise
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise _unreadable(error) from error
    return Table(headers, _xlsx_rows(values))


def _xlsx_rows(values: Iterator[tuple[object, ...]]) -> Iterator[tuple[int, list[str]]]:
    for row_number, row in enumerate(values, start=2):
        cells = [_cell(value) for value in row]
        if any(cells):
            yield row_number, cells


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _headers(cells: list[str]) -> list[str]:
    headers = [cell.strip() for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ValidationFailed(
            _("The first row must name the columns; this file's first row is empty."),
            fields={"file": "header"},
        )
    if len(headers) > MAX_COLUMNS:
        raise ValidationFailed(
            _("Use at most %(max)d columns.") % {"max": MAX_COLUMNS}, fields={"file": "columns"}
        )
    duplicates = sorted({name for name in headers if name and headers.count(name) > 1})
    if duplicates:
        raise ValidationFailed(
            _("Column names must be unique; these appear twice: %(names)s.")
            % {"names": ", ".join(duplicates)},
            fields={"file": "header"},
        )
    return headers


def _unreadable(error: Exception) -> ValidationFailed:
    return ValidationFailed(
        _("The file cannot be read (%(error)s). Upload a CSV or XLSX file.")
        % {"error": type(error).__name__},
        fields={"file": "unreadable"},
    )


def read_table(content: bytes, format: str, encoding: str) -> Table:
    if format == "xlsx":
        return read_xlsx(content)
    return read_csv(content, encoding)


def records(table: Table, columns: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as {target field: cell}, by the mapping of fields to file columns."""
    positions = {
        field: table.headers.index(column)
        for field, column in columns.items()
        if column in table.headers
    }
    if not positions:
        for row_number, _cells in table.rows:
            yield row_number, {}
        return
    fields = list(positions)
    pick = operator.itemgetter(*positions.values())
    widest = max(positions.values())
    single = len(fields) == 1
    for row_number, cells in table.rows:
        if len(cells) > widest:  # the common case, in C: every mapped cell is there
            picked = pick(cells)
            yield row_number, dict(zip(fields, (picked,) if single else picked, strict=True))
        else:
            width = len(cells)
            yield (
                row_number,
                {
                    field: cells[position] if position < width else ""
                    for field, position in positions.items()
                },
            )
