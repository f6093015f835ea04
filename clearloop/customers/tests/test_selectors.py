"""Customer reads: scoped to one organization, searchable."""

from __future__ import annotations

import pytest

from clearloop.accounts.models import Organization
from clearloop.conftest import Persona
from clearloop.customers.selectors import customers_list
from clearloop.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_charlie_never_sees_acme_customers(alice: Persona, charlie: Persona) -> None:
    CustomerFactory(organization=alice.organization, name="Acme buyer", external_id="X-1")
    own = CustomerFactory(organization=charlie.organization, name="Globex buyer")

    assert list(customers_list(organization=charlie.organization)) == [own]
    assert list(customers_list(organization=charlie.organization, search="Acme")) == []
    assert list(customers_list(organization=charlie.organization, search="X-1")) == []


def test_search_matches_name_email_or_external_id_ignoring_case(acme: Organization) -> None:
    by_name = CustomerFactory(
        organization=acme, name="Wang Fang", email="w@example.com", external_id="LH-1"
    )
    by_email = CustomerFactory(
        organization=acme, name="Sato", email="FANG.li@example.com", external_id="LH-2"
    )
    by_external_id = CustomerFactory(
        organization=acme, name="Emma", email="e@example.com", external_id="fang-77"
    )
    CustomerFactory(organization=acme, name="Nobody", email="n@example.com", external_id="LH-4")

    found = customers_list(organization=acme, search="  fang ")

    assert set(found) == {by_name, by_email, by_external_id}


def test_customers_are_listed_by_name(acme: Organization) -> None:
    for name in ("Zoe", "Adam", "Mia"):
        CustomerFactory(organization=acme, name=name)

    assert [c.name for c in customers_list(organization=acme)] == ["Adam", "Mia", "Zoe"]
