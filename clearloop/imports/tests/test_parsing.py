# ruff: noqa: RUF001  (Chinese and Japanese text keeps its full-width commas)
"""Reading uploads: the encodings Chinese and Japanese spreadsheets write, and XLSX."""

from __future__ import annotations

import datetime as dt

import pytest

from clearloop.core.errors import ValidationFailed
from clearloop.imports import parsing
from clearloop.imports.tests.helpers import csv_bytes, xlsx_bytes

CHINESE = [
    ["编号", "评论"],
    ["1", "物流很快，包装也很好，下次还会再来购买。"],
    ["2", "客服态度一般"],
]
JAPANESE = [
    ["番号", "コメント"],
    ["1", "配達がとても速くて、梱包も丁寧でした。"],
    ["2", "また注文したいと思います"],
]


@pytest.mark.parametrize(
    ("rows", "encoding", "expected"),
    [
        (CHINESE, "gb18030", "gb18030"),
        (JAPANESE, "shift_jis", "shift_jis"),
        (JAPANESE, "utf-8-sig", "utf-8-sig"),
        (CHINESE, "utf-8", "utf-8"),
    ],
)
def test_csv_encoding_is_detected_and_text_reads_back(rows, encoding, expected):
    content = csv_bytes(rows, encoding)
    assert parsing.detect_encoding(content) == expected
    table = parsing.read_csv(content, expected)
    assert table.headers == rows[0]
    assert [cells for _row, cells in table.rows] == rows[1:]


def test_short_japanese_text_in_shift_jis_is_not_taken_for_chinese():
    content = csv_bytes([["名前"], ["佐藤"], ["ありがとう"]], "shift_jis")
    assert parsing.detect_encoding(content) == "shift_jis"


def test_two_chinese_characters_in_gb18030_are_not_taken_for_half_width_katakana():
    content = csv_bytes([["text"], ["<b>ok</b> 很好"]], "gb18030")
    assert parsing.detect_encoding(content) == "gb18030"


def test_xlsx_cells_become_text_with_spreadsheet_row_numbers():
    content = xlsx_bytes(
        [
            ["id", "when", "stars", "text"],
            ["a", dt.datetime(2025, 3, 1, 9, 30), 5, "良い"],
            [None, None, None, None],
            ["b", dt.date(2025, 3, 2), 4.5, "ok"],
        ]
    )
    table = parsing.read_xlsx(content)
    assert table.headers == ["id", "when", "stars", "text"]
    assert list(table.rows) == [
        (2, ["a", "2025-03-01 09:30:00", "5", "良い"]),
        (4, ["b", "2025-03-02 00:00:00", "4.5", "ok"]),
    ]


def test_a_header_naming_a_column_twice_is_refused():
    with pytest.raises(ValidationFailed, match="appear twice: text"):
        parsing.read_csv(csv_bytes([["text", "text"], ["a", "b"]]), "utf-8")


def test_a_broken_workbook_is_refused_with_a_message():
    with pytest.raises(ValidationFailed, match="cannot be read"):
        parsing.read_xlsx(b"PK\x03\x04 not really a zip")
