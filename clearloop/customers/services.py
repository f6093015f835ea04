"""Writes for customers: find the customer a request names, or record a new one; create
and edit profiles; define custom attributes and check their values by type.

Callers (survey invitations, the "after an interaction" trigger, imports) name people by
their external id and email address. A customer is found by external id first, then by
email address (case-insensitive); otherwise one is created. Fields of a found customer are
only filled where they are empty: this module never overwrites what is already recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from clearloop.accounts.models import Language, Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearloop.customers.models import AttributeType, CustomAttribute, Customer

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


# --- Profiles and custom attributes ------------------------------------------------------------

PROFILE_FIELDS = (
    "external_id",
    "name",
    "email",
    "phone",
    "language",
    "region",
    "country",
    "segment",
)
ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_TEXT_ATTRIBUTE = 500
MAX_CHOICES = 100


def require_capability(by: Membership, organization_id: int, *capabilities: Capability) -> None:
    """Another organization's member learns nothing (404); a member whose role allows none
    of `capabilities` is refused (403)."""
    if by.organization_id != organization_id:
        raise NotFound(_("No such customer."))
    if not any(by.allows(capability) for capability in capabilities):
        raise PermissionDenied(_("Your role does not allow this."))


def _attribute_error(attribute: CustomAttribute, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={f"attributes.{attribute.key}": message})


def attribute_value_clean(*, attribute: CustomAttribute, value: Any) -> str | int | float:
    """The value stored for `attribute`: text as a string, numbers as numbers, dates as
    ISO strings (YYYY-MM-DD), choices as one of the defined choices."""
    label = attribute.label
    if attribute.type == AttributeType.NUMBER:
        return _number(attribute, value)
    if attribute.type == AttributeType.DATE:
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as error:
            message = _("%(label)s must be a date written YYYY-MM-DD.") % {"label": label}
            raise _attribute_error(attribute, message) from error
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _attribute_error(attribute, _("%(label)s must be text.") % {"label": label})
    text = str(value).strip()
    if attribute.type == AttributeType.CHOICE and text not in attribute.choices:
        message = _("%(label)s must be one of: %(choices)s.") % {
            "label": label,
            "choices": ", ".join(attribute.choices),
        }
        raise _attribute_error(attribute, message)
    if len(text) > MAX_TEXT_ATTRIBUTE:
        message = _("%(label)s is longer than %(max)d characters.") % {
            "label": label,
            "max": MAX_TEXT_ATTRIBUTE,
        }
        raise _attribute_error(attribute, message)
    return text


def _number(attribute: CustomAttribute, value: Any) -> int | float:
    message = _("%(label)s must be a number, e.g. 42 or 3.5.") % {"label": attribute.label}
    if isinstance(value, bool):
        raise _attribute_error(attribute, message)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise _attribute_error(attribute, message) from error
    if not number.is_finite():
        raise _attribute_error(attribute, message)
    return int(number) if number == number.to_integral_value() else float(number)


def customer_attributes_clean(
    *, organization_id: int, values: Mapping[str, Any], current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`current` updated with `values`, every value checked against its attribute's type.
    An empty value (None or "") removes the key; an undefined key is refused."""
    if not isinstance(values, Mapping):
        raise ValidationFailed(
            _("Send attributes as an object of key and value."), fields={"attributes": "object"}
        )
    defined = {a.key: a for a in CustomAttribute.objects.for_organization(organization_id)}
    unknown = sorted(set(values) - set(defined))
    if unknown:
        raise ValidationFailed(
            _("Unknown attributes: %(keys)s. Define them under Customers → Attributes first.")
            % {"keys": ", ".join(unknown)},
            fields={f"attributes.{key}": "unknown" for key in unknown},
        )
    result = dict(current or {})
    for key, value in values.items():
        if value is None or value == "":
            result.pop(key, None)
        else:
            result[key] = attribute_value_clean(attribute=defined[key], value=value)
    return result


