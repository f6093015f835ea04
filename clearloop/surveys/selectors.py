"""Reads for surveys; every function is scoped to one organization."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from clearloop.accounts.models import Organization
from clearloop.surveys.models import Survey


def surveys_list(*, organization: Organization) -> QuerySet[Survey]:
    """The organization's surveys, newest first, each annotated with `response_count`
    (started) and `completed_count`, counted by the database in the same query."""
    return (
        Survey.objects.for_organization(organization)
        .annotate(
            response_count=Count("responses"),
            completed_count=Count("responses", filter=Q(responses__completed_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )
