"""API shape of alerts."""

from __future__ import annotations

from rest_framework import serializers

from clearloop.alerts.models import Alert


class AlertSerializer(serializers.ModelSerializer[Alert]):
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "rule", "rule_name", "incident_key", "status", "started_on", "value", "reason",
            "notified", "deliveries", "resolved_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
