"""Privacy requests: the export holds everything about the customer and no token
hashes; erasure removes the personal data from every related row, keeps anonymous
scores, leaves an audit record without personal data, and only admins may do it."""

from __future__ import annotations

import json

import pytest
from django.core import serializers

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory
from clearloop.core.errors import Conflict, PermissionDenied
from clearloop.customers.models import (
    CustomAttribute,
    Customer,
    CustomerErasure,
    Interaction,
    Order,
)
from clearloop.customers.privacy import customer_erase, customer_export
from clearloop.customers.tests.history import PII, full_history
from clearloop.feedback.models import FeedbackItem
from clearloop.surveys.models import Answer, ContactOptOut, Response, SurveyInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(alice):
    CustomAttribute.objects.create(
        organization=alice.organization, key="tier", label="Loyalty tier", type="text"
    )
    customer = full_history(alice.organization)
    customer.attributes = {"tier": "gold"}
    customer.save()
    return customer


def test_export_holds_every_kind_of_row(alice, customer, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        data = customer_export(customer=customer, by=alice.membership)

    assert data["customer"]["email"] == PII["email"]
    assert data["attributes"] == [{"key": "tier", "label": "Loyalty tier", "value": "gold"}]
    assert [o["product"] for o in data["orders"]] == ["Aster sofa", "Lamp"]
    assert data["orders"][1]["amount"] == "120.00"
    assert data["interactions"][0]["notes"] == PII["note"]
    [response] = data["responses"]
    assert [(a["question"], a["number"], a["text"]) for a in response["answers"]] == [
        ("nps", 3, ""),
        ("why", None, PII["comment"]),
    ]
    assert {item["text"] for item in data["feedback_items"]} == {PII["comment"], PII["review"]}
    assert data["survey_invitations"][0]["email"] == PII["email"]
    assert data["opt_outs"][0]["email"] == PII["email"]
    json.dumps(data)  # plain JSON values only


def test_export_never_contains_token_hashes(alice, customer):
    text = json.dumps(customer_export(customer=customer, by=alice.membership))
    token_hash = SurveyInvitation.objects.get(customer=customer).token_hash
    assert token_hash not in text and "token" not in text


def test_a_viewer_may_not_export(alice, customer):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        customer_export(customer=customer, by=viewer)


def _everything_stored_about(customer: Customer) -> str:
    rows = [
        Customer.objects.filter(pk=customer.pk),
        Order.objects.all(),
        Interaction.objects.all(),
        Response.objects.all(),
        Answer.objects.all(),
        FeedbackItem.objects.all(),
        SurveyInvitation.objects.all(),
        ContactOptOut.objects.all(),
        CustomerErasure.objects.all(),
    ]
    return "".join(serializers.serialize("json", queryset) for queryset in rows)


def test_erase_removes_personal_data_from_every_related_row(alice, customer):
    assert PII["comment"] in _everything_stored_about(customer)

    customer_erase(customer=customer, by=alice.membership)

    stored = _everything_stored_about(customer)
    for value in [*PII.values(), "gold", "Ingrid"]:
        assert value not in stored, value
    customer.refresh_from_db()
    assert customer.erased_at is not None
    assert (customer.name, customer.email, customer.attributes) == ("", "", {})


def test_erase_keeps_scores_and_coarse_profile_for_statistics(alice, customer):
    customer_erase(customer=customer, by=alice.membership)
    customer.refresh_from_db()
    assert (customer.segment, customer.region, customer.language) == (
        "Consumer",
        "North America",
        "en",
    )
    assert list(
        Answer.objects.filter(response__customer=customer).values_list("number", flat=True)
    ) == [3, None]
    assert Interaction.objects.filter(customer=customer).count() == 1


def test_erase_leaves_an_audit_record_with_counts_and_no_personal_data(alice, customer):
    erasure = customer_erase(customer=customer, by=alice.membership)

    assert erasure.erased_customer_id == customer.pk and erasure.erased_by == alice.user
    assert erasure.counts == {
        "feedback_items_deleted": 2,
        "opt_outs_deleted": 1,
        "free_text_answers_blanked": 1,
        "responses_anonymised": 1,
        "invitations_deleted": 0,
        "invitations_anonymised": 1,
        "orders_deleted": 2,
        "interactions_anonymised": 1,
    }
    assert not any(value in json.dumps(erasure.counts) for value in PII.values())


def test_erase_is_irreversible_and_refused_twice(alice, customer):
    customer_erase(customer=customer, by=alice.membership)
    with pytest.raises(Conflict):
        customer_erase(customer=customer, by=alice.membership)
    assert CustomerErasure.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AGENT, Role.VIEWER])
def test_only_admins_and_owners_erase(alice, customer, role):
    member = MembershipFactory(organization=alice.organization, role=role)
    with pytest.raises(PermissionDenied):
        customer_erase(customer=customer, by=member)
    admin = MembershipFactory(organization=alice.organization, role=Role.ADMIN)
    customer_erase(customer=customer, by=admin)


def test_erasing_another_organizations_customer_is_not_found(charlie, customer):
    from clearloop.core.errors import NotFound

    with pytest.raises(NotFound):
        customer_erase(customer=customer, by=charlie.membership)
    customer.refresh_from_db()
    assert customer.email == PII["email"]
