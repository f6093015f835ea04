"""Reads for intake pages; every function is scoped to one organization."""

from __future__ import annotations

from django.db.models import QuerySet

from clearloop.accounts.models import Organization
from clearloop.intake.models import Feed, IntakeCredentials, IntakeEvent

RECENT_EVENTS = 20


def feeds_of(*, organization: Organization) -> QuerySet[Feed]:
    return Feed.objects.for_organization(organization).order_by("name", "pk")


def credentials_of(*, organization: Organization) -> IntakeCredentials | None:
    return IntakeCredentials.objects.for_organization(organization).first()


def events_recent(*, organization: Organization, limit: int = RECENT_EVENTS) -> list[IntakeEvent]:
    events = IntakeEvent.objects.for_organization(organization).select_related("feed")
    return list(events.order_by("-created_at", "-pk")[:limit])
