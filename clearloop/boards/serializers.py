"""API shapes of dashboards and tiles."""

from __future__ import annotations

from rest_framework import serializers

from clearloop.boards.models import WINDOWS, Dashboard, DashboardTile, TileKind, Visibility


class TileSerializer(serializers.ModelSerializer[DashboardTile]):
    class Meta:
        model = DashboardTile
        fields = ["id", "kind", "metric", "period", "dimension", "title", "position"]
        read_only_fields = ["id", "position"]


class TileWriteSerializer(serializers.Serializer[DashboardTile]):
    kind = serializers.ChoiceField(choices=TileKind.choices)
    metric = serializers.CharField(required=False, default="nps", max_length=20)
    period = serializers.CharField(required=False, default="week", max_length=10)
    dimension = serializers.CharField(required=False, default="channel", max_length=20)
    title = serializers.CharField(required=False, default="", allow_blank=True, max_length=120)


class DashboardSerializer(serializers.ModelSerializer[Dashboard]):
    tiles = TileSerializer(many=True, read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)

    class Meta:
        model = Dashboard
        fields = [
            "id",
            "name",
            "description",
            "visibility",
            "team",
            "window_days",
            "filters",
            "created_by",
            "created_at",
            "updated_at",
            "tiles",
        ]
        read_only_fields = fields


class DashboardWriteSerializer(serializers.Serializer[Dashboard]):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=300
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    team = serializers.IntegerField(required=False, allow_null=True, default=None)
    window_days = serializers.ChoiceField(choices=[(days, days) for days in WINDOWS], default=90)
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=120), required=False, default=dict
    )
    tiles = TileWriteSerializer(many=True, required=False)
