"""Raw survey responses as spreadsheet rows: CSV (streamed) and XLSX (write-only).

One row per completed response that matches the filters, one column per question key
across the survey's versions (a matrix gets one column per row, `key.row`; a multiple
choice answer is its choice keys joined by "; "), then one column per hidden field key.

Answers are typed by anonymous respondents, so every text cell that a spreadsheet would
read as a formula (it begins with = + - @, a tab or a carriage return) is prefixed with
a single quote (DESIGN.md, security 3). Rows are read in chunks with their answers
prefetched: two queries per chunk, however many questions the survey has.

The same rows feed the download built in the request (`csv_lines`, streamed) and the
background export (`csv_file` / `xlsx_file`, see `clearloop.surveys.export_jobs`), which
counts them as they pass with `with_progress`.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import connections
from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from clearloop.surveys.models import Answer, QuestionKind, Response, Survey
from clearloop.surveys.results import (
    CHOICE_KINDS,
    ResponseFilters,
    SurveyQuestion,
    completed_responses,
    survey_questions,
)

CHUNK_SIZE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIXED_COLUMNS = ["response_id", "completed_at", "language", "channel", "customer_external_id"]

Cell = str | int | None


def neutralize(value: Cell) -> Cell:
    """Text a spreadsheet would run as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportLayout:
    """The columns: the fixed ones, (question key, matrix row) pairs, hidden field keys."""

    questions: list[tuple[SurveyQuestion, str]]
    hidden_keys: list[str]

    @property
    def key_of_question(self) -> dict[int, str]:
        return {pk: entry.key for entry, _row in self.questions for pk in entry.question_ids}

    @property
    def header(self) -> list[str]:
        answer_columns = [f"{q.key}.{row}" if row else q.key for q, row in self.questions]
        hidden_columns = [f"hidden.{key}" for key in self.hidden_keys]
        return [*FIXED_COLUMNS, *answer_columns, *hidden_columns]


def hidden_field_keys(responses: QuerySet[Response]) -> list[str]:
    """The distinct hidden field keys of `responses`, listed by the database."""
    connection = connections[responses.db]
    subquery, params = responses.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(Response._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT DISTINCT jsonb_object_keys(hidden_fields) FROM {table} "  # noqa: S608 (names from the model, values as parameters)
            f"WHERE jsonb_typeof(hidden_fields) = 'object' AND id IN ({subquery})"
        )
    else:
        sql = (
            f"SELECT DISTINCT hidden.key FROM {table}, json_each({table}.hidden_fields) AS hidden "  # noqa: S608 (as above)
            f"WHERE json_type({table}.hidden_fields) = 'object' AND {table}.id IN ({subquery})"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(str(row[0]) for row in cursor.fetchall())


def export_layout(*, survey: Survey, responses: QuerySet[Response]) -> ExportLayout:
    columns: list[tuple[SurveyQuestion, str]] = []
    for entry in survey_questions(survey=survey):
        if entry.kind == QuestionKind.MATRIX:
            columns.extend((entry, row) for row in entry.rows)
        else:
            columns.append((entry, ""))
    return ExportLayout(columns, hidden_field_keys(responses))


def _answer_cell(kind: str, answer: Answer) -> Cell:
    if kind in CHOICE_KINDS:
        return "; ".join(answer.choices or [])
    if kind == QuestionKind.TEXT:
        return answer.text
    return answer.number


def _completed_at(response: Response) -> str:
    completed = response.completed_at
    return completed.astimezone(dt.UTC).isoformat() if completed else ""


def _row(layout: ExportLayout, keys: dict[int, str], response: Response) -> list[Cell]:
    by_column = {(keys.get(a.question_id, ""), a.row): a for a in response.answers.all()}
    customer = response.customer.external_id if response.customer else ""
    cells: list[Cell] = [
        response.pk,
        _completed_at(response),
        response.language,
        response.channel,
        customer,
    ]
    for entry, row in layout.questions:
        answer = by_column.get((entry.key, row))
        cells.append(_answer_cell(entry.kind, answer) if answer else None)
    hidden: dict[str, Any] = (
        response.hidden_fields if isinstance(response.hidden_fields, dict) else {}
    )
    cells.extend(_hidden_cell(hidden.get(key)) for key in layout.hidden_keys)
    return [neutralize(cell) for cell in cells]


def _hidden_cell(value: Any) -> Cell:
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


def export_rows(*, survey: Survey, filters: ResponseFilters) -> Iterator[list[Cell]]:
    """The header, then one row per completed response matching `filters`, oldest first."""
    responses = completed_responses(survey=survey, filters=filters)
    layout = export_layout(survey=survey, responses=responses)
    header: list[Cell] = [*layout.header]
    yield header
    keys = layout.key_of_question
    answers = Answer.objects.only("response", "question", "row", "number", "choices", "text")
    rows = (
        responses.select_related("customer")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("completed_at", "pk")
    )
    for response in rows.iterator(chunk_size=CHUNK_SIZE):
        yield _row(layout, keys, response)


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterator[list[Cell]]) -> Iterator[str]:
    """CSV text, starting with a byte-order mark so Excel reads UTF-8 (CJK) correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(["" if cell is None else cell for cell in row])


def csv_file(rows: Iterator[list[Cell]]) -> IO[bytes]:
    """The same CSV as `csv_lines`, UTF-8 encoded into a file, rewound."""
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the caller closes it)
    for line in csv_lines(rows):
        output.write(line.encode("utf-8"))
    output.seek(0)
    return output


def with_progress(
    rows: Iterator[list[Cell]], *, every: int, report: Callable[[int], None]
) -> Iterator[list[Cell]]:
    """`rows` unchanged (the header first), calling `report(n)` after every `every` data
    rows and once at the end with the total, so a long export can show how far it is."""
    if every < 1:
        raise ValueError("every must be at least 1.")
    done = 0
    for index, row in enumerate(rows):
        yield row
        done = index  # rows after the header
        if done and done % every == 0:
            report(done)
    if not done or done % every:
        report(done)


def _xlsx_cell(cell: Cell) -> Cell:
    # openpyxl refuses control characters in cells, and a respondent may still type them;
    # removing them may expose a formula start, so neutralize again afterwards.
    return neutralize(ILLEGAL_CHARACTERS_RE.sub("", cell)) if isinstance(cell, str) else cell


def xlsx_file(rows: Iterator[list[Cell]], *, title: str = "Responses") -> IO[bytes]:
    """An XLSX workbook of `rows`, written row by row (write-only mode), rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    workbook.save(output)
    output.seek(0)
    return output
