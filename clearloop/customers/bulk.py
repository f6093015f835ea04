"""Bulk writes of customers, orders and interactions: validate every record, then upsert.

Used by the importer (`clearloop.imports`) and the bulk API. Each writer is made for one
organization and follows `clearloop.imports.rows.BulkWriter`: `validate` judges every
record (row, column, reason) before anything is written; `write_chunk` upserts validated
rows inside the caller's transaction.

- Customers are matched by external id, else (no external id in the record) by email
  address, case-insensitively, as `clearloop.customers.services` does; a customer found by
  email but holding another external id is another person.
- Orders and interactions are matched by external id, which they must have: without one a
  re-import could not know a row was imported before.
- The customer of an order, interaction or feedback item is named by external id or email
  and looked up in the writer's organization only; one that does not exist there is
  created there. Another organization's customer with that external id is never reached.
- Blank values leave what is stored as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearloop.accounts.models import Membership, Organization
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import (
    CustomAttribute,
    Customer,
    Interaction,
    InteractionChannel,
    Order,
)
from clearloop.imports import rows
from clearloop.imports.rows import ChunkResult, CleanRow, FieldSpec, RowError, Validated, Value

CustomerRef = tuple[str, str]
"""(external id, lower-case email); either may be empty, not both."""

CUSTOMER_FIELDS = [
    "external_id",
    "email",
    "name",
    "phone",
    "language",
    "region",
    "country",
    "segment",
]


def customer_ref_specs() -> list[FieldSpec]:
    return [
        FieldSpec(
            "customer_external_id", str(gettext_lazy("Customer external id")), rows.text(120)
        ),
        FieldSpec("customer_email", str(gettext_lazy("Customer email")), rows.email),
    ]


def customer_ref(values: Mapping[str, Value]) -> CustomerRef | None:
    ext = values.get("customer_external_id", "")
    email = values.get("customer_email", "").lower()
    return (ext, email) if ext or email else None


def require_customer_ref(row: int, values: Mapping[str, Value]) -> list[RowError]:
    if customer_ref(values) is None:
        reason = _("Name the customer by external id or email address.")
        return [RowError(row, "customer_external_id", reason)]
    return []


def customers_for_refs(
    *, organization_id: int, refs: Iterable[CustomerRef]
) -> dict[CustomerRef, int]:
    """The id of the customer each reference names in this organization, creating the
    missing ones (three queries at most, however many references)."""
    wanted = set(refs)
    scoped = Customer.objects.filter(organization_id=organization_id)
    ext_ids = {ext for ext, _email in wanted if ext}
    by_ext = dict(rows.with_external_ids(scoped, ext_ids).values_list("external_id", "id"))
    emails = {email for ext, email in wanted if email and ext not in by_ext}
    by_email: dict[str, tuple[int, str]] = {}
    if emails:
        found = scoped.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        for pk, email, ext in found.order_by("pk").values_list("id", "email_lower", "external_id"):
            by_email.setdefault(email, (pk, ext))
    result: dict[CustomerRef, int] = {}
    missing: dict[CustomerRef, Customer] = {}
    for ref in wanted:
        found_id = _match(ref, by_ext, by_email)
        if found_id is None:
            missing[ref] = Customer(
                organization_id=organization_id, external_id=ref[0], email=ref[1]
            )
        else:
            result[ref] = found_id
    result.update(_create_missing(missing))
    return result


def _match(
    ref: CustomerRef, by_ext: dict[str, int], by_email: dict[str, tuple[int, str]]
) -> int | None:
    ext, email = ref
    if ext and ext in by_ext:
        return by_ext[ext]
    pk, stored_ext = by_email.get(email, (None, ""))
    # A customer found by email who holds another external id is another person.
    return pk if pk is not None and not (ext and stored_ext) else None


def _create_missing(missing: dict[CustomerRef, Customer]) -> dict[CustomerRef, int]:
    # One row per external id (or email): refs naming the same one share the new customer.
    unique: dict[str, Customer] = {}
    for ext, email in missing:
        unique.setdefault(ext or f"@{email}", missing[(ext, email)])
    Customer.objects.bulk_create(list(unique.values()))
    return {(ext, email): unique[ext or f"@{email}"].pk for ext, email in missing}


class BaseWriter:
    """What the three writers share: validation through the specs."""

    specs: Sequence[FieldSpec]

    def __init__(self, organization: Organization) -> None:
        self.organization_id = organization.pk
        self.zone = rows.zone_named(organization.time_zone)

    def check(self, row: int, values: dict[str, Value]) -> list[RowError]:
        return []

    def key(self, values: dict[str, Value]) -> Any:
        return ("external_id", values["external_id"])

    def validate(
        self, records: Iterable[tuple[int, Mapping[str, Value]]], *, strict: bool
    ) -> Validated:
        return rows.validate_records(
            records, self.specs, check=self.check, key=self.key, strict=strict
        )


# --- Customers --------------------------------------------------------------------------


ATTRIBUTE_PREFIX = "attributes."
"""Target fields `attributes.<key>` map columns to the organization's custom attributes."""


