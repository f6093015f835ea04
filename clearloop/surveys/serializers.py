"""Serializers of the surveys API. The definition serializers describe the document for
the OpenAPI schema; the document itself is checked by `definition.validate_definition`,
which reports every problem at once with paths such as ``questions[2].texts``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clearloop.accounts.models import Language
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import InteractionChannel
from clearloop.surveys import inviting, services
from clearloop.surveys.models import (
    Answer,
    Distribution,
    InvitationStatus,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyInvitation,
)
from clearloop.surveys.responding import HIDDEN_FIELDS_MAX
from clearloop.surveys.results import NPS_GROUPS

INVITE_MAX = 1000


@extend_schema_field({"type": "string"})
class CodeField(serializers.ChoiceField):
    """A choice documented as a string with its values in the description. The schema's
    enum components are named by field name, and the same names (status, channel,
    language, kind) carry different choice sets across the API; plain strings keep the
    schema free of colliding enum names."""

    def __init__(self, *, choices: Any, **kwargs: Any) -> None:
        values = [choice[0] if isinstance(choice, tuple) else choice for choice in choices]
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} One of: {', '.join(map(str, values))}.".strip()
        super().__init__(choices=choices, **kwargs)


LANGUAGE_CODES = [(code, code) for code in Language.values]
SKIP_REASONS = [(reason.value, reason.value) for reason in inviting.SkipReason]


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


def _origins(value: list[str]) -> list[str]:
    try:
        return services.clean_allowed_origins(value)
    except ValidationFailed as error:
        raise serializers.ValidationError(error.message) from error


def _limited(field: str, help_text: str) -> serializers.IntegerField:
    lowest, highest = services.DISTRIBUTION_LIMITS[field]
    return serializers.IntegerField(
        min_value=lowest, max_value=highest, required=False, help_text=help_text
    )


class DistributionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ResponseChannel.choices)
    contact_frequency_days = _limited(
        "contact_frequency_days",
        "Email only: skip customers invited or surveyed within this many days.",
    )
    reminder_count = _limited(
        "reminder_count", "Email only: reminders sent to those who have not answered."
    )
    reminder_delay_hours = _limited(
        "reminder_delay_hours", "Email only: hours between the invitation and a reminder."
    )
    send_delay_minutes = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_SEND_DELAY_MINUTES,
        required=False,
        help_text="Email only: minutes an invitation after an interaction waits before it goes.",
    )
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=services.ALLOWED_ORIGINS_MAX,
        required=False,
        help_text=(
            "Widget only: origins allowed to embed the survey, each exactly "
            "scheme://host[:port] (https, or http for localhost), e.g. https://shop.example.com."
        ),
    )

    class Meta:
        model = Distribution
        fields = [
            "id",
            "survey",
            "kind",
            "name",
            "public_token",
            "active",
            "contact_frequency_days",
            "reminder_count",
            "reminder_delay_hours",
            "send_delay_minutes",
            "allowed_origins",
            "created_at",
        ]
        read_only_fields = ["id", "survey", "public_token", "active", "created_at"]

    def validate_allowed_origins(self, value: list[str]) -> list[str]:
        return _origins(value)


class DistributionUpdateSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_frequency_days = _limited(
        "contact_frequency_days",
        "Email only: skip customers invited or surveyed within this many days.",
    )
    reminder_count = _limited(
        "reminder_count", "Email only: reminders sent to those who have not answered."
    )
    reminder_delay_hours = _limited(
        "reminder_delay_hours", "Email only: hours between the invitation and a reminder."
    )
    send_delay_minutes = serializers.IntegerField(
        min_value=0, max_value=services.MAX_SEND_DELAY_MINUTES, required=False
    )
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=services.ALLOWED_ORIGINS_MAX,
        required=False,
    )

    def validate_allowed_origins(self, value: list[str]) -> list[str]:
        return _origins(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send at least one setting to change.")
        return attrs


class DistributionActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()


# --- Invitations -------------------------------------------------------------------------


def _hidden_fields() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True),
        required=False,
        help_text=f"Values stored with the response (at most {HIDDEN_FIELDS_MAX}).",
    )


class InvitationSerializer(serializers.ModelSerializer):
    language = CodeField(choices=LANGUAGE_CODES, read_only=True)
    status = CodeField(choices=InvitationStatus.choices, read_only=True)

    class Meta:
        model = SurveyInvitation
        fields = [
            "id",
            "distribution",
            "customer",
            "email",
            "language",
            "status",
            "send_after",
            "sent_at",
            "opened_at",
            "reminders_sent",
            "next_reminder_at",
            "expires_at",
            "response",
            "interaction",
            "hidden_fields",
            "error",
            "created_at",
        ]
        read_only_fields = fields


class InvitationListQuerySerializer(serializers.Serializer):
    status = CodeField(choices=InvitationStatus.choices, required=False)
    email = serializers.CharField(max_length=254, required=False)
    customer = serializers.IntegerField(min_value=1, required=False)


class ContactSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    language = CodeField(choices=LANGUAGE_CODES, required=False, allow_blank=True)
    external_id = serializers.CharField(
        max_length=120, required=False, default="", allow_blank=True
    )
    hidden_fields = _hidden_fields()


class InvitationCreateSerializer(serializers.Serializer):
    customers = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=INVITE_MAX,
        help_text="Ids of existing customers to invite.",
    )
    contacts = serializers.ListField(
        child=ContactSerializer(),
        required=False,
        max_length=INVITE_MAX,
        help_text="People to invite by address; customers are found by external id or "
        "email address, else recorded.",
    )
    hidden_fields = _hidden_fields()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        count = len(attrs.get("customers", [])) + len(attrs.get("contacts", []))
        if not count:
            raise serializers.ValidationError("Send customers (ids) or contacts to invite.")
        if count > INVITE_MAX:
            raise serializers.ValidationError(f"Invite at most {INVITE_MAX} people per call.")
        return attrs


class SkippedSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    email = serializers.CharField()
    reason = CodeField(choices=SKIP_REASONS)


class InvitationBatchSerializer(serializers.Serializer):
    created = InvitationSerializer(many=True)
    skipped = SkippedSerializer(many=True)


# --- After an interaction ----------------------------------------------------------------


class TriggerCustomerSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=120, required=False, default="", allow_blank=True
    )
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    language = CodeField(choices=LANGUAGE_CODES, required=False, default="", allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["external_id"] and not attrs["email"]:
            raise serializers.ValidationError("Give the customer's external_id or email.")
        return attrs


class InteractionClosedSerializer(serializers.Serializer):
    distribution = serializers.IntegerField(min_value=1, help_text="An email distribution.")
    customer = TriggerCustomerSerializer()
    channel = CodeField(choices=InteractionChannel.choices)
    agent = serializers.EmailField(
        required=False, default="", allow_blank=True, help_text="Email of a member."
    )
    external_id = serializers.CharField(
        max_length=120, help_text="The ticket or call id; a retry with the same id is safe."
    )
    started_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    delay_minutes = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_SEND_DELAY_MINUTES,
        required=False,
        allow_null=True,
        default=None,
        help_text="Overrides the distribution's send delay.",
    )
    hidden_fields = _hidden_fields()


class InteractionClosedResultSerializer(serializers.Serializer):
    interaction = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False when this interaction was reported before.")
    invitation = serializers.IntegerField(allow_null=True)
    status = CodeField(choices=InvitationStatus.choices, allow_null=True)
    send_after = serializers.DateTimeField(allow_null=True)
    skipped = CodeField(
        choices=SKIP_REASONS,
        allow_null=True,
        help_text="Why no invitation was made (opted out, recently surveyed, no email).",
    )


# --- Responses ---------------------------------------------------------------------------


class ResponseListQuerySerializer(serializers.Serializer):
    completed = serializers.BooleanField(required=False, allow_null=True, default=None)
    since = serializers.DateTimeField(
        required=False, help_text="Completed (else started) at or after this time."
    )
    until = serializers.DateTimeField(required=False, help_text="... and before this time.")
    language = CodeField(choices=LANGUAGE_CODES, required=False)
    channel = CodeField(choices=ResponseChannel.choices, required=False)
    distribution = serializers.IntegerField(min_value=1, required=False)
    customer = serializers.IntegerField(min_value=1, required=False)
    score_group = CodeField(
        choices=[(group, group) for group in NPS_GROUPS],
        required=False,
        help_text="NPS group of the answer to the NPS question.",
    )


def answer_values(answers: list[Answer]) -> list[dict[str, Any]]:
    """Answers by question in order; a matrix question's rows become one `value` object
    {row: number}, a contact permission a boolean."""
    entries: dict[int, dict[str, Any]] = {}
    for answer in answers:
        question = answer.question
        entry = entries.setdefault(
            question.pk, {"question": question.key, "kind": question.kind, "value": None}
        )
        if question.kind == QuestionKind.MATRIX:
            entry["value"] = {**(entry["value"] or {}), answer.row: answer.number}
        elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            entry["value"] = list(answer.choices)
        elif question.kind == QuestionKind.TEXT:
            entry["value"] = answer.text
        elif question.kind == QuestionKind.CONTACT_PERMISSION:
            entry["value"] = None if answer.number is None else bool(answer.number)
        else:
            entry["value"] = answer.number
    return list(entries.values())


class AnswerValueSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The question key.")
    kind = CodeField(choices=QuestionKind.choices)
    value = serializers.JSONField(
        help_text="A number (scores, ratings), a list of choice keys, a text, true/false "
        "(contact permission), or {row: number} for a matrix."
    )


class ResponseDataSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    channel = CodeField(choices=ResponseChannel.choices, read_only=True)
    language = CodeField(choices=LANGUAGE_CODES, read_only=True)
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "version",
            "distribution",
            "customer",
            "interaction",
            "channel",
            "language",
            "hidden_fields",
            "started_at",
            "completed_at",
            "answers",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerValueSerializer(many=True))
    def get_answers(self, response: Response) -> list[dict[str, Any]]:
        return answer_values(list(response.answers.all()))
