"""API shape of scheduled reports and their deliveries; writes go through `services`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clearloop.reports.models import ReportDelivery, ScheduledReport


class ReportDeliverySerializer(serializers.ModelSerializer[ReportDelivery]):
    class Meta:
        model = ReportDelivery
        fields = ["period_start", "period_end", "status", "recipients", "attempts", "sent_at"]
        read_only_fields = fields


class MemberIdsField(serializers.ListField):
    """Membership ids in and out. Not a related field: that would answer "does not exist"
    for unknown ids and accept another organization's, telling them apart; the service
    answers 404 for both."""

    def to_representation(self, data: Any) -> list[Any]:
        if hasattr(data, "all"):
            return [membership.pk for membership in data.all()]
        return super().to_representation(data)


class ScheduledReportSerializer(serializers.ModelSerializer[ScheduledReport]):
    recipient_members = MemberIdsField(
        child=serializers.IntegerField(), required=False, default=list,
        help_text="Membership ids of this organization.",
    )  # fmt: skip
    recipient_emails = serializers.ListField(
        child=serializers.CharField(max_length=254), required=False, default=list
    )
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict,
        help_text="Analytics query parameters (metric, period, by, survey, channel, …).",
    )  # fmt: skip

    class Meta:
        model = ScheduledReport
        fields = [
            "id", "name", "frequency", "weekday", "day_of_month", "hour", "recipient_members",
            "recipient_emails", "language", "filters", "format", "active", "created_at",
            "last_sent_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "last_sent_at"]
