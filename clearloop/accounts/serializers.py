from __future__ import annotations

from rest_framework import serializers

from clearloop.accounts.models import ApiToken, Membership, Organization, Team
from clearloop.accounts.roles import Role


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "default_language", "time_zone", "created_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.pk", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        source="member_ids",
        help_text="User ids; each must be a member of the organization.",
    )

    class Meta:
        model = Team
        fields = ["id", "name", "description", "members", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ApiTokenSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "role", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class WhoAmISerializer(serializers.Serializer):
    organization = OrganizationSerializer()
    token = ApiTokenSerializer()
