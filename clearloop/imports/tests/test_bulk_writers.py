"""The bulk writers on their own: validation with row, column and reason; upserts that are
idempotent; customers linked inside the writer's organization only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from clearloop.customers.bulk import CustomerWriter, InteractionWriter, OrderWriter
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.bulk import FeedbackWriter
from clearloop.feedback.models import FeedbackItem
from clearloop.imports.rows import RowError

pytestmark = pytest.mark.django_db


def write(writer, records):
    validated = writer.validate(enumerate(records, start=2), strict=False)
    with transaction.atomic():
        result = writer.write_chunk(validated.rows)
    return validated, result


def test_customers_upsert_by_external_id_then_email_and_a_second_run_changes_nothing(acme):
    CustomerFactory(organization=acme, email="Ann@Example.com", external_id="", name="")
    records = [
        {"external_id": "c-1", "name": "Bo", "email": "bo@example.com", "country": "de"},
        {"email": "ann@example.com", "name": "Ann"},
    ]
    _validated, first = write(CustomerWriter(acme), records)
    assert (first.counts.created, first.counts.updated) == (1, 1)
    assert Customer.objects.get(organization=acme, external_id="c-1").country == "DE"
    assert Customer.objects.get(organization=acme, email__iexact="ann@example.com").name == "Ann"

    _validated, second = write(CustomerWriter(acme), records)
    assert second.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert Customer.objects.filter(organization=acme).count() == 2


def test_every_bad_value_is_reported_with_row_column_and_reason(acme):
    records = [
        {
            "external_id": "o-1",
            "customer_email": "x@example.com",
            "product": "Lamp",
            "amount": "-3",
            "currency": "EUR",
            "ordered_at": "2025-01-01",
        },
        {
            "external_id": "o-2",
            "product": "Lamp",
            "amount": "3",
            "currency": "EURO",
            "ordered_at": "yesterday",
        },
        {
            "external_id": "o-1",
            "customer_email": "y@example.com",
            "product": "Desk",
            "amount": "3.5",
            "currency": "eur",
            "ordered_at": "2025/01/02 10:00",
        },
    ]
    validated = OrderWriter(acme).validate(enumerate(records, start=2), strict=False)
    problems = {(error.row, error.column) for error in validated.errors}
    assert problems == {(2, "amount"), (3, "currency"), (3, "ordered_at")}
    assert [row.row for row in validated.rows] == [4]  # row 2 was bad, so 4 repeats nothing
    assert all(isinstance(error, RowError) and error.reason for error in validated.errors)


def test_a_row_repeating_a_key_is_refused_naming_the_first_row(acme):
    record = {
        "external_id": "o-1",
        "customer_email": "x@example.com",
        "product": "Lamp",
        "amount": "3",
        "currency": "EUR",
        "ordered_at": "2025-01-01",
    }
    validated = OrderWriter(acme).validate([(2, record), (3, dict(record))], strict=False)
    assert [row.row for row in validated.rows] == [2]
    assert validated.errors == [RowError(3, "external_id", "The same record as row 2.")]


def test_orders_link_customers_of_the_writers_organization_only(acme, globex):
    theirs = CustomerFactory(organization=globex, external_id="shared-7")
    records = [
        {
            "external_id": "o-9",
            "customer_external_id": "shared-7",
            "product": "Lamp",
            "amount": "19.90",
            "currency": "eur",
            "ordered_at": "2025-02-01T10:00:00+01:00",
        }
    ]
    _validated, result = write(OrderWriter(acme), records)
    order = Order.objects.get(organization=acme, external_id="o-9")
    assert order.customer.organization_id == acme.pk and order.customer_id != theirs.pk
    assert order.amount == Decimal("19.90") and order.currency == "EUR"
    assert result.counts.created == 1
    assert Order.objects.filter(organization=globex).count() == 0


def test_interactions_need_a_member_as_agent_and_cannot_end_before_they_start(acme, alice, charlie):
    base = {
        "external_id": "t-1",
        "customer_email": "x@example.com",
        "channel": "Phone",
        "started_at": "2025-01-01 10:00",
    }
    records = [
        {
            **base,
            "agent_email": alice.user.email,
            "ended_at": "2025-01-01 10:05",
            "resolved_on_first_contact": "yes",
        },
        {**base, "external_id": "t-2", "agent_email": charlie.user.email},
        {**base, "external_id": "t-3", "ended_at": "2025-01-01 09:00"},
    ]
    validated, result = write(InteractionWriter(acme), records)
    assert [(e.row, e.column) for e in validated.errors] == [(3, "agent_email"), (4, "ended_at")]
    interaction = Interaction.objects.get(organization=acme)
    assert interaction.agent_id == alice.user.pk and interaction.resolved_on_first_contact is True
    assert interaction.channel == "phone" and result.counts.created == 1


def test_feedback_without_external_id_is_deduplicated_by_its_content(acme):
    records = [
        {
            "source": "review",
            "text": "Lovely lamp",
            "occurred_at": "2025-01-01 10:00",
            "rating": "5",
            "site": "Trustpilot",
        }
    ]
    _validated, first = write(FeedbackWriter(acme), records)
    _validated, again = write(FeedbackWriter(acme), records)
    item = FeedbackItem.objects.get(organization=acme)
    assert item.external_id.startswith("sha256:")
    assert item.metadata == {"site": "Trustpilot", "external_id_from": "content"}
    assert (first.counts.created, again.counts.unchanged, again.counts.created) == (1, 1, 0)


def test_feedback_update_changes_only_given_fields_and_keeps_other_metadata(acme):
    records = [
        {
            "external_id": "r-1",
            "source": "review",
            "text": "Good",
            "occurred_at": "2025-01-01",
            "rating": "4",
        }
    ]
    write(FeedbackWriter(acme), records)
    FeedbackItem.objects.filter(organization=acme).update(metadata={"from_crm": "x"}, language="en")
    _validated, result = write(
        FeedbackWriter(acme), [{**records[0], "rating": "2", "url": "https://x.test/r/1"}]
    )
    item = FeedbackItem.objects.get(organization=acme)
    assert result.counts.updated == 1 and result.updated_ids == [item.pk]
    assert item.rating == 2 and item.language == "en"
    assert item.metadata == {"from_crm": "x", "url": "https://x.test/r/1"}
    assert item.occurred_at == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def test_json_numbers_that_are_not_finite_are_refused_not_crashed_on(acme):
    record = {"source": "review", "text": "x", "occurred_at": "2025-01-01", "rating": float("nan")}
    validated = FeedbackWriter(acme).validate([(0, record)], strict=True)
    assert [(e.column, e.reason) for e in validated.errors] == [("rating", "Give a whole number.")]