def _attribute_parser(attribute: CustomAttribute) -> rows.Parser:
    """A custom attribute's value checked as the profile form and the API check it."""
    from clearloop.customers.services import attribute_value_clean

    def parse(value: Value) -> Value:
        try:
            return attribute_value_clean(attribute=attribute, value=value)
        except ValidationFailed as error:
            raise rows.Invalid(error.message) from error

    return parse


class CustomerWriter(BaseWriter):
    """Profile fields, and each custom attribute of the organization as a field of its own
    (`attributes.<key>`, labelled with the attribute's label, typed as it is defined). The
    API may also send them as an `attributes` object. Imported attributes merge into
    the stored ones key by key; a blank cell leaves a stored value alone."""

    def __init__(self, organization: Organization) -> None:
        super().__init__(organization)
        attributes = CustomAttribute.objects.for_organization(organization).order_by("label", "pk")
        self.specs = [
            FieldSpec("external_id", str(gettext_lazy("External id")), rows.text(120)),
            FieldSpec("email", str(gettext_lazy("Email")), rows.email),
            FieldSpec("name", str(gettext_lazy("Name")), rows.text(200)),
            FieldSpec("phone", str(gettext_lazy("Phone")), rows.text(40)),
            FieldSpec("language", str(gettext_lazy("Language")), rows.language),
            FieldSpec("region", str(gettext_lazy("Region")), rows.text(60)),
            FieldSpec("country", str(gettext_lazy("Country")), rows.code(2, "DE")),
            FieldSpec("segment", str(gettext_lazy("Segment")), rows.text(60)),
            *(
                FieldSpec(
                    f"{ATTRIBUTE_PREFIX}{attribute.key}",
                    attribute.label,
                    _attribute_parser(attribute),
                    help=attribute.get_type_display(),
                )
                for attribute in attributes
            ),
        ]

    def validate(
        self, records: Iterable[tuple[int, Mapping[str, Value]]], *, strict: bool
    ) -> Validated:
        return super().validate(
            (_flat_attributes(row, record) for row, record in records), strict=strict
        )

    def check(self, row: int, values: dict[str, Value]) -> list[RowError]:
        if not values.get("external_id") and not values.get("email"):
            reason = _("Give an external id or an email address.")
            return [RowError(row, "external_id", reason)]
        return []

    def key(self, values: dict[str, Value]) -> Any:
        if values.get("external_id"):
            return ("external_id", values["external_id"])
        return ("email", values["email"].lower())

    def write_chunk(self, clean: Sequence[CleanRow]) -> ChunkResult:
        stored = self._stored(clean)

        def found_for(values: dict[str, Value]) -> dict[str, Value] | None:
            if values.get("external_id"):
                found = stored["ext"].get(values["external_id"])
                if found is None and values.get("email"):
                    candidate = stored["email"].get(values["email"].lower())
                    found = candidate if candidate and not candidate["external_id"] else None
                return found
            return stored["email"].get(values["email"].lower())

        def stored_for(values: dict[str, Value]) -> dict[str, Value] | None:
            found = found_for(values)
            if found is not None and "attributes" in values:
                values["attributes"] = {**found["attributes"], **values["attributes"]}
            return found

        plan = rows.plan((_with_attributes(row.values) for row in clean), stored_for)
        return rows.apply_plan(
            Customer,
            organization_id=self.organization_id,
            plan=plan,
            update_fields=[*CUSTOMER_FIELDS, "attributes"],
        )

    def _stored(self, clean: Sequence[CleanRow]) -> dict[str, dict[str, dict[str, Value]]]:
        scoped = Customer.objects.filter(organization_id=self.organization_id)
        ext_ids = {row.values["external_id"] for row in clean if row.values.get("external_id")}
        emails = {row.values["email"].lower() for row in clean if row.values.get("email")}
        by_ext = {
            found["external_id"]: found
            for found in rows.with_external_ids(scoped, ext_ids).values(
                "id", "attributes", *CUSTOMER_FIELDS
            )
        }
        by_email: dict[str, dict[str, Value]] = {}
        if emails:
            matches = scoped.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
            for found in matches.order_by("pk").values("id", "attributes", *CUSTOMER_FIELDS):
                by_email.setdefault(found["email"].lower(), found)
        return {"ext": by_ext, "email": by_email}


def _flat_attributes(row: int, record: Mapping[str, Value]) -> tuple[int, Mapping[str, Value]]:
    """An API record's `attributes` object as `attributes.<key>` fields (a file's columns
    are mapped to those directly). Anything but an object is left for validation to refuse
    as an unknown field."""
    nested = record.get("attributes")
    if not isinstance(nested, dict):
        return row, record
    flat = {name: value for name, value in record.items() if name != "attributes"}
    flat.update({f"{ATTRIBUTE_PREFIX}{key}": value for key, value in nested.items()})
    return row, flat


