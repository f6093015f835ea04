"""API shapes of text analysis: an item's analysis, topics, corrections."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clearloop.surveys.serializers import CodeField
from clearloop.textanalysis.models import Correction, CorrectionKind, Topic, TopicOrigin
from clearloop.textanalysis.selectors import ItemText


class TopicSerializer(serializers.ModelSerializer[Topic]):
    origin = CodeField(choices=TopicOrigin.choices, read_only=True)
    texts = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Topic
        fields = [
            "id",
            "name",
            "origin",
            "key_phrases",
            "keywords",
            "curated",
            "texts",
            "created_at",
        ]
        read_only_fields = fields


class TopicUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=50, required=False
    )
    merge_into = serializers.IntegerField(min_value=1, required=False)


class CorrectionSerializer(serializers.ModelSerializer[Correction]):
    kind = CodeField(choices=CorrectionKind.choices, read_only=True)

    class Meta:
        model = Correction
        fields = [
            "id",
            "item",
            "kind",
            "subject",
            "language",
            "predicted",
            "corrected",
            "updated_at",
        ]
        read_only_fields = fields


class CorrectionCreateSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    kind = CodeField(choices=CorrectionKind.choices)
    subject = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    value = serializers.CharField(max_length=12)


def analysis_body(item_id: int, found: ItemText) -> dict[str, Any]:
    analysis = found.analysis
    return {
        "item": item_id,
        "analysed": analysis is not None,
        "language": analysis.language if analysis else None,
        "sentiment": analysis.sentiment if analysis else None,
        "score": analysis.score if analysis else None,
        "model_sentiment": analysis.model_sentiment if analysis else None,
        "provider": analysis.provider if analysis else None,
        "provider_version": analysis.provider_version if analysis else None,
        "analyzed_at": analysis.analyzed_at.isoformat() if analysis else None,
        "sentences": [
            {"start": s.start, "end": s.end, "sentiment": s.sentiment, "score": s.score}
            for s in found.sentences
        ],
        "aspects": [
            {
                "aspect": m.aspect,
                "sentiment": m.sentiment,
                "score": m.score,
                "start": m.start,
                "end": m.end,
                "corrected": m.corrected,
            }
            for m in found.aspects
        ],
        "signals": [{"kind": s.kind, "evidence": s.evidence} for s in found.signals],
        "topics": [
            {"id": a.topic_id, "name": a.topic.name, "weight": a.weight} for a in found.topics
        ],
    }
