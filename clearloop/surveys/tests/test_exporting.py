"""Exports of raw responses: the layout, formula neutralizing in CSV and XLSX, filters,
and a bounded number of queries however many responses there are."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.exporting import (
    csv_file,
    csv_lines,
    export_rows,
    neutralize,
    with_progress,
    xlsx_file,
)
from clearloop.surveys.models import Answer, Question, Response
from clearloop.surveys.results import ResponseFilters
from clearloop.surveys.tests.factories import NOW
from clearloop.surveys.tests.results_data import respond, results_version

pytestmark = pytest.mark.django_db

NONE = ResponseFilters()
ATTACKS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0"]


@pytest.fixture
def version(acme):
    return results_version(acme)


def _csv(survey, filters=NONE) -> list[list[str]]:
    text = "".join(csv_lines(export_rows(survey=survey, filters=filters)))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(survey, filters=NONE) -> list[list]:
    sheet = load_workbook(xlsx_file(export_rows(survey=survey, filters=filters))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_one_row_per_completed_response_and_one_column_per_question(version):
    customer = CustomerFactory(organization=version.organization, external_id="CRM-7")
    respond(
        version,
        {
            "nps": 9,
            "reason": ["late"],
            "liked": ["fast", "friendly"],
            "attributes": {"speed": 4, "care": 2},
            "comment": "配達が速い",
            "contact": 1,
        },
        customer=customer,
        language="ja",
        hidden_fields={"team": "billing", "order": "A-1"},
        when=dt.datetime(2025, 3, 3, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
    )
    respond(version, {"nps": 3}, completed=False, hidden_fields={"partial": "x"})

    header, row = _csv(version.survey)

    assert header == [
        "response_id", "completed_at", "language", "channel", "customer_external_id",
        "nps", "csat", "ces", "rating", "reason", "liked", "attributes.speed", "attributes.care",
        "comment", "contact", "hidden.order", "hidden.team",
    ]  # fmt: skip
    values = dict(zip(header, row, strict=True))
    assert values["completed_at"] == "2025-03-03T09:03:00+00:00"  # ISO, in UTC
    assert (values["language"], values["channel"], values["customer_external_id"]) == (
        "ja",
        "link",
        "CRM-7",
    )
    assert (values["nps"], values["csat"], values["reason"], values["liked"]) == (
        "9",
        "",
        "late",
        "fast; friendly",
    )
    assert (values["attributes.speed"], values["attributes.care"]) == ("4", "2")
    assert (values["comment"], values["contact"]) == ("配達が速い", "1")
    assert (values["hidden.order"], values["hidden.team"]) == ("A-1", "billing")


def test_questions_of_every_version_get_a_column(version):
    second = results_version(version.organization, survey=version.survey, number=2)
    Question.objects.filter(version=second, key="rating").update(key="price")
    respond(version, {"rating": 4})
    respond(second, {"price": 8})

    header, first, last = _csv(version.survey)

    assert header.index("price") < header.index("rating")  # newest version's order first
    assert (first[header.index("rating")], first[header.index("price")]) == ("4", "")
    assert (last[header.index("rating")], last[header.index("price")]) == ("", "8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("fine = good", "fine = good"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralize_quotes_text_that_starts_like_a_formula(value, expected):
    assert neutralize(value) == expected


def test_formulas_typed_by_respondents_are_neutralized_in_csv_and_xlsx(version):
    for attack in ATTACKS:
        respond(version, {"comment": attack}, hidden_fields={"ref": "@SUM(1+1)*cmd"})
    respond(version, {"comment": "\x01=1+2"})  # a control character xlsx must drop

    csv_rows = _csv(version.survey)
    xlsx_rows = _xlsx(version.survey)

    comment = csv_rows[0].index("comment")
    ref = csv_rows[0].index("hidden.ref")
    assert [row[comment] for row in csv_rows[1:3]] == ["'" + attack for attack in ATTACKS]
    assert csv_rows[1][ref] == "'@SUM(1+1)*cmd"
    assert [row[comment] for row in xlsx_rows[1:3]] == ["'" + attack for attack in ATTACKS]
    assert xlsx_rows[1][ref] == "'@SUM(1+1)*cmd"
    assert xlsx_rows[3][comment] == "'=1+2"
    sheet = load_workbook(xlsx_file(export_rows(survey=version.survey, filters=NONE))).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_keeps_numbers_as_numbers(version):
    respond(version, {"nps": 10, "comment": "日本語のコメント"})

    header, row = _xlsx(version.survey)

    assert row[header.index("nps")] == 10
    assert row[header.index("comment")] == "日本語のコメント"


def test_export_respects_the_filters(version):
    respond(version, {"nps": 10}, language="ja")
    respond(version, {"nps": 2}, language="en")

    rows = _csv(version.survey, ResponseFilters(nps_group="detractor"))

    assert [row[rows[0].index("nps")] for row in rows[1:]] == ["2"]
    assert len(_csv(version.survey, ResponseFilters(language="ja"))) == 2


def test_export_of_2000_responses_runs_in_a_bounded_number_of_queries(
    version, django_assert_max_num_queries
):
    organization = version.organization
    questions = {q.key: q for q in Question.objects.filter(version=version)}
    responses = Response.objects.bulk_create(
        Response(
            organization=organization,
            survey=version.survey,
            version=version,
            channel="link",
            language="en",
            hidden_fields={"n": str(i)},
            started_at=NOW,
            completed_at=NOW + dt.timedelta(seconds=i),
        )
        for i in range(2000)
    )
    Answer.objects.bulk_create(
        answer
        for i, response in enumerate(responses)
        for answer in (
            Answer(organization=organization, response=response, question=questions["nps"],
                   number=i % 11),
            Answer(organization=organization, response=response, question=questions["liked"],
                   choices=["fast"]),
            Answer(organization=organization, response=response, question=questions["comment"],
                   text=f"comment {i}"),
        )
    )  # fmt: skip

    # questions, hidden keys, then per 1,000 responses: the responses and their answers
    with django_assert_max_num_queries(8):
        rows = list(export_rows(survey=version.survey, filters=NONE))

    assert len(rows) == 2001
    assert rows[-1][rows[0].index("comment")] == "comment 1999"


def test_csv_file_holds_the_streamed_csv_in_utf8(version):
    respond(version, {"comment": "=1+1 配達"})

    streamed = "".join(csv_lines(export_rows(survey=version.survey, filters=NONE)))
    built = csv_file(export_rows(survey=version.survey, filters=NONE)).read()

    assert built == streamed.encode("utf-8")
    assert "'=1+1 配達" in built.decode("utf-8")


def test_progress_is_reported_every_few_rows_and_at_the_end(version):
    for index in range(5):
        respond(version, {"nps": index})
    reported: list[int] = []

    rows = list(
        with_progress(
            export_rows(survey=version.survey, filters=NONE), every=2, report=reported.append
        )
    )

    assert len(rows) == 6  # the header and five responses, unchanged
    assert reported == [2, 4, 5]


def test_progress_of_an_empty_export_reports_zero_once(version):
    reported: list[int] = []
    rows = list(
        with_progress(
            export_rows(survey=version.survey, filters=NONE), every=2, report=reported.append
        )
    )
    assert len(rows) == 1 and reported == [0]


def test_progress_is_reported_after_the_row_was_taken(version):
    for index in range(2):
        respond(version, {"nps": index})
    reported: list[int] = []
    rows = with_progress(
        export_rows(survey=version.survey, filters=NONE), every=1, report=reported.append
    )

    next(rows), next(rows)  # the header and the first response
    assert reported == []  # the first row is reported once it has been written
    next(rows)
    assert reported == [1]
