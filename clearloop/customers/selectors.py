"""Reads for customers; every function is scoped to one organization.

The list with its filters and facet counts, one customer's profile figures, duplicate
candidates, saved segments and their members. The 360° timeline lives in
`clearloop.customers.timeline`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Length, Lower, Replace
from django.utils import timezone

from clearloop.accounts.models import Organization
from clearloop.core.errors import NotFound
from clearloop.customers.models import (
    CustomAttribute,
    Customer,
    CustomerErasure,
    Segment,
)
from clearloop.customers.segments import (
    attribute_types,
    latest_nps_subquery,
    nps_group,
    segment_condition,
)

FACET_FIELDS = ("segment", "region", "country", "language")
MAX_DUPLICATE_GROUPS = 100


@dataclass(frozen=True)
class CustomerFilters:
    """What the list may be narrowed by; empty strings and None mean "any"."""

    search: str = ""
    segment: str = ""
    region: str = ""
    country: str = ""
    language: str = ""
    saved_segment: Segment | None = None


def customers_list(
    *, organization: Organization, search: str = "", filters: CustomerFilters | None = None
) -> QuerySet[Customer]:
    """The organization's customers by name (erased ones left out), optionally matching
    `search` in the name, email address or external id (case-insensitive substring) and
    the profile fields and saved segment of `filters`."""
    filters = filters or CustomerFilters(search=search)
    customers = Customer.objects.for_organization(organization).filter(erased_at__isnull=True)
    search = (filters.search or search).strip()
    if search:
        customers = customers.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(external_id__icontains=search)
        )
    for name in FACET_FIELDS:
        value = getattr(filters, name)
        if value:
            customers = customers.filter(**{name: value})
    if filters.saved_segment is not None:
        customers = customers.filter(_segment_condition(filters.saved_segment))
    return customers.order_by("name", "pk")


def customer_facets(*, organization: Organization) -> dict[str, list[tuple[str, int]]]:
    """For each filterable profile field, its values with the number of customers having
    each (GROUP BY in the database, one query per field)."""
    customers = Customer.objects.for_organization(organization).filter(erased_at__isnull=True)
    return {
        name: list(
            customers.exclude(**{name: ""})
            .values_list(name)
            .annotate(n=Count("pk"))
            .order_by(name)
            .values_list(name, "n")
        )
        for name in FACET_FIELDS
    }


def customer_get(*, organization: Organization, pk: int) -> Customer:
    """One customer with `latest_nps` (the number of their latest NPS answer) annotated."""
    try:
        return (
            Customer.objects.for_organization(organization)
            .annotate(latest_nps=latest_nps_subquery())
            .get(pk=pk)
        )
    except (Customer.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound(f"No customer with id {pk}.") from error


def customer_nps_group(customer: Customer) -> str:
    """promoter, passive, detractor or "" from `customer_get`'s annotation."""
    return nps_group(getattr(customer, "latest_nps", None))


def custom_attributes(*, organization: Organization | int) -> QuerySet[CustomAttribute]:
    return CustomAttribute.objects.for_organization(organization).order_by("label", "pk")


def customer_attribute_rows(
    customer: Customer, attributes: Sequence[CustomAttribute]
) -> list[tuple[str, Any]]:
    """(label, value) for each defined attribute, then values of keys no longer defined."""
    values = dict(customer.attributes or {})
    rows = [(a.label, values.pop(a.key, None)) for a in attributes]
    return rows + sorted(values.items())


def erasures_list(*, organization: Organization) -> QuerySet[CustomerErasure]:
    return (
        CustomerErasure.objects.for_organization(organization)
        .select_related("erased_by")
        .order_by("-created_at", "-pk")
    )


# --- Duplicates --------------------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    reason: str  # "email", "external_id" or "phone"
    key: str
    customers: list[Customer] = field(default_factory=list)


def _normalized(expression: Any, characters: str) -> Any:
    for character in characters:
        expression = Replace(expression, Value(character), Value(""))
    return expression


DUPLICATE_KEYS: dict[str, Any] = {
    "email": Lower("email"),
    # The same id written differently: C-00042, c00042, "C 00042".
    "external_id": _normalized(Lower("external_id"), "-_ ./"),
    "phone": _normalized(F("phone"), " -()./+"),
}
MIN_KEY_LENGTH = {"email": 3, "external_id": 1, "phone": 7}


def duplicate_groups(*, organization: Organization) -> list[DuplicateGroup]:
    """Customers that look like one person: the same email address (ignoring case), the
    same external id spelled differently, or the same phone number (digits only). The
    database finds the shared keys (GROUP BY ... HAVING); one more query per reason loads
    the customers. At most `MAX_DUPLICATE_GROUPS` groups per reason."""
    groups: list[DuplicateGroup] = []
    base = Customer.objects.for_organization(organization).filter(erased_at__isnull=True)
    for reason, expression in DUPLICATE_KEYS.items():
        keyed = base.annotate(
            duplicate_key=expression, duplicate_key_length=Length(expression)
        ).filter(duplicate_key_length__gte=MIN_KEY_LENGTH[reason])
        shared = (
            keyed.values("duplicate_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .order_by("duplicate_key")
            .values_list("duplicate_key", flat=True)[:MAX_DUPLICATE_GROUPS]
        )
        by_key: dict[str, DuplicateGroup] = {}
        for customer in keyed.filter(duplicate_key__in=list(shared)).order_by("pk"):
            key = customer.duplicate_key
            by_key.setdefault(key, DuplicateGroup(reason, key)).customers.append(customer)
        groups.extend(by_key[key] for key in sorted(by_key))
    return groups


# --- Segments ----------------------------------------------------------------------------------


def _segment_condition(segment: Segment) -> Q:
    return segment_condition(
        rules=segment.rules,
        attributes=attribute_types(segment.organization_id),
        now=timezone.now(),
    )


def customers_in_segment(*, segment: Segment) -> QuerySet[Customer]:
    """The segment's customers (not erased), by name: one query; `.count()` is counted
    by the database. Other apps filter by a segment through this selector."""
    return (
        Customer.objects.for_organization(segment.organization_id)
        .filter(erased_at__isnull=True)
        .filter(_segment_condition(segment))
        .order_by("name", "pk")
    )


def segment_preview_count(*, organization: Organization, rules: dict[str, Any]) -> int:
    """How many customers cleaned, unsaved `rules` select (the builder's live count)."""
    segment = Segment(organization=organization, rules=rules)
    return customers_in_segment(segment=segment).count()


def segments_with_counts(*, organization: Organization) -> list[Segment]:
    """The organization's segments by name, each with `customer_count`: all counts come
    from one aggregate query (a filtered COUNT per segment)."""
    segments = list(Segment.objects.for_organization(organization).order_by("name", "pk"))
    if not segments:
        return segments
    attributes = attribute_types(organization.pk)
    now = timezone.now()
    counts = (
        Customer.objects.for_organization(organization)
        .filter(erased_at__isnull=True)
        .aggregate(
            **{
                f"segment_{s.pk}": Count(
                    "pk", filter=segment_condition(rules=s.rules, attributes=attributes, now=now)
                )
                for s in segments
            }
        )
    )
    for segment in segments:
        segment.customer_count = counts[f"segment_{segment.pk}"]
    return segments


def segments_list(*, organization: Organization | int) -> QuerySet[Segment]:
    return Segment.objects.for_organization(organization).order_by("name", "pk")
