"""API shapes of goals: a goal with its baseline, and on the detail route its progress."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clearloop.goals.measure import Metric, ScopeKind
from clearloop.goals.models import ActionPlan, ActionTask, Goal


class EstimateSerializer(serializers.Serializer[Any]):
    value = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()


class ForecastSerializer(serializers.Serializer[Any]):
    value = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    slope_per_day = serializers.FloatField()


class ProgressSerializer(serializers.Serializer[Any]):
    current = EstimateSerializer()
    share_done = serializers.FloatField(allow_null=True)
    forecast = ForecastSerializer(allow_null=True)
    probability = serializers.FloatField(allow_null=True)
    outlook = serializers.CharField()


class ActionTaskSerializer(serializers.ModelSerializer[ActionTask]):
    class Meta:
        model = ActionTask
        fields = ["id", "title", "owner", "due_on", "status"]


class ActionPlanSerializer(serializers.ModelSerializer[ActionPlan]):
    tasks = ActionTaskSerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "title",
            "description",
            "started_on",
            "comparison_kind",
            "comparison_value",
            "tasks",
        ]


class GoalSerializer(serializers.ModelSerializer[Goal]):
    class Meta:
        model = Goal
        fields = [
            "id", "name", "metric", "scope_kind", "scope_value", "baseline_start", "baseline_end",
            "baseline_value", "baseline_low", "baseline_high", "baseline_n", "target", "deadline",
            "owner", "status", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class GoalDetailSerializer(GoalSerializer):
    plans = ActionPlanSerializer(many=True, read_only=True)

    class Meta(GoalSerializer.Meta):
        fields = [*GoalSerializer.Meta.fields, "plans"]
        read_only_fields = fields


class GoalWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    metric = serializers.ChoiceField(choices=Metric.choices)
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices, default=ScopeKind.ORGANIZATION)
    scope_value = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    baseline_start = serializers.DateField()
    baseline_end = serializers.DateField()
    target = serializers.FloatField()
    deadline = serializers.DateField()
    owner = serializers.IntegerField(help_text="The user id of a member of the organization.")