def _validated(customer: Customer) -> None:
    """Field checks and the database constraints, as `ValidationFailed` with a message per
    field, before anything is written."""
    if customer.country:
        customer.country = customer.country.strip().upper()
    try:
        customer.full_clean(exclude=["attributes"])
    except ValidationError as error:
        fields = {
            name if name != NON_FIELD_ERRORS else "customer": " ".join(messages)
            for name, messages in error.message_dict.items()
        }
        raise ValidationFailed(" ".join(fields.values()), fields=fields) from error


@transaction.atomic
def customer_create(
    *, organization: Organization, data: Mapping[str, Any], by: Membership
) -> Customer:
    """A new customer from profile fields and `attributes`; refused whole when any is bad."""
    require_capability(by, organization.pk, Capability.MANAGE_CUSTOMERS)
    customer = Customer(organization=organization)
    _apply(customer, data)
    _validated(customer)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, data: Mapping[str, Any], by: Membership) -> Customer:
    """Change the profile fields present in `data`; `attributes` merges key by key."""
    require_capability(by, customer.organization_id, Capability.MANAGE_CUSTOMERS)
    if customer.erased_at is not None:
        raise Conflict(_("This customer was erased; an erased profile cannot be edited."))
    changed = _apply(customer, data)
    _validated(customer)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


def _apply(customer: Customer, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(customer, name, "" if value is None else str(value).strip())
            changed.append(name)
    if "attributes" in data:
        customer.attributes = customer_attributes_clean(
            organization_id=customer.organization_id,
            values=data["attributes"] or {},
            current=customer.attributes,
        )
        changed.append("attributes")
    return changed


@transaction.atomic
def custom_attribute_create(
    *,
    organization: Organization,
    key: str,
    label: str,
    type: str,
    choices: Sequence[str] = (),
    by: Membership,
) -> CustomAttribute:
    """Define a custom attribute; a choice attribute needs its choices, others have none."""
    require_capability(by, organization.pk, Capability.MANAGE_CUSTOMERS)
    key, label = key.strip(), label.strip()
    cleaned = [str(choice).strip() for choice in choices if str(choice).strip()]
    if not ATTRIBUTE_KEY.match(key):
        raise ValidationFailed(
            _("A key starts with a letter and holds lower-case letters, digits and underscores."),
            fields={"key": "invalid"},
        )
    if not label or len(label) > 120:
        raise ValidationFailed(_("Give the attribute a label."), fields={"label": "required"})
    if type not in AttributeType.values:
        raise ValidationFailed(
            _("The type must be one of %(types)s.") % {"types": ", ".join(AttributeType.values)},
            fields={"type": "invalid"},
        )
    if type == AttributeType.CHOICE and not cleaned:
        raise ValidationFailed(
            _("A choice attribute needs at least one choice."), fields={"choices": "required"}
        )
    if len(cleaned) > MAX_CHOICES or len(set(cleaned)) != len(cleaned):
        raise ValidationFailed(
            _("List at most %(max)d different choices.") % {"max": MAX_CHOICES},
            fields={"choices": "invalid"},
        )
    scoped = CustomAttribute.objects.for_organization(organization)
    if scoped.filter(key=key).exists():
        raise ValidationFailed(
            _("An attribute with this key already exists."), fields={"key": "duplicate"}
        )
    return scoped.create(
        organization=organization,
        key=key,
        label=label,
        type=type,
        choices=cleaned if type == AttributeType.CHOICE else [],
    )


@transaction.atomic
def custom_attribute_delete(*, attribute: CustomAttribute, by: Membership) -> None:
    """Remove the definition. Stored values stay in the profiles (and in privacy exports)
    until the customer is edited or erased, so deleting a definition loses no data."""
    require_capability(by, attribute.organization_id, Capability.MANAGE_CUSTOMERS)
    attribute.delete()
