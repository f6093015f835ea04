"""The responses API: the list with the web page's filters (and exact times, completion,
distribution, customer), answers by shape, a fixed number of queries, tenancy and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.models import Question, ResponseChannel
from clearloop.surveys.tests.factories import NOW, AnswerFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def answered(distribution, *, nps: int, **fields):
    """A completed response through `distribution` answering every kind of question."""
    version = distribution.survey.versions.get()
    response = ResponseFactory.create(
        organization=distribution.organization,
        version=version,
        distribution=distribution,
        **fields,
    )
    questions = {q.key: q for q in Question.objects.filter(version=version)}
    AnswerFactory.create(response=response, question=questions["nps"], number=nps)
    AnswerFactory.create(
        response=response, question=questions["promoter_reason"], number=None, choices=["fast"]
    )
    for row, number in (("speed", 4), ("care", 5)):
        AnswerFactory.create(
            response=response, question=questions["ratings"], row=row, number=number
        )
    AnswerFactory.create(
        response=response, question=questions["comment"], number=None, text="Quick!"
    )
    AnswerFactory.create(response=response, question=questions["contact"], number=1)
    return response


@pytest.fixture
def client(alice):
    return api(alice.api_token())


def url(distribution, suffix="") -> str:
    return f"/api/v1/surveys/{distribution.survey_id}/responses/{suffix}"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_a_response_comes_with_its_answers_by_shape_and_hidden_fields(client, distribution):
    response = answered(distribution, nps=10, hidden_fields={"order": "A-1"}, language="ja")
    body = client.get(url(distribution, f"{response.pk}/")).json()
    assert body["hidden_fields"] == {"order": "A-1"} and body["language"] == "ja"
    assert body["version"] == response.version.number
    assert body["distribution"] == distribution.pk
    assert body["answers"] == [
        {"question": "nps", "kind": "nps", "value": 10},
        {"question": "promoter_reason", "kind": "multiple_choice", "value": ["fast"]},
        {"question": "ratings", "kind": "matrix", "value": {"speed": 4, "care": 5}},
        {"question": "comment", "kind": "text", "value": "Quick!"},
        {"question": "contact", "kind": "contact_permission", "value": True},
    ]


def test_the_list_filters_like_the_web_page(client, alice, distribution):
    customer = CustomerFactory.create(organization=alice.organization)
    promoter = answered(distribution, nps=9, customer=customer)
    detractor = answered(
        distribution, nps=3, channel=ResponseChannel.EMAIL, started_at=NOW + timedelta(days=2)
    )
    partial = ResponseFactory.create(
        organization=alice.organization,
        version=distribution.survey.versions.get(),
        completed_at=None,
        language="ja",
        started_at=NOW + timedelta(days=5),
    )
    assert sorted(ids(client.get(url(distribution)))) == sorted(
        [promoter.pk, detractor.pk, partial.pk]
    )
    assert ids(client.get(url(distribution), {"score_group": "detractor"})) == [detractor.pk]
    assert ids(client.get(url(distribution), {"completed": "false"})) == [partial.pk]
    assert ids(client.get(url(distribution), {"language": "ja"})) == [partial.pk]
    assert ids(client.get(url(distribution), {"channel": "email"})) == [detractor.pk]
    assert ids(client.get(url(distribution), {"customer": customer.pk})) == [promoter.pk]
    since = (NOW + timedelta(days=1)).isoformat()
    until = (NOW + timedelta(days=3)).isoformat()
    assert ids(client.get(url(distribution), {"since": since, "until": until})) == [detractor.pk]
    assert len(ids(client.get(url(distribution), {"distribution": distribution.pk}))) == 2
    assert_problem(client.get(url(distribution), {"since": "yesterday"}), 400)
    assert_problem(client.get(url(distribution), {"score_group": "fan"}), 400)


def test_the_list_takes_a_fixed_number_of_queries(
    client, distribution, django_assert_max_num_queries
):
    for score in range(12):
        answered(distribution, nps=score % 11)
    with django_assert_max_num_queries(5):
        response = client.get(url(distribution), {"page_size": 50})
    assert len(response.json()["results"]) == 12
    assert all(len(item["answers"]) == 5 for item in response.json()["results"])


def test_another_organizations_responses_are_404(alice, charlie, distribution):
    response = answered(distribution, nps=9)
    client = api(charlie.api_token())
    assert_problem(client.get(url(distribution)), 404)
    assert_problem(client.get(url(distribution, f"{response.pk}/")), 404)


def test_a_response_of_another_survey_is_404(client, alice, distribution):
    from clearloop.surveys.tests.conftest import build_survey

    other = answered(build_survey(alice.organization), nps=9)
    assert_problem(client.get(url(distribution, f"{other.pk}/")), 404)


def test_a_viewer_reads_responses(alice, distribution):
    answered(distribution, nps=9)
    client = api(alice.api_token(role=Role.VIEWER))
    assert len(ids(client.get(url(distribution)))) == 1
