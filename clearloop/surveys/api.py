"""REST endpoints for surveys (definitions, lifecycle, import/export), their
distributions, email invitations, responses, and the "after an interaction" trigger.
Reading surveys needs `VIEW_DASHBOARDS`, reading invitations and responses (which name
customers) `VIEW_FEEDBACK`, writing `MANAGE_SURVEYS`; another organization's survey,
distribution, invitation or response is a 404 on every route."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ValidationFailed
from clearloop.customers.services import CustomerEntry
from clearloop.surveys import inviting, selectors, services, triggers
from clearloop.surveys.definition import definition_from_version
from clearloop.surveys.models import Distribution, Survey, SurveyInvitation
from clearloop.surveys.models import Response as SurveyResponse
from clearloop.surveys.results import ResponseFilters
from clearloop.surveys.serializers import (
    DistributionSerializer,
    DistributionUpdateSerializer,
    InteractionClosedResultSerializer,
    InteractionClosedSerializer,
    InvitationBatchSerializer,
    InvitationCreateSerializer,
    InvitationListQuerySerializer,
    InvitationSerializer,
    ResponseDataSerializer,
    ResponseListQuerySerializer,
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
# Invitations and responses name customers: reading them is reading feedback.
FEEDBACK_OR_MANAGE = {
    **READ_OR_MANAGE,
    "GET": Capability.VIEW_FEEDBACK,
    "HEAD": Capability.VIEW_FEEDBACK,
    "OPTIONS": Capability.VIEW_FEEDBACK,
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


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    """The validated fields that `services.distribution_update` changes."""
    return {key: value for key, value in data.items() if key in services.DISTRIBUTION_SETTINGS}


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
        data = serializer.validated_data
        by = acting_membership(request)
        with transaction.atomic():
            distribution = services.distribution_create(
                survey=survey, kind=data["kind"], name=data.get("name", ""), by=by
            )
            distribution = services.distribution_update(
                distribution=distribution, by=by, **_settings(data)
            )
        return Response(DistributionSerializer(distribution).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Switch a distribution on or off, or change its name and settings",
        request=DistributionUpdateSerializer,
        responses=DistributionSerializer,
    )
    def partial_update(self, request: Request, survey_pk: str, pk: str) -> Response:
        distribution = self.get_object()
        serializer = DistributionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        by = acting_membership(request)
        with transaction.atomic():
            if "active" in data:
                distribution = services.distribution_set_active(
                    distribution=distribution, active=data["active"], by=by
                )
            distribution = services.distribution_update(
                distribution=distribution, by=by, **_settings(data)
            )
        return Response(DistributionSerializer(distribution).data)


# --- Invitations -------------------------------------------------------------------------


def _batch_data(batch: inviting.InvitationBatch) -> dict[str, Any]:
    skipped = [
        {"customer": pk, "email": batch.emails.get(pk, ""), "reason": str(reason)}
        for reason, ids in batch.skipped.items()
        for pk in ids
    ]
    return {"created": batch.invitations, "skipped": skipped}


@extend_schema_view(
    list=extend_schema(
        summary="The invitations of an email distribution (filter by status, email, customer)",
        parameters=[InvitationListQuerySerializer],
    ),
    retrieve=extend_schema(summary="One invitation"),
)
class InvitationViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Personal email invitations of one email distribution. The link's token is never
    shown: it exists only in the email."""

    model = SurveyInvitation
    serializer_class = InvitationSerializer
    required_capability = FEEDBACK_OR_MANAGE
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []

    def _distribution(self) -> Distribution:
        survey = selectors.survey_detail(
            request_organization(self.request), self.kwargs["survey_pk"]
        )
        return selectors.email_distribution_detail(survey=survey, pk=self.kwargs["distribution_pk"])

    def organization_queryset(self, organization: Organization) -> QuerySet[SurveyInvitation]:
        query = InvitationListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.invitations_of(
            distribution=self._distribution(),
            status=query.validated_data.get("status", ""),
            email=query.validated_data.get("email", ""),
            customer_id=query.validated_data.get("customer"),
        )

    def get_object(self) -> SurveyInvitation:
        return selectors.invitation_detail(distribution=self._distribution(), pk=self.kwargs["pk"])

    @extend_schema(
        summary="Invite customers by id or people by address (at most 1000 per call)",
        request=InvitationCreateSerializer,
        responses={201: InvitationBatchSerializer},
    )
    def create(self, request: Request, survey_pk: str, distribution_pk: str) -> Response:
        distribution = self._distribution()
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contacts = [
            inviting.Contact(
                customer=CustomerEntry(
                    external_id=contact.get("external_id", ""),
                    email=contact["email"],
                    name=contact.get("name", ""),
                    language=contact.get("language", ""),
                ),
                hidden_fields=contact.get("hidden_fields", {}),
            )
            for contact in data.get("contacts", [])
        ]
        batch = inviting.invitations_create_for_contacts(
            distribution=distribution,
            contacts=contacts,
            customer_ids=data.get("customers", []),
            hidden_fields=data.get("hidden_fields"),
            by=acting_membership(request),
        )
        body = InvitationBatchSerializer(_batch_data(batch)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resend: retry a failed invitation, or send a reminder of a sent one now",
        description=(
            "The link's token is never stored, so a sent invitation cannot be emailed again "
            "as it was: a resend issues a fresh link (the previous one stops working) as a "
            "reminder, which counts against the distribution's reminder budget (409 once it "
            "is spent). A failed invitation is sent again. Answered, expired and opted-out "
            "invitations are 409."
        ),
        request=None,
        responses={202: InvitationSerializer},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, survey_pk: str, distribution_pk: str, pk: str) -> Response:
        invitation = inviting.invitation_resend(
            invitation=self.get_object(), by=acting_membership(request)
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_202_ACCEPTED)


