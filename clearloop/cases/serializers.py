"""Shapes of the cases API."""

from __future__ import annotations

from rest_framework import serializers

from clearloop.cases.models import Case, CaseEvent, CasePriority, CaseRule, CaseStatus


class CaseSerializer(serializers.ModelSerializer[Case]):
    reference = serializers.CharField(read_only=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "subject",
            "status",
            "priority",
            "urgency",
            "importance",
            "customer",
            "response",
            "feedback_item",
            "interaction",
            "owner",
            "team",
            "category",
            "tags",
            "language",
            "first_response_due_at",
            "resolution_due_at",
            "first_responded_at",
            "paused_at",
            "breached_at",
            "resolved_at",
            "closed_at",
            "root_cause",
            "corrective_action",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner(self, case: Case) -> str | None:
        return case.owner.email if case.owner_id and case.owner else None


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "actor", "from_value", "to_value", "body", "mentions", "created_at"]
        read_only_fields = fields

    def get_actor(self, event: CaseEvent) -> str | None:
        return event.actor.email if event.actor_id and event.actor else None


class CaseListQuerySerializer(serializers.Serializer[dict[str, object]]):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    owner = serializers.IntegerField(required=False, min_value=1)
    team = serializers.IntegerField(required=False, min_value=1)
    customer = serializers.IntegerField(required=False, min_value=1)
    q = serializers.CharField(required=False, max_length=100)
    view = serializers.ChoiceField(
        choices=["mine", "breaching_today", "unassigned", "waiting", "done"], required=False
    )


class CaseUpdateSerializer(serializers.Serializer[dict[str, object]]):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    owner = serializers.EmailField(required=False, allow_null=True)
    subject = serializers.CharField(required=False, max_length=200)
    category = serializers.CharField(required=False, max_length=60, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    root_cause = serializers.CharField(required=False, max_length=60)
    corrective_action = serializers.CharField(required=False, max_length=5000)
    note = serializers.CharField(required=False, max_length=10000)


class CaseRuleSerializer(serializers.ModelSerializer[CaseRule]):
    """A rule that opens cases. `conditions` is a list of ``{"kind": ...}`` documents
    (see `clearloop.cases.rules`); the service validates them."""

    conditions = serializers.JSONField()

    class Meta:
        model = CaseRule
        fields = [
            "id",
            "name",
            "active",
            "conditions",
            "match_all",
            "topic",
            "team",
            "category",
            "created_at",
        ]
        read_only_fields = fields


class CaseRuleCreateSerializer(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField(max_length=120)
    conditions = serializers.JSONField()
    match_all = serializers.BooleanField(required=False, default=True)
    topic = serializers.CharField(required=False, max_length=60, allow_blank=True, default="")
    team = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    category = serializers.CharField(required=False, max_length=60, allow_blank=True, default="")
