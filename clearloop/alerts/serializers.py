"""API shape of alerts."""

from __future__ import annotations

from rest_framework import serializers

from clearloop.alerts.models import Alert, AlertRule, ChannelKind, Comparison, RuleKind


class AlertSerializer(serializers.ModelSerializer[Alert]):
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "rule", "rule_name", "incident_key", "status", "started_on", "value", "reason",
            "notified", "deliveries", "resolved_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AlertRuleSerializer(serializers.ModelSerializer[AlertRule]):
    scope = serializers.SerializerMethodField()

    class Meta:
        model = AlertRule
        fields = [
            "id", "name", "kind", "metric", "scope", "listening_rule", "comparison",
            "threshold", "window_days", "minimum_n", "channels", "email_to", "webhook_url",
            "webhook_endpoint", "quiet_hours", "active", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_scope(self, rule: AlertRule) -> str:
        return f"{rule.scope_kind}:{rule.scope_value}"


class AlertRuleCreateSerializer(serializers.Serializer[dict[str, object]]):
    """A new rule; the service judges what each kind needs and says what is missing."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    metric = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.CharField(
        required=False, default="organization:", help_text="kind:value, e.g. team:3"
    )
    comparison = serializers.ChoiceField(choices=Comparison.choices, default=Comparison.BELOW)
    threshold = serializers.FloatField(required=False, allow_null=True, default=None)
    window_days = serializers.IntegerField(required=False, default=7)
    minimum_n = serializers.IntegerField(required=False, default=30, min_value=1)
    listening_rule = serializers.IntegerField(required=False, allow_null=True, default=None)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=ChannelKind.choices), required=False, default=list
    )
    email_to = serializers.ListField(child=serializers.EmailField(), required=False, default=list)
    webhook_url = serializers.URLField(required=False, allow_blank=True, default="")
    webhook_endpoint = serializers.IntegerField(required=False, allow_null=True, default=None)
    quiet_hours = serializers.IntegerField(required=False, default=24, min_value=0)
