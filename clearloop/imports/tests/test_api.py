"""The bulk upsert API: all or nothing by default, skip on request, idempotent retries,
the size limit, roles, and tenancy."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from clearloop.customers.models import Customer, Order
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db

URLS = ["api:customer-bulk", "api:order-bulk", "api:interaction-bulk", "api:feedback-bulk"]


def post(token: str, name: str, records: list, query: str = ""):
    return Client().post(
        reverse(name) + query,
        json.dumps({"records": records}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def feedback(n: int, **extra) -> dict:
    return {
        "external_id": f"r-{n}",
        "source": "review",
        "text": f"Text {n}",
        "occurred_at": "2025-03-01T10:00:00Z",
        **extra,
    }


def test_a_bad_record_refuses_the_whole_call_and_lists_every_problem(alice):
    records = [feedback(1), feedback(2, rating=6), feedback(3, occurred_at="", colour="red")]
    response = post(alice.api_token(), "api:feedback-bulk", records)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"]["records"] == [
        {"index": 1, "field": "rating", "reason": "Give a whole number from 1 to 5."},
        {"index": 2, "field": "occurred_at", "reason": "A value is required."},
        {"index": 2, "field": "colour", "reason": "Unknown field."},
    ]
    assert not FeedbackItem.objects.exists()


def test_skip_writes_the_good_records_and_reports_the_bad(alice):
    records = [feedback(1), feedback(2, rating=6), "not an object", feedback(4)]
    response = post(alice.api_token(), "api:feedback-bulk", records, "?on_error=skip")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("created", "updated", "unchanged", "skipped")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
    }
    assert [error["index"] for error in body["errors"]] == [1, 2]
    assert set(FeedbackItem.objects.values_list("external_id", flat=True)) == {"r-1", "r-4"}


def test_a_retried_call_changes_nothing(alice):
    token = alice.api_token()
    records = [
        {
            "external_id": "o-1",
            "customer_external_id": "c-1",
            "product": "Lamp",
            "amount": "19.90",
            "currency": "EUR",
            "ordered_at": "2025-03-01",
        }
    ]
    first = post(token, "api:order-bulk", records).json()
    again = post(token, "api:order-bulk", records).json()
    assert (first["created"], again["created"], again["unchanged"]) == (1, 0, 1)
    assert Order.objects.count() == 1 and Customer.objects.count() == 1
    changed = post(token, "api:order-bulk", [{**records[0], "amount": 21}]).json()
    assert changed["updated"] == 1 and str(Order.objects.get().amount) == "21.00"


def test_customers_and_interactions_upsert_too(alice):
    token = alice.api_token()
    customers = post(
        token, "api:customer-bulk", [{"external_id": "c-1", "name": "Ann", "language": "ja-JP"}]
    ).json()
    interactions = post(
        token,
        "api:interaction-bulk",
        [
            {
                "external_id": "t-1",
                "customer_external_id": "c-1",
                "channel": "chat",
                "started_at": "2025-03-01T10:00:00+09:00",
                "resolved_on_first_contact": True,
                "wait_seconds": 30,
            }
        ],
    ).json()
    assert customers["created"] == 1 and interactions["created"] == 1
    customer = Customer.objects.get()
    assert customer.language == "ja" and customer.interactions.get().wait_seconds == 30


def test_more_than_5000_records_are_refused_whole(alice):
    response = post(alice.api_token(), "api:feedback-bulk", [feedback(n) for n in range(5001)])
    assert response.status_code == 413 and "at most 5000 records" in response.json()["detail"]
    assert not FeedbackItem.objects.exists()


def test_5000_records_are_written_in_one_call(alice):
    response = post(alice.api_token(), "api:feedback-bulk", [feedback(n) for n in range(5000)])
    assert response.status_code == 200 and response.json()["created"] == 5000


def test_a_body_that_is_not_a_list_of_records_is_a_400(alice):
    client = Client(headers={"Authorization": f"Bearer {alice.api_token()}"})
    url = reverse("api:feedback-bulk")
    assert client.post(url, "{", content_type="application/json").status_code == 400
    assert client.post(url, json.dumps([1]), content_type="application/json").status_code == 400
    assert client.post(url, "records=1", content_type="text/plain").status_code == 415
    assert (
        client.post(
            url + "?on_error=maybe", json.dumps({"records": []}), content_type="application/json"
        ).status_code
        == 400
    )


def test_a_record_naming_another_organizations_customer_links_inside_the_callers(alice, charlie):
    acme_customer = CustomerFactory(
        organization=alice.organization, external_id="c-42", name="Acme's"
    )
    body = post(
        charlie.api_token(), "api:feedback-bulk", [feedback(1, customer_external_id="c-42")]
    ).json()
    assert body["created"] == 1
    item = FeedbackItem.objects.get()
    assert item.organization_id == charlie.organization.pk
    assert (
        item.customer.organization_id == charlie.organization.pk
        and item.customer_id != acme_customer.pk
    )
    # Charlie's upsert of the same external ids never touches Acme's rows.
    post(alice.api_token(), "api:feedback-bulk", [feedback(1)])
    changed = post(charlie.api_token(), "api:feedback-bulk", [feedback(1, text="changed")]).json()
    assert changed["updated"] == 1
    assert FeedbackItem.objects.get(organization=alice.organization).text == "Text 1"
    post(charlie.api_token(), "api:customer-bulk", [{"external_id": "c-42", "name": "Globex's"}])
    acme_customer.refresh_from_db()
    assert acme_customer.name == "Acme's"


@pytest.mark.parametrize("name", URLS)
def test_every_bulk_endpoint_needs_a_role_that_manages_customers(alice, name):
    response = post(alice.api_token("analyst"), name, [])
    assert response.status_code == 403


@pytest.mark.parametrize("name", URLS)
def test_every_bulk_endpoint_needs_a_token(db, name):
    response = Client().post(reverse(name), "{}", content_type="application/json")
    assert response.status_code == 401
