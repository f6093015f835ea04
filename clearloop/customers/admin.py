"""Admin pages for customers, orders and interactions (support staff, not the product UI)."""

from __future__ import annotations

from django.contrib import admin

from clearloop.customers.models import Customer, Interaction, Order


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
