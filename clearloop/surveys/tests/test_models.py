"""Database constraints on surveys, versions, responses and answers, and question scales."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clearloop.accounts.models import Organization
from clearloop.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    SurveyVersion,
)
from clearloop.surveys.tests.factories import (
    AnswerFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    SurveyVersionFactory,
)

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def test_a_survey_has_at_most_one_unpublished_version(acme: Organization) -> None:
    survey = SurveyFactory.create(organization=acme)
    SurveyVersionFactory(survey=survey, number=1, published_at=None)
    second_draft = SurveyVersion(organization=acme, survey=survey, number=2)

    with pytest.raises(ValidationError) as error:
        second_draft.validate_constraints()
    assert _messages(error.value) == ["A survey has at most one unpublished version."]
    with pytest.raises(IntegrityError), transaction.atomic():
        second_draft.save()


def test_version_numbers_are_unique_per_survey(acme: Organization) -> None:
    version = SurveyVersionFactory.create(organization=acme, number=1)

    with pytest.raises(ValidationError) as error:
        SurveyVersion(
            organization=acme, survey=version.survey, number=1, published_at=version.published_at
        ).validate_constraints()
    assert _messages(error.value) == ["This survey already has a version with this number."]


def test_a_question_is_answered_once_per_response_and_row(acme: Organization) -> None:
    answer = AnswerFactory.create(organization=acme)
    again = Answer(organization=acme, response=answer.response, question=answer.question, number=3)

    with pytest.raises(ValidationError) as error:
        again.validate_constraints()
    assert _messages(error.value) == ["This question is already answered in this response."]
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_matrix_rows_are_answered_separately(acme: Organization) -> None:
    response = ResponseFactory(organization=acme)
    matrix = QuestionFactory(
        version=response.version,
        kind=QuestionKind.MATRIX,
        options={"rows": [{"key": "price"}, {"key": "delivery"}]},
    )

    for row in matrix.row_keys:
        Answer.objects.create(
            organization=acme, response=response, question=matrix, row=row, number=4
        )

    assert response.answers.count() == 2


def test_a_response_cannot_complete_before_it_starts(acme: Organization) -> None:
    response = ResponseFactory.build(
        organization=acme,
        version=SurveyVersionFactory(organization=acme),
        completed_at=dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC),
    )

    with pytest.raises(ValidationError) as error:
        response.validate_constraints()
    assert _messages(error.value) == ["A response cannot be completed before it starts."]


def test_a_version_with_responses_cannot_be_deleted_alone_but_its_survey_can(
    acme: Organization,
) -> None:
    answer = AnswerFactory(organization=acme)
    version, survey = answer.response.version, answer.response.survey

    with pytest.raises(IntegrityError), transaction.atomic():
        version.delete()
    survey.delete()

    assert not Response.objects.exists()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("kind", "options", "scale"),
    [
        (QuestionKind.NPS, {}, (0, 10)),
        (QuestionKind.CSAT, {}, (1, 5)),
        (QuestionKind.CES, {}, (1, 7)),
        (QuestionKind.CONTACT_PERMISSION, {}, (0, 1)),
        (QuestionKind.RATING, {}, (1, 5)),
        (QuestionKind.MATRIX, {"scale": {"min": 1, "max": 10}}, (1, 10)),
        (QuestionKind.TEXT, {}, None),
    ],
)
def test_question_scale_follows_its_kind(
    kind: str, options: dict[str, object], scale: tuple[int, int] | None
) -> None:
    assert Question(kind=kind, options=options).scale == scale


def test_question_text_falls_back_to_another_language() -> None:
    question = Question(key="nps", texts={"en": "Recommend us?", "ja": "おすすめしますか"})

    assert question.text_in("ja") == "おすすめしますか"
    assert question.text_in("zh-hans") == "Recommend us?"
