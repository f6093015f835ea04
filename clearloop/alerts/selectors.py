"""Reads of alerts: the list (newest first) and the rules."""

from __future__ import annotations

from django.db.models import QuerySet

from clearloop.accounts.models import Organization
from clearloop.alerts.models import Alert, AlertRule, AlertStatus


def alerts_list(*, organization: Organization, status: str = "") -> QuerySet[Alert]:
    alerts = Alert.objects.for_organization(organization).select_related("rule", "acknowledged_by")
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    return alerts


def rules_list(*, organization: Organization) -> QuerySet[AlertRule]:
    return AlertRule.objects.for_organization(organization).select_related("listening_rule")
