"""REST endpoints for surveys (definitions, lifecycle, import/export) and their
distributions. Reading needs `VIEW_DASHBOARDS`, writing `MANAGE_SURVEYS`; another
organization's survey is a 404 on every route."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ValidationFailed
from clearloop.surveys import selectors, services
from clearloop.surveys.definition import definition_from_version
from clearloop.surveys.models import Distribution, Survey
from clearloop.surveys.serializers import (
    DistributionActiveSerializer,
    DistributionSerializer,
    SurveyDefinitionSerializer,
    SurveyDetailSerializer,
    SurveyDuplicateSerializer,
    SurveyImportUploadSerializer,
    SurveySerializer,
)

READ_OR_MANAGE = {
    "GET": Capability.VIEW_DASHBOARDS,
    "HEAD": Capability.VIEW_DASHBOARDS,
    "OPTIONS": Capability.VIEW_DASHBOARDS,
    "POST": Capability.MANAGE_SURVEYS,
    "PUT": Capability.MANAGE_SURVEYS,
    "PATCH": Capability.MANAGE_SURVEYS,
    "DELETE": Capability.MANAGE_SURVEYS,
}


def survey_detail_data(survey: Survey) -> dict[str, Any]:
    """The detail body: counts, the current version's definition and the draft's."""
    survey = selectors.survey_detail(survey.organization_id, survey.pk)
    current = selectors.survey_current_version(survey)
    draft = selectors.survey_draft(survey)
    survey.definition = definition_from_version(current) if current else None  # type: ignore[attr-defined]
    survey.draft = definition_from_version(draft) if draft else None  # type: ignore[attr-defined]
    return dict(SurveyDetailSerializer(survey).data)


def _document_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed(
            _("Send the survey definition as a JSON object."), fields={"document": "object"}
        )
    return data


@extend_schema_view(
    list=extend_schema(summary="List surveys (filter with ?status=draft|live|closed)"),
    retrieve=extend_schema(
        summary="A survey with its current definition and its draft",
        responses=SurveyDetailSerializer,
    ),
    destroy=extend_schema(summary="Delete a survey that has no responses (else 409)"),
)
class SurveyViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    model = Survey
    serializer_class = SurveySerializer
    required_capability = READ_OR_MANAGE
    filterset_fields = ["status"]
    parser_classes = [JSONParser]

    def organization_queryset(self, organization: Organization) -> QuerySet[Survey]:
        return selectors.surveys_overview(organization=organization)

    def get_object(self) -> Survey:
        return selectors.survey_detail(request_organization(self.request), self.kwargs["pk"])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(survey_detail_data(self.get_object()))

    @extend_schema(
        summary="Create a draft survey from a definition",
        request=SurveyDefinitionSerializer,
        responses={201: SurveyDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        by = acting_membership(request)
        survey = services.survey_create(
            organization=by.organization, definition=_document_object(request.data), by=by
        )
        return Response(survey_detail_data(survey), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace the draft's definition (a live survey gets a new draft version)",
        request=SurveyDefinitionSerializer,
        responses=SurveyDetailSerializer,
    )
    def update(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        survey = services.survey_update_draft(
            survey=survey, definition=_document_object(request.data), by=acting_membership(request)
        )
        return Response(survey_detail_data(survey))

    @extend_schema(
        summary="Change top-level fields of the newest definition and save it as the draft",
        request=SurveyDefinitionSerializer,
        responses=SurveyDetailSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        latest = selectors.survey_latest_version(survey)
        base = services.survey_export(survey=survey, version=latest) if latest else {}
        survey = services.survey_update_draft(
            survey=survey,
            definition={**base, **_document_object(request.data)},
            by=acting_membership(request),
        )
        return Response(survey_detail_data(survey))

    def destroy(self, request: Request, pk: str) -> Response:
        services.survey_delete(survey=self.get_object(), by=acting_membership(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Publish the draft", request=None, responses=SurveyDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        services.survey_publish(survey=survey, by=acting_membership(request))
        return Response(survey_detail_data(survey))

    @extend_schema(summary="Close a live survey", request=None, responses=SurveyDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        services.survey_close(survey=survey, by=acting_membership(request))
        return Response(survey_detail_data(survey))

    @extend_schema(summary="Reopen a closed survey", request=None, responses=SurveyDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        services.survey_reopen(survey=survey, by=acting_membership(request))
        return Response(survey_detail_data(survey))

    @extend_schema(
        summary="Copy the newest definition into a new draft survey",
        request=SurveyDuplicateSerializer,
        responses={201: SurveyDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        serializer = SurveyDuplicateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = services.survey_duplicate(
            survey=survey, name=serializer.validated_data["name"], by=acting_membership(request)
        )
        return Response(survey_detail_data(copy), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download the definition as JSON (the current version unless ?version=)",
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, required=False)],
        responses=SurveyDefinitionSerializer,
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        survey = self.get_object()
        number = request.query_params.get("version")
        version = None
        if number is not None:
            if not number.isdigit():
                raise ValidationFailed(
                    _("version is a version number, e.g. 2."), fields={"version": "invalid"}
                )
            version = selectors.survey_version(survey, int(number))
        document = services.survey_export(survey=survey, version=version)
        filename = (
            f"survey-{survey.pk}.json" if number is None else f"survey-{survey.pk}-v{number}.json"
        )
        return Response(
            document, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    @extend_schema(
        summary="Create a draft survey from a JSON definition (body or file upload, ≤ 1 MB)",
        request={
            "application/json": SurveyDefinitionSerializer,
            "multipart/form-data": SurveyImportUploadSerializer,
        },
        responses={201: SurveyDetailSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[JSONParser, MultiPartParser],
    )
    def import_definition(self, request: Request) -> Response:
        by = acting_membership(request)
        survey = services.survey_import(
            organization=by.organization, document=_uploaded_document(request), by=by
        )
        return Response(survey_detail_data(survey), status=status.HTTP_201_CREATED)


def _uploaded_document(request: Request) -> bytes:
    """The raw JSON of an import: a multipart `file`, else the request body. Read raw so
    the service can report size and the line and column of a JSON error."""
    too_large = ValidationFailed(
        _("The document is larger than %(max)d KB, the most a survey definition may be.")
        % {"max": services.MAX_IMPORT_BYTES // 1024},
        fields={"document": "too_large"},
    )
    if (request.content_type or "").startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("Attach the survey definition as the form field 'file'."),
                fields={"file": "required"},
            )
        if upload.size and upload.size > services.MAX_IMPORT_BYTES:
            raise too_large
        return upload.read()
    try:
        return request.body
    except RequestDataTooBig as error:
        raise too_large from error


class DistributionViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The distributions of one survey: list, create, and switch on or off."""

    model = Distribution
    serializer_class = DistributionSerializer
    required_capability = READ_OR_MANAGE
    parser_classes = [JSONParser]

    def _survey(self) -> Survey:
        return selectors.survey_detail(request_organization(self.request), self.kwargs["survey_pk"])

    def organization_queryset(self, organization: Organization) -> QuerySet[Distribution]:
        return selectors.distributions_of(survey=self._survey())

    def get_object(self) -> Distribution:
        return selectors.distribution_detail(survey=self._survey(), pk=self.kwargs["pk"])

    @extend_schema(
        summary="Create a distribution with its own public token",
        request=DistributionSerializer,
        responses={201: DistributionSerializer},
    )
    def create(self, request: Request, survey_pk: str) -> Response:
        survey = self._survey()
        serializer = DistributionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        distribution = services.distribution_create(
            survey=survey,
            kind=serializer.validated_data["kind"],
            name=serializer.validated_data.get("name", ""),
            by=acting_membership(request),
        )
        return Response(DistributionSerializer(distribution).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Switch a distribution on or off",
        request=DistributionActiveSerializer,
        responses=DistributionSerializer,
    )
    def partial_update(self, request: Request, survey_pk: str, pk: str) -> Response:
        distribution = self.get_object()
        serializer = DistributionActiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        distribution = services.distribution_set_active(
            distribution=distribution,
            active=serializer.validated_data["active"],
            by=acting_membership(request),
        )
        return Response(DistributionSerializer(distribution).data)