def _with_attributes(values: dict[str, Value]) -> dict[str, Value]:
    """Validated values with the `attributes.<key>` fields gathered into `attributes`."""
    if not any(name.startswith(ATTRIBUTE_PREFIX) for name in values):
        return values
    record = {n: v for n, v in values.items() if not n.startswith(ATTRIBUTE_PREFIX)}
    record["attributes"] = {
        name.removeprefix(ATTRIBUTE_PREFIX): value
        for name, value in values.items()
        if name.startswith(ATTRIBUTE_PREFIX)
    }
    return record


# --- Orders and interactions -------------------------------------------------------------


class _LinkedWriter(BaseWriter):
    """Orders and interactions: keyed by external id, linked to a customer."""

    model: type[Order] | type[Interaction]
    stored_fields: list[str]

    def check(self, row: int, values: dict[str, Value]) -> list[RowError]:
        return require_customer_ref(row, values)

    def write_chunk(self, clean: Sequence[CleanRow]) -> ChunkResult:
        customers = customers_for_refs(
            organization_id=self.organization_id,
            refs={ref for row in clean if (ref := customer_ref(row.values))},
        )
        records = [self._record(row.values, customers) for row in clean]
        keys = {values["external_id"] for values in records}
        stored = {
            found["external_id"]: found
            for found in rows.with_external_ids(
                self.model._default_manager.filter(organization_id=self.organization_id), keys
            ).values("id", *self.stored_fields)
        }
        plan = rows.plan(records, lambda values: stored.get(values["external_id"]))
        update_fields = [name for name in self.stored_fields if name != "external_id"]
        return rows.apply_plan(
            self.model, organization_id=self.organization_id, plan=plan, update_fields=update_fields
        )

    @staticmethod
    def _record(values: dict[str, Value], customers: dict[CustomerRef, int]) -> dict[str, Value]:
        record = {
            name: value
            for name, value in values.items()
            if name not in ("customer_external_id", "customer_email")
        }
        ref = customer_ref(values)
        assert ref is not None  # checked in validation
        record["customer_id"] = customers[ref]
        return record


class OrderWriter(_LinkedWriter):
    model = Order
    stored_fields = ["external_id", "customer_id", "product", "amount", "currency", "ordered_at"]

    def __init__(self, organization: Organization) -> None:
        super().__init__(organization)
        self.specs = [
            FieldSpec("external_id", str(gettext_lazy("Order id")), rows.text(120), required=True),
            *customer_ref_specs(),
            FieldSpec("product", str(gettext_lazy("Product")), rows.text(200), required=True),
            FieldSpec("amount", str(gettext_lazy("Amount")), rows.amount, required=True),
            FieldSpec(
                "currency", str(gettext_lazy("Currency")), rows.code(3, "EUR"), required=True
            ),
            FieldSpec(
                "ordered_at", str(gettext_lazy("Ordered at")), rows.moment(self.zone), required=True
            ),
        ]


class InteractionWriter(_LinkedWriter):
    model = Interaction
    stored_fields = [
        "external_id",
        "customer_id",
        "channel",
        "agent_id",
        "started_at",
        "ended_at",
        "wait_seconds",
        "resolved_on_first_contact",
        "notes",
    ]

    def __init__(self, organization: Organization) -> None:
        super().__init__(organization)
        self.agents = {
            email.lower(): user_id
            for user_id, email in Membership.objects.filter(
                organization_id=organization.pk
            ).values_list("user_id", "user__email")
        }
        self.specs = [
            FieldSpec(
                "external_id", str(gettext_lazy("Ticket or call id")), rows.text(120), required=True
            ),
            *customer_ref_specs(),
            FieldSpec(
                "channel",
                str(gettext_lazy("Channel")),
                rows.choice(InteractionChannel),
                required=True,
            ),
            FieldSpec("agent_email", str(gettext_lazy("Agent email")), self._agent),
            FieldSpec(
                "started_at", str(gettext_lazy("Started at")), rows.moment(self.zone), required=True
            ),
            FieldSpec("ended_at", str(gettext_lazy("Ended at")), rows.moment(self.zone)),
            FieldSpec(
                "wait_seconds",
                str(gettext_lazy("Wait (seconds)")),
                rows.integer(minimum=0, maximum=10**7),
            ),
            FieldSpec(
                "resolved_on_first_contact",
                str(gettext_lazy("Resolved on first contact")),
                rows.boolean,
            ),
            FieldSpec("notes", str(gettext_lazy("Notes")), rows.long_text),
        ]

    def _agent(self, value: Value) -> int:
        address = rows.email(value).lower()
        if address not in self.agents:
            raise rows.Invalid(
                _("%(email)s is not a member of this organization.") % {"email": address}
            )
        return self.agents[address]

    def check(self, row: int, values: dict[str, Value]) -> list[RowError]:
        errors = require_customer_ref(row, values)
        ended = values.get("ended_at")
        if ended is not None and ended < values["started_at"]:
            errors.append(
                RowError(row, "ended_at", _("An interaction cannot end before it starts."))
            )
        if "agent_email" in values:
            values["agent_id"] = values.pop("agent_email")
        return errors
