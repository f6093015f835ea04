"""Duplicate customers folded into one: `customer_merge` moves every related row to the
customer that is kept, fills the kept profile's empty fields, audits, and deletes the other.

A merge is by nature a write across apps: responses and invitations (surveys), feedback
items (feedback) and, later, cases point at customers with a `customer` foreign key, and
all of them must follow the person. Rather than name each app's table here and miss the
next one, the merge walks `Customer._meta.related_objects` and moves each relation with a
queryset `.update(customer=keep)` through its foreign key name — one UPDATE per table,
inside the merge's transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.core.errors import Conflict, NotFound, ValidationFailed
from clearloop.customers.models import Customer, CustomerMerge
from clearloop.customers.services import PROFILE_FIELDS, require_capability
from clearloop.surveys.models import ContactOptOut


@transaction.atomic
def customer_merge(*, keep: Customer, merge: Customer, by: Membership) -> CustomerMerge:
    """Fold `merge` into `keep` in one transaction and return the audit record.

    Every row pointing at `merge` (orders, interactions, survey responses and invitations,
    feedback items, earlier merge audits, and any relation added later) moves to `keep`;
    the kept customer's empty fields and missing attributes are filled from the merged
    one (what is recorded is never overwritten). A relation whose unique constraint the
    move would break is refused as a `Conflict` and nothing is written. Orders and
    interactions cannot clash: their external ids are unique per organization already.
    """
    require_capability(by, keep.organization_id, Capability.MANAGE_CUSTOMERS)
    if merge.organization_id != keep.organization_id:
        raise NotFound(_("No customer with id %(id)s.") % {"id": merge.pk})
    if merge.pk == keep.pk:
        raise ValidationFailed(
            _("Choose two different customers to merge."), fields={"merge": "same"}
        )
    keep, merge = _locked(keep, merge)
    moved = {_label(rel): _move(rel, keep=keep, merge=merge) for rel in _relations()}
    filled = _fill_empty(keep, merge)
    _carry_opt_out(keep, merge)
    merged_id = merge.pk
    # Delete first: the kept customer may take over the merged one's external id, which
    # is unique per organization.
    merge.delete()
    if filled:
        keep.save(update_fields=[*{name.split(".")[0] for name in filled}, "updated_at"])
    return CustomerMerge.objects.create(
        organization_id=keep.organization_id,
        kept=keep,
        kept_customer_id=keep.pk,
        merged_customer_id=merged_id,
        merged_by=by.user if by.user_id else None,
        moved={label: count for label, count in moved.items() if count},
        filled_fields=filled,
    )


def _locked(keep: Customer, merge: Customer) -> tuple[Customer, Customer]:
    """Both rows, re-read under a lock in primary key order (no deadlock between two
    merges of the same pair), refusing erased ones."""
    rows = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=[keep.pk, merge.pk], organization_id=keep.organization_id)
        .order_by("pk")
    }
    if merge.pk not in rows or keep.pk not in rows:
        raise NotFound(_("No customer with id %(id)s.") % {"id": merge.pk})
    if rows[keep.pk].erased_at or rows[merge.pk].erased_at:
        raise Conflict(_("An erased customer cannot be merged."))
    return rows[keep.pk], rows[merge.pk]


def _relations() -> list[ForeignObjectRel]:
    return [rel for rel in Customer._meta.related_objects if rel.one_to_many or rel.one_to_one]


def _label(rel: ForeignObjectRel) -> str:
    model = rel.related_model
    assert not isinstance(model, str)
    return f"{model._meta.label_lower}.{rel.field.name}"


def _move(rel: ForeignObjectRel, *, keep: Customer, merge: Customer) -> int:
    model = rel.related_model
    assert not isinstance(model, str)
    name = rel.field.name
    rows = model._base_manager.filter(**{name: merge})
    if rel.one_to_one and model._base_manager.filter(**{name: keep}).exists() and rows.exists():
        raise Conflict(_("Both customers have a %(what)s; only one may be kept.") % _what(rel))
    try:
        with transaction.atomic():
            if model is CustomerMerge:
                return rows.update(kept=keep, kept_customer_id=keep.pk)
            return rows.update(**{name: keep})
    except IntegrityError as error:
        raise Conflict(
            _("Both customers have a %(what)s that may exist only once per customer.") % _what(rel)
        ) from error


def _what(rel: ForeignObjectRel) -> dict[str, str]:
    model = rel.related_model
    assert not isinstance(model, str)
    return {"what": str(model._meta.verbose_name)}


def _fill_empty(keep: Customer, merge: Customer) -> list[str]:
    """Copy what `keep` lacks from `merge`; returns the names filled (`attributes.<key>`
    for attributes)."""
    filled = []
    for name in PROFILE_FIELDS:
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
            filled.append(name)
    missing = {k: v for k, v in (merge.attributes or {}).items() if k not in keep.attributes}
    if missing:
        keep.attributes = {**keep.attributes, **missing}
        filled.extend(f"attributes.{key}" for key in sorted(missing))
    return filled


def _carry_opt_out(keep: Customer, merge: Customer) -> None:
    """An opt-out is the person's wish, recorded against an address. Once the two records
    are one person, the kept address must not be surveyed either (a write into the
    surveys app's opt-out list, like the moves above)."""
    if not merge.email or not keep.email or merge.email.lower() == keep.email.lower():
        return
    scoped = ContactOptOut.objects.for_organization(keep.organization_id)
    opted_out = scoped.filter(email=merge.email.lower()).first()
    if opted_out is not None:
        scoped.get_or_create(
            organization_id=keep.organization_id,
            email=keep.email.lower(),
            defaults={"source": opted_out.source},
        )
