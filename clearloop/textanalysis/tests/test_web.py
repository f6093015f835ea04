"""The text pages and the API: what they show, corrections and the taxonomy through
the UI, the inbox filters, and charlie (Globex) getting 404 on every Acme object."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.conftest import Persona
from clearloop.textanalysis import services
from clearloop.textanalysis.models import AnalysisRun, Correction, ItemAnalysis, Topic
from clearloop.textanalysis.tests.factories import analysed, many

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_topic(alice: Persona) -> Topic:
    many(
        alice.organization,
        ["Rude staff at the till", "Lovely sofa", "The staff were rude"],
        timezone.now(),
    )
    topic = Topic.objects.create(organization=alice.organization, name="Staff", keywords=["staff"])
    services.topics_reassign(organization_id=alice.organization.pk)
    return topic


def test_overview_shows_charts_data_accuracy_and_coverage(
    alice: Persona, acme_topic: Topic
) -> None:
    response = alice.client().get(reverse("web:text"))
    assert response.status_code == 200
    assert "3 of 3 feedback items analysed" in response.content.decode()
    data = json.loads(
        response.context["chart_data"].__class__ and json.dumps(response.context["chart_data"])
    )
    assert data["topics"]["names"] == ["Staff"]
    assert data["topics"]["series"]["negative"] == [2]
    assert data["topics"]["links"][0][0].endswith(f"topic={acme_topic.pk}&sentiment=negative")


def test_topics_page_lists_counts_sentiment_and_drills_down(
    alice: Persona, acme_topic: Topic
) -> None:
    client = alice.client()
    page = client.get(reverse("web:text_topics")).content.decode()
    assert "Staff" in page and f"?topic={acme_topic.pk}&amp;sentiment=negative" in page
    inbox = client.get(reverse("web:feedback"), {"topic": acme_topic.pk, "sentiment": "negative"})
    assert inbox.status_code == 200 and inbox.context["page"].paginator.count == 2
    inbox = client.get(reverse("web:feedback"), {"aspect": "staff:negative"})
    assert inbox.context["page"].paginator.count == 2
    assert client.get(reverse("web:feedback"), {"sentiment": "awful"}).status_code == 400


def test_taxonomy_through_the_ui(alice: Persona, acme_topic: Topic) -> None:
    client = alice.client()
    other = Topic.objects.create(organization=alice.organization, name="Till", keywords=["till"])
    client.post(reverse("web:text_topic_rename", args=[acme_topic.pk]), {"name": "Team"})
    client.post(
        reverse("web:text_topic_keywords", args=[acme_topic.pk]), {"keywords": "staff, 店员"}
    )
    client.post(reverse("web:text_topic_merge", args=[other.pk]), {"target": acme_topic.pk})
    acme_topic.refresh_from_db()
    other.refresh_from_db()
    assert acme_topic.name == "Team" and acme_topic.keywords == ["staff", "店员", "till"]
    assert other.merged_into == acme_topic
    response = client.post(reverse("web:text_topic_create"), {"name": "Price", "keywords": ""})
    assert response.status_code == 400
    client.post(reverse("web:text_topic_create"), {"name": "Price", "keywords": "price, 价格"})
    assert Topic.objects.get(name="Price").keywords == ["price", "价格"]


def test_correcting_from_the_item_page(alice: Persona) -> None:
    item = analysed(organization=alice.organization, text="Lovely sofa, awful delivery.")
    client = alice.client()
    page = client.get(reverse("web:feedback_item", args=[item.pk])).content.decode()
    assert "Text analysis" in page and 'data-aspect="delivery"' in page
    response = client.post(
        reverse("web:text_item_correct", args=[item.pk]), {"kind": "sentiment", "value": "negative"}
    )
    assert response.status_code == 302
    assert ItemAnalysis.objects.get(item=item).sentiment == "negative"
    client.post(
        reverse("web:text_item_correct", args=[item.pk]),
        {"kind": "aspect", "subject": "nope", "value": "x"},
    )
    assert Correction.objects.count() == 1


def test_a_viewer_reads_but_cannot_correct_or_edit(alice: Persona, acme_topic: Topic) -> None:
    alice.membership.role = Role.VIEWER
    alice.membership.save()
    item = acme_topic.assignments.first().item
    client = alice.client()
    assert client.get(reverse("web:text_topics")).status_code == 200
    correct = reverse("web:text_item_correct", args=[item.pk])
    assert client.post(correct, {"kind": "sentiment", "value": "negative"}).status_code == 403
    assert (
        client.post(
            reverse("web:text_topic_rename", args=[acme_topic.pk]), {"name": "x"}
        ).status_code
        == 403
    )


def test_backfill_from_the_overview(alice: Persona, django_capture_on_commit_callbacks) -> None:
    many(alice.organization, ["Great"], timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        alice.client().post(reverse("web:text_backfill"))
    page = alice.client().get(reverse("web:text")).content.decode()
    assert "1 of 1 items" in page and "every 2s" not in page  # done: no more polling
    run = AnalysisRun.objects.get()
    run.status = "running"
    run.save()
    card = alice.client().get(reverse("web:text_run")).content.decode()
    assert "every 2s" in card and 'value="100"' in card


def test_charlie_gets_404_for_every_acme_object(
    alice: Persona, charlie: Persona, acme_topic: Topic
) -> None:
    item = acme_topic.assignments.first().item
    client = charlie.client()
    assert client.get(reverse("web:text_topic", args=[acme_topic.pk])).status_code == 404
    AnalysisRun.objects.create(organization=alice.organization, kind="backfill", total=9)
    assert "9 items" not in client.get(reverse("web:text_run")).content.decode()
    for name, data in [
        ("web:text_topic_rename", {"name": "x"}),
        ("web:text_topic_keywords", {"keywords": "x"}),
        ("web:text_topic_merge", {"target": acme_topic.pk}),
    ]:
        assert client.post(reverse(name, args=[acme_topic.pk]), data).status_code == 404
    mine = Topic.objects.create(organization=charlie.organization, name="Mine")
    assert (
        client.post(
            reverse("web:text_topic_merge", args=[mine.pk]), {"target": acme_topic.pk}
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.merged_into is None
    correct = reverse("web:text_item_correct", args=[item.pk])
    assert client.post(correct, {"kind": "sentiment", "value": "negative"}).status_code == 404
    assert client.get(reverse("web:feedback"), {"topic": acme_topic.pk}).status_code == 400
    token = api(charlie.api_token())
    assert_problem(token.get(f"/api/v1/feedback/{item.pk}/analysis/"), 404)
    assert_problem(token.get(f"/api/v1/text/topics/{acme_topic.pk}/"), 404)
    assert_problem(
        token.patch(
            f"/api/v1/text/topics/{acme_topic.pk}/", {"name": "x"}, content_type="application/json"
        ),
        404,
    )
    assert_problem(
        token.post(
            "/api/v1/text/corrections/",
            {"item": item.pk, "kind": "sentiment", "value": "negative"},
            content_type="application/json",
        ),
        404,
    )
    assert [t["name"] for t in token.get("/api/v1/text/topics/").json()] == ["Mine"]
    assert token.get("/api/v1/text/corrections/").json()["results"] == []


def test_api_analysis_topics_corrections_and_accuracy(alice: Persona, acme_topic: Topic) -> None:
    item = acme_topic.assignments.order_by("pk").first().item
    client = api(alice.api_token())
    body = client.get(f"/api/v1/feedback/{item.pk}/analysis/").json()
    assert body["sentiment"] == "negative" and body["topics"][0]["name"] == "Staff"
    assert {"aspect": "staff"}.items() <= body["aspects"][0].items()
    topics = client.get("/api/v1/text/topics/").json()
    assert topics[0]["name"] == "Staff" and topics[0]["texts"] == 2
    renamed = client.patch(
        f"/api/v1/text/topics/{acme_topic.pk}/", {"name": "People"}, content_type="application/json"
    )
    assert renamed.json()["name"] == "People"
    created = client.post(
        "/api/v1/text/corrections/",
        {"item": item.pk, "kind": "sentiment", "value": "negative"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["predicted"] == "negative"
    bad = client.post(
        "/api/v1/text/corrections/",
        {"item": item.pk, "kind": "sentiment", "value": "meh"},
        content_type="application/json",
    )
    assert_problem(bad, 400)
    accuracy = client.get("/api/v1/text/accuracy/").json()
    assert accuracy["sentiment"] == [
        {
            "language": "en",
            "reviewed": 1,
            "agreed": 1,
            "accuracy": 1.0,
            "interval_95": [0.2065, 1.0],
        }
    ]
    listed = client.get(
        "/api/v1/feedback/", {"sentiment": "negative", "topic": acme_topic.pk}
    ).json()
    assert len(listed["results"]) == 2
    viewer = api(alice.api_token(role=Role.VIEWER))
    assert viewer.get("/api/v1/text/topics/").status_code == 200
    assert_problem(
        viewer.patch(
            f"/api/v1/text/topics/{acme_topic.pk}/", {"name": "x"}, content_type="application/json"
        ),
        403,
    )


def test_the_customer_timeline_shows_sentiment(alice: Persona) -> None:
    from clearloop.customers.tests.factories import CustomerFactory

    customer = CustomerFactory(organization=alice.organization)
    analysed(
        organization=alice.organization, customer=customer, text="Lovely staff", source="email"
    )
    page = alice.client().get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
    assert 'data-sentiment="positive"' in page


def test_the_inbox_shows_sentiment_without_a_query_per_item(alice: Persona) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = alice.client()
    many(alice.organization, ["Lovely sofa"], timezone.now())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("web:feedback"), {"sentiment": "positive"})
            assert response.status_code == 200
        return len(queries)

    count()
    few = count()
    many(alice.organization, ["Great staff", "Lovely chair", "Great app"] * 3, timezone.now())
    assert count() == few
    assert (
        client.get(reverse("web:feedback")).content.decode().count('data-sentiment="positive"')
        == 10
    )
