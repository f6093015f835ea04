"""Reads for customers; every function is scoped to one organization."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clearloop.accounts.models import Organization
from clearloop.customers.models import Customer


def customers_list(*, organization: Organization, search: str = "") -> QuerySet[Customer]:
    """The organization's customers by name, optionally matching `search` in the name,
    email address or external id (case-insensitive substring)."""
    customers = Customer.objects.for_organization(organization)
    search = search.strip()
    if search:
        customers = customers.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(external_id__icontains=search)
        )
    return customers.order_by("name", "pk")
