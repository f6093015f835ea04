"""Factories for customers, orders and interactions, and the base every scoped factory uses.

Related rows always share one organization: pass `organization=` and every sub-factory
follows it, or pass the parent row (`customer=`) and its organization is used.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import factory
from django.db import models

from clearloop.accounts.tests.factories import OrganizationFactory
from clearloop.customers.models import Customer, Interaction, InteractionChannel, Order

NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
M = TypeVar("M", bound=models.Model)


class OrganizationScopedFactory(factory.django.DjangoModelFactory[M]):
    """Takes the organization from the parent row named by `_parent` when only the parent
    is given, so `OrderFactory(customer=c)` never lands in a stray organization."""

    _parent: str | None = None

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        parent = params.get(cls._parent) if cls._parent else None
        if parent is not None and "organization" not in params:
            params = {**params, "organization": parent.organization}
        return super()._generate(strategy, params)


def same_organization() -> Any:
    return factory.SelfAttribute("..organization")


class CustomerFactory(OrganizationScopedFactory[Customer]):
    class Meta:
        model = Customer

    external_id = factory.Sequence(lambda n: f"C-{n:06d}")
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    language = "en"
    region = "North America"
    country = "US"
    segment = "Consumer"


class OrderFactory(OrganizationScopedFactory[Order]):
    _parent = "customer"

    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory, organization=same_organization())
    external_id = factory.Sequence(lambda n: f"SO-{n:06d}")
    product = "Aster 3-seat sofa"
    amount = Decimal("1299.00")
    currency = "USD"
    ordered_at = NOW


class InteractionFactory(OrganizationScopedFactory[Interaction]):
    _parent = "customer"

    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory, organization=same_organization())
    external_id = factory.Sequence(lambda n: f"INT-{n:07d}")
    channel = InteractionChannel.PHONE
    started_at = NOW
    ended_at = factory.LazyAttribute(lambda obj: obj.started_at + dt.timedelta(minutes=7))
    wait_seconds = 45
    resolved_on_first_contact = True
