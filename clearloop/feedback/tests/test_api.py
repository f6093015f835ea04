"""The feedback API: the inbox list with its filters and search in cursor pages, creating
one item (indexed and run through the rules at once), setting tags, tags; tenancy 404
and roles on every route."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.conftest import Persona
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback import services
from clearloop.feedback.models import FeedbackItem, ItemTag, Tag
from clearloop.feedback.tests.factories import TagFactory, indexed

pytestmark = pytest.mark.django_db

LIST = "/api/v1/feedback/"
TAGS = "/api/v1/feedback/tags/"


def _detail(item: FeedbackItem) -> str:
    return f"/api/v1/feedback/{item.pk}/"


def test_list_filters_and_searches_in_cursor_pages(alice: Persona) -> None:
    for n in range(3):
        indexed(organization=alice.organization, language="ja", text=f"配送が遅い {n}")
    indexed(organization=alice.organization, language="en", text="配送 in English")
    client = api(alice.api_token())

    first = client.get(LIST, {"q": "配送", "language": "ja", "page_size": 2}).json()
    second = client.get(first["next"]).json()

    texts = [item["text"] for item in first["results"] + second["results"]]
    assert texts == ["配送が遅い 2", "配送が遅い 1", "配送が遅い 0"]
    assert first["results"][0]["channel"] == "review" and first["results"][0]["tags"] == []


def test_list_query_count_is_constant(alice: Persona) -> None:
    tag = TagFactory.create(organization=alice.organization)
    client = api(alice.api_token())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    indexed(organization=alice.organization).item_tags.create(
        organization=alice.organization, tag=tag
    )
    count()  # the first request of a token also records its use
    few = count()
    for _ in range(5):
        customer = CustomerFactory(organization=alice.organization)
        item = indexed(organization=alice.organization, customer=customer)
        item.item_tags.create(organization=alice.organization, tag=tag)
    assert count() == few


def test_bad_filters_are_problem_details(alice: Persona) -> None:
    bad = {"rating": "11", "date_from": "x", "has_case": "maybe"}
    body = assert_problem(api(alice.api_token()).get(LIST, bad), 400)
    assert set(body["errors"]) == {"rating", "date_from", "has_case"}


def test_list_filters_by_whether_a_case_follows_the_item_up(alice: Persona) -> None:
    from clearloop.cases.services import Origin, case_open

    followed = indexed(organization=alice.organization, text="broken on arrival")
    indexed(organization=alice.organization, text="fine")
    case_open(
        organization=alice.organization,
        subject="Broken",
        by=None,
        origin=Origin(feedback_item=followed),
    )
    client = api(alice.api_token())

    with_case = client.get(LIST, {"has_case": "yes"}).json()["results"]
    without = client.get(LIST, {"has_case": "no"}).json()["results"]

    assert [item["text"] for item in with_case] == ["broken on arrival"]
    assert [item["text"] for item in without] == ["fine"]


def test_create_stores_an_item_that_rules_and_search_see_at_once(alice: Persona) -> None:
    tag = TagFactory.create(organization=alice.organization, name="Delivery")
    services.tagging_rule_create(
        organization=alice.organization, name="d", tag=tag, phrases=["配送"], by=alice.membership
    )
    customer = CustomerFactory(organization=alice.organization)
    client = api(alice.api_token())

    created = client.post(
        LIST,
        {
            "source": "social",
            "text": "配送がとても遅かったです #lumen",
            "occurred_at": "2025-03-03T09:00:00Z",
            "language": "ja",
            "customer": customer.pk,
            "external_id": "post-1",
            "metadata": {"platform": "x", "hashtags": ["lumen"]},
        },
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["tags"] == ["Delivery"]
    assert [i["id"] for i in client.get(LIST, {"q": "配送"}).json()["results"]] == [
        created.json()["id"]
    ]
    again = client.post(
        LIST,
        {
            "source": "social",
            "text": "x",
            "occurred_at": "2025-03-03T09:00:00Z",
            "external_id": "post-1",
        },
        content_type="application/json",
    )
    assert_problem(again, 409)


def test_create_refuses_survey_comments_and_bad_ratings(alice: Persona) -> None:
    client = api(alice.api_token())

    response = client.post(
        LIST,
        {
            "source": "survey_comment",
            "text": "x",
            "occurred_at": "2025-03-03T09:00:00Z",
            "rating": 9,
        },
        content_type="application/json",
    )

    assert set(assert_problem(response, 400)["errors"]) == {"source", "rating"}
    assert not FeedbackItem.objects.exists()


def test_patch_sets_tags_by_name(alice: Persona) -> None:
    item = indexed(organization=alice.organization)
    TagFactory(organization=alice.organization, name="Delivery")
    TagFactory(organization=alice.organization, name="Price")
    client = api(alice.api_token())

    response = client.patch(
        _detail(item), {"tags": ["Price", "Delivery"]}, content_type="application/json"
    )
    assert response.json()["tags"] == ["Delivery", "Price"]
    unknown = client.patch(_detail(item), {"tags": ["Nope"]}, content_type="application/json")
    assert assert_problem(unknown, 400)["errors"] == {"tags": ["Nope"]}
    assert ItemTag.objects.count() == 2


def test_tags_are_listed_and_created(alice: Persona) -> None:
    client = api(alice.api_token())

    created = client.post(
        TAGS, {"name": "Delivery", "colour": "green"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["colour"] == "green"
    assert [t["name"] for t in client.get(TAGS).json()] == ["Delivery"]
    duplicate = client.post(TAGS, {"name": "delivery"}, content_type="application/json")
    assert_problem(duplicate, 409)
    bad_colour = client.post(
        TAGS, {"name": "x", "colour": "#ff0000"}, content_type="application/json"
    )
    assert_problem(bad_colour, 400)


def test_charlie_gets_404_for_acme_items_and_never_sees_its_tags(
    alice: Persona, charlie: Persona
) -> None:
    item = indexed(organization=alice.organization, text="Acme secret")
    TagFactory(organization=alice.organization, name="Acme tag")
    TagFactory(organization=charlie.organization, name="Acme tag")
    acme_customer = CustomerFactory(organization=alice.organization)
    client = api(charlie.api_token())

    assert_problem(client.get(_detail(item)), 404)
    assert_problem(
        client.patch(_detail(item), {"tags": ["Acme tag"]}, content_type="application/json"), 404
    )
    assert client.get(LIST).json()["results"] == []
    assert client.get(LIST, {"q": "secret"}).json()["results"] == []
    assert [t["name"] for t in client.get(TAGS).json()] == ["Acme tag"]  # its own
    foreign_customer = client.post(
        LIST,
        {
            "source": "email",
            "text": "x",
            "occurred_at": "2025-03-03T09:00:00Z",
            "customer": acme_customer.pk,
        },
        content_type="application/json",
    )
    assert_problem(foreign_customer, 404)
    assert ItemTag.objects.count() == 0 and FeedbackItem.objects.count() == 1


def test_roles_viewer_reads_agent_tags_manager_creates(alice: Persona) -> None:
    item = indexed(organization=alice.organization)
    TagFactory(organization=alice.organization, name="Delivery")
    viewer = api(alice.api_token(Role.VIEWER))
    agent = api(alice.api_token(Role.AGENT))
    manager = api(alice.api_token(Role.MANAGER))
    new_item = {"source": "email", "text": "hi", "occurred_at": "2025-03-03T09:00:00Z"}

    assert viewer.get(LIST).status_code == 200 and viewer.get(TAGS).status_code == 200
    assert_problem(
        viewer.patch(_detail(item), {"tags": ["Delivery"]}, content_type="application/json"), 403
    )
    assert_problem(viewer.post(TAGS, {"name": "x"}, content_type="application/json"), 403)
    assert_problem(agent.post(LIST, new_item, content_type="application/json"), 403)
    assert (
        agent.patch(
            _detail(item), {"tags": ["Delivery"]}, content_type="application/json"
        ).status_code
        == 200
    )
    assert manager.post(LIST, new_item, content_type="application/json").status_code == 201
    assert Tag.objects.count() == 1
    assert_problem(api().get(LIST), 401)
