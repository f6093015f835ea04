"""Serializers of the surveys API. The definition serializers describe the document for
the OpenAPI schema; the document itself is checked by `definition.validate_definition`,
which reports every problem at once with paths such as ``questions[2].texts``."""

from __future__ import annotations

from rest_framework import serializers

from clearloop.accounts.models import Language
from clearloop.surveys.models import Distribution, QuestionKind, ResponseChannel, Survey


class QuestionDefinitionSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=60)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    page = serializers.IntegerField(min_value=1, default=1)
    required = serializers.BooleanField(default=False)  # type: ignore[assignment]
    texts = serializers.DictField(child=serializers.CharField(), help_text="Text by language.")
    options = serializers.JSONField(
        required=False,
        help_text=(
            'By kind: rating {"min": 1, "max": 5}; single/multiple choice {"choices": '
            '[{"key", "texts"}]}; matrix {"rows": [{"key", "texts"}], "min", "max"}; csat '
            '{"style": "stars"|"faces"}.'
        ),
    )
    show_if = serializers.JSONField(
        required=False,
        help_text=(
            'Branching on an earlier page: {"question": key, "min": n, "max": m} or '
            '{"question": key, "in": [choice keys]}.'
        ),
    )


class SurveyDefinitionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    default_language = serializers.ChoiceField(choices=Language.choices)
    # Codes only (no labels): a distinct choice set, so the schema names it LanguagesEnum
    # without clashing with DefaultLanguageEnum.
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=[(code, code) for code in Language.values])
    )
    thank_you = serializers.DictField(child=serializers.CharField(), required=False)
    thank_you_url = serializers.URLField(required=False, allow_blank=True)
    questions = QuestionDefinitionSerializer(many=True)


class SurveySerializer(serializers.ModelSerializer):
    response_count = serializers.IntegerField(read_only=True)
    completed_count = serializers.IntegerField(read_only=True)
    published_version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The newest published version number."
    )
    has_draft = serializers.BooleanField(
        read_only=True, help_text="Whether an unpublished version is waiting to be published."
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "name",
            "status",
            "default_language",
            "languages",
            "published_version",
            "has_draft",
            "response_count",
            "completed_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SurveyDetailSerializer(SurveySerializer):
    definition = SurveyDefinitionSerializer(
        read_only=True,
        allow_null=True,
        help_text="The current version: the newest published one, else the draft.",
    )
    draft = SurveyDefinitionSerializer(
        read_only=True, allow_null=True, help_text="The unpublished version, if any."
    )

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "definition", "draft"]
        read_only_fields = fields


class SurveyVersionSerializer(serializers.Serializer):
    survey = serializers.IntegerField(source="survey_id", read_only=True)
    number = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SurveyDuplicateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class SurveyImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A survey definition as UTF-8 JSON, at most 1 MB.")


class DistributionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ResponseChannel.choices)

    class Meta:
        model = Distribution
        fields = ["id", "survey", "kind", "name", "public_token", "active", "created_at"]
        read_only_fields = ["id", "survey", "public_token", "active", "created_at"]


class DistributionActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()
