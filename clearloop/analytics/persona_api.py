"""REST endpoints of the personas, under /api/v1/analytics/personas/: every persona with
its description, traits, size, NPS with its 95% interval and churn-band mix; and one
persona's customers, page by page. Read-only, for roles that may view customers; only the
caller's organization's customers are ever clustered or listed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts.permissions import request_organization
from clearloop.accounts.roles import Capability
from clearloop.analytics.persona_selectors import Persona, persona_get, personas_build
from clearloop.analytics.serializers import EstimateSerializer
from clearloop.core.errors import NotFound
from clearloop.customers.features import with_customers_by_id
from clearloop.customers.serializers import CustomerSerializer


class TraitSerializer(serializers.Serializer[object]):
    feature = serializers.CharField()
    direction = serializers.ChoiceField(choices=["high", "low"])
    z = serializers.FloatField(help_text="The centroid, in standard deviations from the mean.")


class PersonaSerializer(serializers.Serializer[object]):
    number = serializers.IntegerField(help_text="1 is the largest persona.")
    size = serializers.IntegerField()
    share = serializers.FloatField(help_text="Percent of the organization's customers.")
    description = serializers.CharField()
    traits = TraitSerializer(many=True)
    nps = EstimateSerializer(help_text="NPS of the members' latest answers.")
    groups = serializers.DictField(child=serializers.IntegerField())
    bands = serializers.DictField(child=serializers.IntegerField(), help_text="Churn bands.")
    means = serializers.DictField(child=serializers.FloatField(allow_null=True))


class PersonasSerializer(serializers.Serializer[object]):
    customers = serializers.IntegerField()
    k = serializers.IntegerField()
    silhouette = serializers.FloatField(allow_null=True)
    personas = PersonaSerializer(many=True)


class PersonaCustomersQuerySerializer(serializers.Serializer[object]):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, default=0)


class PersonaCustomersSerializer(serializers.Serializer[object]):
    count = serializers.IntegerField()
    results = CustomerSerializer(many=True)
    next = serializers.CharField(allow_null=True)


def _persona_body(persona: Persona) -> dict[str, Any]:
    return {
        "number": persona.number,
        "size": persona.size,
        "share": persona.share,
        "description": persona.description,
        "traits": [
            {"feature": t.feature, "direction": t.direction, "z": t.z} for t in persona.traits
        ],
        "nps": EstimateSerializer(persona.nps).data,
        "groups": persona.groups,
        "bands": persona.bands,
        "means": persona.means,
    }


class PersonasView(APIView):
    required_capability = Capability.VIEW_CUSTOMERS

    @extend_schema(
        summary="Customer personas: clusters by behaviour and feedback, described in words",
        responses=PersonasSerializer,
    )
    def get(self, request: Request) -> Response:
        analysis = personas_build(organization=request_organization(request))
        return Response(
            {
                "customers": analysis.customers,
                "k": analysis.k,
                "silhouette": analysis.silhouette,
                "personas": [_persona_body(p) for p in analysis.personas],
            }
        )


class PersonaCustomersView(APIView):
    required_capability = Capability.VIEW_CUSTOMERS

    @extend_schema(
        summary="One persona's customers (follow `next`)",
        parameters=[PersonaCustomersQuerySerializer],
        responses=PersonaCustomersSerializer,
    )
    def get(self, request: Request, number: int) -> Response:
        query = PersonaCustomersQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        offset, limit = query.validated_data["offset"], query.validated_data["limit"]
        organization = request_organization(request)
        persona = persona_get(analysis=personas_build(organization=organization), number=number)
        if persona is None:
            raise NotFound(f"There is no persona {number}.")
        ids = persona.customer_ids[offset : offset + limit]
        following = None
        if offset + limit < persona.size:
            following = request.build_absolute_uri(f"?offset={offset + limit}&limit={limit}")
        customers = with_customers_by_id(organization=organization, ids=ids)
        return Response(
            {
                "count": persona.size,
                "results": CustomerSerializer(customers, many=True).data,
                "next": following,
            }
        )
