"""The JSON submit's hot path: how many statements one submit costs, and that nothing it
keeps in process memory outlives a change to the link, the survey or its versions."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, Response, SurveyStatus
from clearloop.surveys.responding import sign_hidden_fields
from clearloop.surveys.services import survey_export, survey_publish, survey_update_draft

pytestmark = pytest.mark.django_db

DETRACTOR = {
    "nps": 3,
    "detractor_reason": "late",
    "ratings": {"speed": 2, "care": 4},
    "comment": "Late again",
    "contact": True,
}


def _submit(distribution, answers: dict[str, Any], **extra: Any):
    body = {"submission_id": str(uuid.uuid4()), "answers": answers, **extra}
    return Client().post(
        reverse("survey_public:submit", args=[distribution.public_token]),
        json.dumps(body),
        content_type="application/json",
    )


def _publish_with_a_required_city_question(distribution, persona) -> None:
    definition = survey_export(survey=distribution.survey)
    definition["questions"].append(
        {
            "key": "city",
            "kind": "text",
            "page": 3,
            "required": True,
            "texts": {"en": "Which city?", "ja": "どの都市ですか"},
        }
    )
    survey = survey_update_draft(
        survey=distribution.survey, definition=definition, by=persona.membership
    )
    survey_publish(survey=survey, by=persona.membership)


@pytest.mark.django_db(transaction=True)
def test_a_json_submit_costs_one_read_and_one_write(distribution, django_assert_num_queries):
    _submit(distribution, DETRACTOR)  # this process meets the published version once
    if connection.vendor == "postgresql":
        expected = ["SELECT", "WITH"]  # the link; the response, answers and comment at once
    else:
        expected = ["SELECT", "BEGIN", "INSERT", "INSERT", "INSERT", "COMMIT"]
    with django_assert_num_queries(len(expected)) as captured:
        assert _submit(distribution, DETRACTOR).status_code == 201
    assert [query["sql"].split()[0].upper() for query in captured.captured_queries] == expected
    assert Answer.objects.count() == 2 * 6 and FeedbackItem.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_retried_json_submit_costs_no_more_than_the_first(
    distribution, django_assert_max_num_queries
):
    body = {"submission_id": str(uuid.uuid4()), "answers": DETRACTOR}
    url = reverse("survey_public:submit", args=[distribution.public_token])
    first = Client().post(url, json.dumps(body), content_type="application/json")
    # link, (begin), the refused insert, (rollback), the stored response
    with django_assert_max_num_queries(6):
        again = Client().post(url, json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["response_id"] == first.json()["response_id"]
    assert Response.objects.count() == 1 and FeedbackItem.objects.count() == 1


def test_the_fast_insert_stores_what_the_orm_would(distribution):
    hidden = sign_hidden_fields(distribution, {"order": "A-1"})
    reply = _submit(distribution, DETRACTOR, language="ja", hidden=hidden)
    assert reply.status_code == 201
    response = Response.objects.get(pk=reply.json()["response_id"])
    assert response.hidden_fields == {"order": "A-1"} and response.language == "ja"
    assert response.completed_at == response.started_at
    assert response.created_at is not None and response.updated_at is not None
    assert (response.distribution_id, response.channel) == (distribution.pk, distribution.kind)
    stored = {
        (answer.question.key, answer.row): (answer.number, answer.choices, answer.text)
        for answer in Answer.objects.filter(response=response).select_related("question")
    }
    assert stored == {
        ("nps", ""): (3, [], ""),
        ("detractor_reason", ""): (None, ["late"], ""),
        ("ratings", "speed"): (2, [], ""),
        ("ratings", "care"): (4, [], ""),
        ("comment", ""): (None, [], "Late again"),
        ("contact", ""): (1, [], ""),
    }
    comment = FeedbackItem.objects.get(response=response)
    assert (comment.source, comment.language, comment.text) == (
        FeedbackSource.SURVEY_COMMENT,
        "ja",
        "Late again",
    )
    assert comment.occurred_at == response.completed_at
    assert comment.organization_id == response.organization_id == distribution.organization_id


def test_a_newly_published_version_is_used_by_the_very_next_submit(distribution, alice):
    first = _submit(distribution, DETRACTOR)  # the published version is now in memory
    _publish_with_a_required_city_question(distribution, alice)
    refused = _submit(distribution, DETRACTOR, language="ja")
    assert refused.status_code == 400
    with translation.override("ja"):
        assert refused.json()["errors"] == {"city": gettext("This question needs an answer.")}
    stored = _submit(distribution, {**DETRACTOR, "city": "Osaka"})
    assert stored.status_code == 201
    response = Response.objects.get(pk=stored.json()["response_id"])
    earlier = Response.objects.get(pk=first.json()["response_id"])
    assert response.version.number == earlier.version.number + 1
    assert Answer.objects.get(response=response, question__key="city").text == "Osaka"


@pytest.mark.parametrize("change", ["switched off", "closed", "unpublished"])
def test_a_link_that_stops_taking_answers_refuses_the_very_next_submit(distribution, change):
    assert _submit(distribution, DETRACTOR).status_code == 201
    if change == "switched off":
        distribution.active = False
        distribution.save(update_fields=["active"])
    elif change == "closed":
        distribution.survey.status = SurveyStatus.CLOSED
        distribution.survey.save(update_fields=["status"])
    else:
        distribution.survey.versions.update(published_at=None)
    refused = _submit(distribution, DETRACTOR)
    assert refused.status_code == 404
    assert Response.objects.count() == 1


def test_a_language_added_to_the_survey_applies_at_once(distribution):
    assert _submit(distribution, DETRACTOR, language="zh-hans").status_code == 201
    distribution.survey.languages = ["en", "ja", "zh-hans"]
    distribution.survey.save(update_fields=["languages"])
    reply = _submit(distribution, DETRACTOR, language="zh-hans")
    assert Response.objects.get(pk=reply.json()["response_id"]).language == "zh-hans"
