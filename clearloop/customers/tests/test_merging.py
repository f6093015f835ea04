"""Merging duplicates: every related row follows the kept customer, empty fields are
filled and nothing recorded is overwritten, the audit holds no personal data, and a
customer of another organization cannot be merged."""

from __future__ import annotations

import pytest

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory
from clearloop.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearloop.customers.merging import customer_merge
from clearloop.customers.models import Customer, CustomerMerge
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.customers.tests.history import full_history, nps_survey, related_counts
from clearloop.surveys.models import ContactOptOut

pytestmark = pytest.mark.django_db


def test_merge_moves_every_related_row_and_deletes_the_duplicate(alice):
    survey = nps_survey(alice.organization)
    keep = full_history(alice.organization, survey, email="one@example.org", external_id="A-1")
    merge = full_history(alice.organization, survey, email="two@example.org", external_id="A-2")
    before = {k: related_counts(keep)[k] + related_counts(merge)[k] for k in related_counts(keep)}

    audit = customer_merge(keep=keep, merge=merge, by=alice.membership)

    assert related_counts(keep) == before
    assert not Customer.objects.filter(pk=merge.pk).exists()
    assert audit.moved == {
        "customers.order.customer": 2,
        "customers.interaction.customer": 1,
        "surveys.response.customer": 1,
        "surveys.surveyinvitation.customer": 1,
        "feedback.feedbackitem.customer": 2,
    }
    assert audit.merged_customer_id == merge.pk and audit.kept_customer_id == keep.pk
    assert audit.merged_by == alice.user


def test_merge_fills_empty_fields_and_never_overwrites(alice):
    keep = CustomerFactory(
        organization=alice.organization, name="Mia Wong", email="", phone="", external_id="",
        segment="Consumer", attributes={"tier": "gold"},
    )  # fmt: skip
    merge = CustomerFactory(
        organization=alice.organization, name="M. Wong", email="mia@example.org",
        phone="555-0101", external_id="SHOP-9", segment="Business",
        attributes={"tier": "silver", "since": "2020-01-01"},
    )  # fmt: skip

    audit = customer_merge(keep=keep, merge=merge, by=alice.membership)

    keep.refresh_from_db()
    assert (keep.name, keep.email, keep.phone, keep.external_id, keep.segment) == (
        "Mia Wong", "mia@example.org", "555-0101", "SHOP-9", "Consumer",
    )  # fmt: skip
    assert keep.attributes == {"tier": "gold", "since": "2020-01-01"}
    assert audit.filled_fields == ["external_id", "email", "phone", "attributes.since"]
    # The audit names fields, never the values that moved.
    assert "mia@example.org" not in str(audit.moved) + str(audit.filled_fields)


def test_an_opt_out_of_the_merged_address_covers_the_kept_address(alice):
    keep = CustomerFactory(organization=alice.organization, email="Work@Example.org")
    merge = CustomerFactory(organization=alice.organization, email="home@example.org")
    ContactOptOut.objects.create(organization=alice.organization, email="home@example.org")

    customer_merge(keep=keep, merge=merge, by=alice.membership)

    assert set(ContactOptOut.objects.values_list("email", flat=True)) == {
        "home@example.org",
        "work@example.org",
    }


def test_merging_a_customer_of_another_organization_is_not_found(alice, charlie):
    keep = CustomerFactory(organization=alice.organization)
    foreign = full_history(charlie.organization)
    with pytest.raises(NotFound):
        customer_merge(keep=keep, merge=foreign, by=alice.membership)
    with pytest.raises(NotFound):
        customer_merge(keep=foreign, merge=keep, by=alice.membership)
    assert related_counts(foreign)["orders"] == 2


def test_a_customer_cannot_be_merged_into_itself(alice):
    customer = CustomerFactory(organization=alice.organization)
    with pytest.raises(ValidationFailed):
        customer_merge(keep=customer, merge=customer, by=alice.membership)


def test_an_agent_may_not_merge(alice, bob):
    keep, merge = CustomerFactory.create_batch(2, organization=alice.organization)
    with pytest.raises(PermissionDenied):
        customer_merge(keep=keep, merge=merge, by=bob.membership)
    assert Customer.objects.count() == 2


def test_a_manager_may_merge_and_earlier_merge_audits_follow(alice):
    manager = MembershipFactory(organization=alice.organization, role=Role.MANAGER)
    first, second, third = CustomerFactory.create_batch(3, organization=alice.organization)
    customer_merge(keep=second, merge=third, by=manager)
    customer_merge(keep=first, merge=second, by=manager)
    assert list(CustomerMerge.objects.values_list("kept_customer_id", flat=True)) == [
        first.pk,
        first.pk,
    ]


def test_an_erased_customer_cannot_be_merged(alice):
    from clearloop.customers.privacy import customer_erase

    keep, merge = CustomerFactory.create_batch(2, organization=alice.organization)
    customer_erase(customer=merge, by=alice.membership)
    with pytest.raises(Conflict):
        customer_merge(keep=keep, merge=merge, by=alice.membership)
