"""Serializers of the bulk upsert API. They describe the bodies for the OpenAPI schema;
the records themselves are checked by the bulk writers, which report every problem with
its record index, field and reason."""

from __future__ import annotations

from rest_framework import serializers


class BulkRequestSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.DictField(),
        max_length=5000,
        help_text="Up to 5,000 records; the fields depend on the endpoint.",
    )


class BulkErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the record in `records`, from 0.")
    field = serializers.CharField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Bad records left out (only with on_error=skip).")

    def get_fields(self) -> dict[str, serializers.Field]:
        # Added here: a class attribute named `errors` would hide `Serializer.errors`.
        fields = super().get_fields()
        fields["errors"] = BulkErrorSerializer(many=True, help_text="The bad records.")
        return fields
