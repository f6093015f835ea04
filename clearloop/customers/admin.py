"""Admin pages for customers, orders, interactions, attributes, segments and the merge and
erasure audits (support staff, not the product UI)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clearloop.customers.models import (
    CustomAttribute,
    Customer,
    CustomerErasure,
    CustomerMerge,
    Interaction,
    Order,
    Segment,
)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = [
        "name",
        "email",
        "external_id",
        "segment",
        "region",
        "country",
        "language",
        "organization",
    ]
    list_filter = ["organization", "segment", "region", "language"]
    search_fields = ["name", "email", "external_id"]
    list_select_related = ["organization"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = [
        "external_id",
        "customer",
        "product",
        "amount",
        "currency",
        "ordered_at",
        "organization",
    ]
    list_filter = ["organization", "currency"]
    search_fields = ["external_id", "product", "customer__name"]
    date_hierarchy = "ordered_at"
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "organization"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin[Interaction]):
    list_display = [
        "started_at",
        "channel",
        "customer",
        "agent",
        "team",
        "wait_seconds",
        "resolved_on_first_contact",
        "organization",
    ]
    list_filter = ["organization", "channel", "resolved_on_first_contact", "team"]
    search_fields = ["external_id", "customer__name", "notes"]
    date_hierarchy = "started_at"
    raw_id_fields = ["customer", "agent", "team"]
    list_select_related = ["customer", "agent", "team", "organization"]


@admin.register(CustomAttribute)
class CustomAttributeAdmin(admin.ModelAdmin[CustomAttribute]):
    list_display = ["label", "key", "type", "organization"]
    list_filter = ["organization", "type"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin[Segment]):
    list_display = ["name", "organization", "created_by", "created_at"]
    list_filter = ["organization"]


class AuditAdmin(admin.ModelAdmin[Any]):
    """Audit records are written by the services only, and never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustomerMerge)
class CustomerMergeAdmin(AuditAdmin):
    list_display = ["created_at", "kept_customer_id", "merged_customer_id", "merged_by"]
    list_filter = ["organization"]


@admin.register(CustomerErasure)
class CustomerErasureAdmin(AuditAdmin):
    list_display = ["created_at", "erased_customer_id", "erased_by", "organization"]
    list_filter = ["organization"]