# --- Responses ---------------------------------------------------------------------------


def _response_query(params: Any) -> selectors.ResponseQuery:
    query = ResponseListQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return selectors.ResponseQuery(
        filters=ResponseFilters(
            language=data.get("language", ""),
            channel=data.get("channel", ""),
            nps_group=data.get("score_group", ""),
        ),
        completed=data.get("completed"),
        since=data.get("since"),
        until=data.get("until"),
        distribution_id=data.get("distribution"),
        customer_id=data.get("customer"),
    )


@extend_schema_view(
    list=extend_schema(
        summary="A survey's responses with their answers, newest first",
        parameters=[ResponseListQuerySerializer],
    ),
    retrieve=extend_schema(summary="One response with its answers and hidden fields"),
)
class ResponseViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    model = SurveyResponse
    serializer_class = ResponseDataSerializer
    required_capability = FEEDBACK_OR_MANAGE
    filter_backends: list[Any] = []

    def _survey(self) -> Survey:
        return selectors.survey_detail(request_organization(self.request), self.kwargs["survey_pk"])

    def organization_queryset(self, organization: Organization) -> QuerySet[SurveyResponse]:
        query = _response_query(self.request.query_params)
        return selectors.responses_for_api(survey=self._survey(), query=query)

    def get_object(self) -> SurveyResponse:
        return selectors.response_for_api(survey=self._survey(), pk=self.kwargs["pk"])


# --- After an interaction ----------------------------------------------------------------


def _outcome_data(outcome: triggers.TriggerOutcome) -> dict[str, Any]:
    invitation = outcome.invitation
    return {
        "interaction": outcome.interaction.pk,
        "created": outcome.created,
        "invitation": invitation.pk if invitation else None,
        "status": invitation.status if invitation else None,
        "send_after": invitation.send_after if invitation else None,
        "skipped": str(outcome.skipped) if outcome.skipped else None,
    }


class InteractionClosedView(APIView):
    """A help desk reports a closed interaction; its customer gets an email survey."""

    required_capability = Capability.MANAGE_SURVEYS
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Report a closed interaction: survey its customer by email after a delay",
        description=(
            "Finds or records the customer (by external id, else email) and the interaction "
            "(idempotent on external_id: a retry returns the same interaction and invitation "
            "and creates nothing), then schedules an invitation through the email "
            "distribution for ended_at (or now) plus delay_minutes (else the distribution's "
            "send delay). A customer the rules skip (opted out, recently surveyed) is "
            "reported in `skipped`, not as an error."
        ),
        request=InteractionClosedSerializer,
        responses={202: InteractionClosedResultSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = InteractionClosedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        distribution = selectors.distribution_by_id(
            organization=request_organization(request), pk=data["distribution"]
        )
        outcome = triggers.interaction_closed_survey(
            distribution=distribution,
            customer_data=CustomerEntry(**data["customer"]),
            channel=data["channel"],
            agent_email=data["agent"],
            external_id=data["external_id"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            hidden_fields=data.get("hidden_fields"),
            delay_minutes=data["delay_minutes"],
            by=acting_membership(request),
        )
        body = InteractionClosedResultSerializer(_outcome_data(outcome)).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
