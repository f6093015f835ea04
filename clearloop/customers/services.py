"""Writes for customers: find the customer a request names, or record a new one.

Callers (survey invitations, the "after an interaction" trigger, imports) name people by
their external id and email address. A customer is found by external id first, then by
email address (case-insensitive); otherwise one is created. Fields of a found customer are
only filled where they are empty: this module never overwrites what is already recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from clearloop.accounts.models import Language, Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.customers.models import Customer

# Recording a respondent is part of inviting them, so a survey manager may do it too.
CAPABILITIES = (Capability.MANAGE_CUSTOMERS, Capability.MANAGE_SURVEYS)


@dataclass(frozen=True)
class CustomerEntry:
    """How a request names one customer; at least an external id or an email address."""

    external_id: str = ""
    email: str = ""
    name: str = ""
    language: str = ""


def _check_entry(entry: CustomerEntry) -> CustomerEntry:
    cleaned = CustomerEntry(
        external_id=entry.external_id.strip(),
        email=entry.email.strip(),
        name=entry.name.strip(),
        language=entry.language.strip().lower(),
    )
    if not cleaned.external_id and not cleaned.email:
        raise ValidationFailed(
            _("Name the customer by external id or email address."),
            fields={"customer": "required"},
        )
    if cleaned.email:
        try:
            validate_email(cleaned.email)
        except ValidationError as error:
            raise ValidationFailed(
                _("%(email)s is not an email address.") % {"email": cleaned.email},
                fields={"email": "invalid"},
            ) from error
    if cleaned.language and cleaned.language not in Language.values:
        raise ValidationFailed(
            _("The language must be one of %(codes)s.") % {"codes": ", ".join(Language.values)},
            fields={"language": "invalid"},
        )
    if len(cleaned.external_id) > 120 or len(cleaned.name) > 200 or len(cleaned.email) > 254:
        raise ValidationFailed(
            _("Keep external ids under 120 characters and names under 200."),
            fields={"customer": "too_long"},
        )
    return cleaned


def _require(by: Membership, organization: Organization) -> None:
    if by.organization_id != organization.pk:
        raise NotFound(_("No such organization."))
    if not any(by.allows(capability) for capability in CAPABILITIES):
        raise PermissionDenied(_("Your role does not allow recording customers."))


def _fill_blanks(customer: Customer, entry: CustomerEntry) -> None:
    changed = [
        name
        for name in ("external_id", "email", "name", "language")
        if not getattr(customer, name) and getattr(entry, name)
    ]
    if changed:
        for name in changed:
            setattr(customer, name, getattr(entry, name))
        customer.save(update_fields=[*changed, "updated_at"])


def _found(
    organization: Organization, entries: Sequence[CustomerEntry]
) -> tuple[dict[str, Customer], dict[str, Customer]]:
    """Existing customers by external id and by lower-case email (two queries)."""
    scoped = Customer.objects.for_organization(organization)
    ids = {entry.external_id for entry in entries if entry.external_id}
    emails = {entry.email.lower() for entry in entries if entry.email}
    by_id = {c.external_id: c for c in scoped.filter(external_id__in=ids)} if ids else {}
    by_email: dict[str, Customer] = {}
    if emails:
        matches = scoped.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        for customer in matches.order_by("pk"):
            by_email.setdefault(customer.email.lower(), customer)
    return by_id, by_email


@transaction.atomic
def customers_find_or_create(
    *, organization: Organization, entries: Sequence[CustomerEntry], by: Membership
) -> list[Customer]:
    """The customer for each entry, in order (found by external id, else by email, else
    created). Invalid entries raise `ValidationFailed` before anything is written."""
    _require(by, organization)
    cleaned = [_check_entry(entry) for entry in entries]
    by_id, by_email = _found(organization, cleaned)
    result: list[Customer] = []
    for entry in cleaned:
        customer = by_id.get(entry.external_id) if entry.external_id else None
        if customer is None and entry.email:
            customer = by_email.get(entry.email.lower())
            # Found by email but named by another external id: a different person record.
            if customer is not None and entry.external_id and customer.external_id:
                customer = None
        if customer is None:
            customer = _create(organization, entry)
        else:
            _fill_blanks(customer, entry)
        if customer.external_id:
            by_id[customer.external_id] = customer
        if customer.email:
            by_email.setdefault(customer.email.lower(), customer)
        result.append(customer)
    return result


def _create(organization: Organization, entry: CustomerEntry) -> Customer:
    fields = {
        "name": entry.name,
        "email": entry.email,
        "language": entry.language,
        "external_id": entry.external_id,
    }
    try:
        with transaction.atomic():
            return Customer.objects.create(organization=organization, **fields)
    except IntegrityError:
        # The same external id was recorded by a concurrent request: use that row.
        return Customer.objects.for_organization(organization).get(external_id=entry.external_id)


def customer_find_or_create(
    *, organization: Organization, entry: CustomerEntry, by: Membership
) -> Customer:
    """One customer, as `customers_find_or_create` finds or records it."""
    [customer] = customers_find_or_create(organization=organization, entries=[entry], by=by)
    return customer
