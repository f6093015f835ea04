"""API shapes of feedback items, their tags and the inbox filters."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clearloop.feedback.models import FeedbackItem, FeedbackSource, SavedView, Tag, TagColour
from clearloop.feedback.selectors import CHANNEL_CHOICES, HAS_CASE_CHOICES, RATING_CHOICES
from clearloop.surveys.serializers import LANGUAGE_CODES, CodeField
from clearloop.textanalysis.forms import ASPECT_FILTER_CHOICES
from clearloop.textanalysis.models import Sentiment, SignalKind

CREATABLE_SOURCES = [
    (value, label)
    for value, label in FeedbackSource.choices
    if value != FeedbackSource.SURVEY_COMMENT
]
MAX_METADATA_KEYS = 50


class TagSerializer(serializers.ModelSerializer[Tag]):
    colour = CodeField(choices=TagColour.choices, required=False, default=TagColour.BLUE)

    class Meta:
        model = Tag
        fields = ["id", "name", "colour"]


class FeedbackItemSerializer(serializers.ModelSerializer[FeedbackItem]):
    channel = serializers.SerializerMethodField(
        help_text="How the words reached us: the survey channel of a survey comment, "
        "else the source."
    )
    survey = serializers.SerializerMethodField()
    language = serializers.CharField(
        read_only=True, help_text="en, zh-hans or ja; empty when not known yet."
    )
    nps_score = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "source",
            "channel",
            "customer",
            "survey",
            "response",
            "language",
            "text",
            "rating",
            "nps_score",
            "occurred_at",
            "external_id",
            "metadata",
            "tags",
            "created_at",
        ]
        read_only_fields = fields

    def get_channel(self, item: FeedbackItem) -> str:
        return item.response.channel if item.response_id and item.response else item.source

    def get_survey(self, item: FeedbackItem) -> int | None:
        return item.response.survey_id if item.response_id and item.response else None

    def get_tags(self, item: FeedbackItem) -> list[str]:
        return [link.tag.name for link in item.item_tags.all()]


class FeedbackItemCreateSerializer(serializers.Serializer):
    source = CodeField(choices=CREATABLE_SOURCES)  # type: ignore[assignment]
    text = serializers.CharField(max_length=20000)
    occurred_at = serializers.DateTimeField()
    language = CodeField(choices=LANGUAGE_CODES, required=False, default="")
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    customer = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    external_id = serializers.CharField(max_length=200, required=False, default="")
    metadata = serializers.DictField(required=False, default=dict)

    def validate_metadata(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_METADATA_KEYS:
            raise serializers.ValidationError(f"At most {MAX_METADATA_KEYS} metadata keys.")
        return value


class FeedbackItemUpdateSerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=100,
        help_text="The item's tags by name; replaces the current ones. Tags must exist.",
    )


class FeedbackListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Search words.")
    source = CodeField(choices=FeedbackSource.choices, required=False)  # type: ignore[assignment]
    channel = CodeField(choices=CHANNEL_CHOICES, required=False)
    language = CodeField(choices=LANGUAGE_CODES, required=False)
    rating = CodeField(
        choices=RATING_CHOICES, required=False, help_text="Stars (1-5) or an NPS group."
    )
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    segment = serializers.CharField(required=False, max_length=60)
    tag = serializers.IntegerField(required=False, min_value=1, help_text="A tag id.")
    sentiment = CodeField(choices=Sentiment.choices, required=False)
    topic = serializers.IntegerField(required=False, min_value=1, help_text="A topic id.")
    aspect = CodeField(
        choices=[(v, str(v)) for v, _label in ASPECT_FILTER_CHOICES if v],
        required=False,
        help_text="An aspect, or aspect:negative.",
    )
    signal = CodeField(choices=SignalKind.choices, required=False)
    has_case = CodeField(
        choices=HAS_CASE_CHOICES,
        required=False,
        help_text="yes: a case follows the item up; open: an unresolved one; no: none.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": "The end date is before the start date."})
        return attrs


class SavedViewSerializer(serializers.ModelSerializer[SavedView]):
    shared = serializers.SerializerMethodField(
        help_text="True for a view shared with the whole organization, false for the "
        "token owner's own."
    )

    class Meta:
        model = SavedView
        fields = ["id", "name", "query", "shared"]

    def get_shared(self, view: SavedView) -> bool:
        return view.owner_id is None


class SavedViewCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=80)
    query = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The inbox filter as a query string, e.g. `source=review&q=物流`.",
    )
    shared = serializers.BooleanField(
        required=False, default=False, help_text="Share with the organization (curators only)."
    )
