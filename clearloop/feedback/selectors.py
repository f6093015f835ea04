"""Reads for feedback items; every function is scoped to one organization."""

from __future__ import annotations

from django.db.models import QuerySet

from clearloop.accounts.models import Organization
from clearloop.feedback.models import FeedbackItem


def feedback_list(
    *, organization: Organization, source: str = "", language: str = ""
) -> QuerySet[FeedbackItem]:
    """The organization's feedback, newest first, with the customer loaded in the same
    query. Empty `source` or `language` means any."""
    items = FeedbackItem.objects.for_organization(organization).select_related("customer")
    if source:
        items = items.filter(source=source)
    if language:
        items = items.filter(language=language)
    return items.order_by("-occurred_at", "-pk")
