"""Serializers of the customers API. They shape JSON; the services judge the values
(types of custom attributes, constraints, segment rules) and answer with one message."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clearloop.customers.models import Customer, Segment
from clearloop.customers.timeline import TimelineEntry


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    # A plain string: the schema's language enum names are taken by other apps' fields.
    language = serializers.CharField(read_only=True, help_text="en, zh-hans or ja; or empty.")

    class Meta:
        model = Customer
        fields = [
            "id", "external_id", "name", "email", "phone", "language", "region", "country",
            "segment", "attributes", "created_at", "updated_at", "erased_at",
        ]  # fmt: skip
        read_only_fields = fields


class CustomerWriteSerializer(serializers.Serializer):
    """Profile fields to set; on PATCH only those sent change. `attributes` merges key by
    key, and an empty value (null or "") removes that attribute."""

    external_id = serializers.CharField(required=False, allow_blank=True, max_length=120)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    language = serializers.CharField(required=False, allow_blank=True, max_length=10)
    region = serializers.CharField(required=False, allow_blank=True, max_length=60)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    segment = serializers.CharField(required=False, allow_blank=True, max_length=60)
    attributes = serializers.DictField(required=False, allow_empty=True)


class CustomerListQuerySerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    segment = serializers.CharField(required=False, allow_blank=True, max_length=60)
    region = serializers.CharField(required=False, allow_blank=True, max_length=60)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    language = serializers.CharField(required=False, allow_blank=True, max_length=10)
    saved_segment = serializers.IntegerField(
        required=False, min_value=1, help_text="The id of a saved segment."
    )


class CustomerMergeSerializer(serializers.Serializer):
    merge = serializers.IntegerField(
        min_value=1, help_text="The id of the duplicate to fold into this customer and delete."
    )


class CustomerMergeResultSerializer(serializers.Serializer):
    kept_customer_id = serializers.IntegerField()
    merged_customer_id = serializers.IntegerField()
    moved = serializers.DictField(child=serializers.IntegerField())
    filled_fields = serializers.ListField(child=serializers.CharField())


class CustomerErasureSerializer(serializers.Serializer):
    erased_customer_id = serializers.IntegerField()
    erased_at = serializers.DateTimeField(source="created_at")
    counts = serializers.DictField(child=serializers.IntegerField())


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="interaction, order, response, feedback or invitation.")
    id = serializers.IntegerField(source="item.pk")
    at = serializers.DateTimeField()
    summary = serializers.SerializerMethodField()

    def get_summary(self, entry: TimelineEntry) -> dict[str, Any]:
        """The fields that describe the entry, by kind."""
        item: Any = entry.item
        if entry.kind == "order":
            return {"product": item.product, "amount": str(item.amount), "currency": item.currency,
                    "external_id": item.external_id}  # fmt: skip
        if entry.kind == "interaction":
            return {
                "channel": item.channel,
                "agent": item.agent.display_name if item.agent else None,
                "ended_at": item.ended_at,
                "resolved_on_first_contact": item.resolved_on_first_contact,
                "notes": item.notes,
            }
        if entry.kind == "response":
            comment = getattr(item, "feedback_item", None)
            return {"survey_id": item.survey_id, "survey": item.survey.name, "nps": item.nps,
                    "completed": item.completed_at is not None,
                    "comment": comment.text if comment else ""}  # fmt: skip
        if entry.kind == "feedback":
            return {"source": item.source, "text": item.text, "rating": item.rating}
        return {"survey_id": item.distribution.survey_id, "status": item.status}


class TimelinePageSerializer(serializers.Serializer):
    results = TimelineEntrySerializer(many=True)
    next = serializers.URLField(allow_null=True)


class SegmentSerializer(serializers.ModelSerializer[Segment]):
    rules = serializers.JSONField(
        help_text='{"match": "all"|"any", "rules": [{"kind": "profile"|"attribute"|"spent"|'
        '"bought"|"channel"|"feedback"|"nps", ...}]}; see clearloop/customers/segments.py.'
    )
    customer_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Segment
        fields = ["id", "name", "rules", "customer_count", "created_at"]
        read_only_fields = ["id", "customer_count", "created_at"]


# --- Churn risk ----------------------------------------------------------------------------------


class ChurnReasonSerializer(serializers.Serializer):
    component = serializers.CharField(
        help_text="recency, nps, negative_feedback, open_cases or churn_intent."
    )
    points = serializers.FloatField(help_text="What this component adds to the score.")
    code = serializers.CharField(help_text="The situation, e.g. overdue_own or detractor.")
    text = serializers.CharField(help_text="The reason in words, in the request's language.")


class ChurnRiskSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="0 (no sign of churn) to 100.")
    band = serializers.ChoiceField(choices=["low", "medium", "high"])
    reasons = ChurnReasonSerializer(many=True)


class CustomerChurnRiskSerializer(ChurnRiskSerializer):
    customer = serializers.IntegerField(help_text="The customer's id.")


class AtRiskRowSerializer(serializers.Serializer):
    customer = CustomerSerializer()
    score = serializers.IntegerField()
    band = serializers.CharField()
    reasons = ChurnReasonSerializer(many=True)


class AtRiskPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = AtRiskRowSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class AtRiskQuerySerializer(serializers.Serializer):
    segment = serializers.CharField(required=False, allow_blank=True, max_length=60)
    band = serializers.ChoiceField(choices=["low", "medium", "high"], required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, default=0)
