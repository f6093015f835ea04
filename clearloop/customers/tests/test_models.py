"""Database constraints on customers, orders and interactions, with their messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clearloop.accounts.models import Organization
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def test_duplicate_external_id_is_refused_with_a_readable_message(acme: Organization) -> None:
    CustomerFactory(organization=acme, external_id="C-1")
    duplicate = Customer(organization=acme, external_id="C-1", name="Someone else")

    with pytest.raises(ValidationError) as error:
        duplicate.validate_constraints()
    assert _messages(error.value) == ["A customer with this external id already exists."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_external_id_is_unique_per_organization_only_and_blank_ids_repeat(
    acme: Organization, globex: Organization
) -> None:
    CustomerFactory(organization=acme, external_id="C-1")
    CustomerFactory(organization=globex, external_id="C-1")
    CustomerFactory(organization=acme, external_id="")
    CustomerFactory(organization=acme, external_id="")

    assert Customer.objects.filter(external_id="C-1").count() == 2


@pytest.mark.parametrize("country", ["de", "D"])
def test_country_must_be_a_two_letter_capital_code(acme: Organization, country: str) -> None:
    customer = Customer(organization=acme, name="Anna", country=country)

    with pytest.raises(ValidationError) as error:
        customer.validate_constraints()
    assert "two-letter ISO 3166 code" in _messages(error.value)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        customer.save()


def test_order_refuses_lowercase_currency_and_negative_amount(acme: Organization) -> None:
    customer = CustomerFactory.create(organization=acme)
    order = Order(
        organization=acme,
        customer=customer,
        product="Rug",
        amount=Decimal("-1"),
        currency="eur",
        ordered_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )

    with pytest.raises(ValidationError) as error:
        order.validate_constraints()
    assert sorted(_messages(error.value)) == [
        "An order amount cannot be negative.",
        "The currency must be a three-letter ISO 4217 code in capitals, e.g. EUR.",
    ]


def test_duplicate_order_external_id_is_refused(acme: Organization) -> None:
    order = OrderFactory.create(organization=acme, external_id="SO-1")

    with pytest.raises(ValidationError) as error:
        Order(
            organization=acme,
            customer=order.customer,
            external_id="SO-1",
            product="Lamp",
            amount=Decimal("10"),
            currency="USD",
            ordered_at=order.ordered_at,
        ).validate_constraints()
    assert _messages(error.value) == ["An order with this external id already exists."]


def test_interaction_cannot_end_before_it_starts(acme: Organization) -> None:
    interaction = InteractionFactory.build(
        organization=acme, customer=CustomerFactory(organization=acme)
    )
    assert interaction.ended_at is not None
    interaction.ended_at = interaction.started_at - dt.timedelta(seconds=1)

    with pytest.raises(ValidationError) as error:
        interaction.validate_constraints()
    assert _messages(error.value) == ["An interaction cannot end before it starts."]
    with pytest.raises(IntegrityError), transaction.atomic():
        interaction.save()


def test_factories_keep_related_rows_in_one_organization(acme: Organization) -> None:
    from_parent = OrderFactory(customer=CustomerFactory(organization=acme))
    from_organization = InteractionFactory(organization=acme)

    assert from_parent.organization == acme
    assert from_organization.customer.organization == acme
    assert Interaction.objects.for_organization(acme).count() == 1
