"""Admin page for feedback items."""

from __future__ import annotations

from django.contrib import admin

from clearloop.feedback.models import FeedbackItem


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin[FeedbackItem]):
    list_display = [
        "occurred_at",
        "source",
        "language",
        "rating",
        "customer",
        "text",
        "organization",
    ]
    list_filter = ["organization", "source", "language", "rating"]
    search_fields = ["text", "external_id", "customer__name"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["customer", "response"]
    list_select_related = ["customer", "organization"]
