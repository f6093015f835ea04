"""REST endpoints for raw-response exports built in the background:

    POST /api/v1/surveys/<survey_pk>/exports/              {format, filters} → 202, the job
    GET  /api/v1/surveys/<survey_pk>/exports/              the survey's exports, paginated
    GET  /api/v1/surveys/<survey_pk>/exports/<id>/         one job: status, progress, link
    GET  /api/v1/surveys/<survey_pk>/exports/<id>/download the file (409 until it is done)

Every route needs `EXPORT_DATA`; another organization's survey or export is a 404.
`filters` uses the field names of the results page's filters (`date_from`, `date_to`,
`language`, `channel`, `nps_group`, `hidden` as `key=value`), validated by the same form.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import Conflict, ValidationFailed
from clearloop.surveys import export_jobs, selectors
from clearloop.surveys.export_views import export_file_response
from clearloop.surveys.forms import ResponseFilterForm
from clearloop.surveys.models import ExportFormat, ExportStatus, ResponseExport, Survey
from clearloop.surveys.results import ResponseFilters


# Described as a string, not an enum: another "status" enum (the surveys') would make
# drf-spectacular warn about the name until settings give each set a name of its own.
@extend_schema_field(
    {"type": "string", "description": "queued, running, done or failed.", "example": "done"}
)
class ExportStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ExportStatus.choices, read_only=True, **kwargs)


class ResponseExportSerializer(serializers.ModelSerializer[ResponseExport]):
    status = ExportStatusField()
    progress = serializers.IntegerField(read_only=True, help_text="Percent done, 0 to 100.")
    size = serializers.IntegerField(read_only=True, help_text="Bytes of the file (0 until done).")
    requested_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ResponseExport
        fields = [
            "id",
            "survey",
            "format",
            "filters",
            "status",
            "progress",
            "rows_total",
            "rows_done",
            "size",
            "filename",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_requested_by(self, export: ResponseExport) -> str | None:
        return export.requested_by.email if export.requested_by else None

    def get_download_url(self, export: ResponseExport) -> str | None:
        """Where to fetch the file, once the export is done."""
        if export.status != ExportStatus.DONE:
            return None
        path = reverse("api:survey-export-download", args=[export.survey_id, export.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ResponseExportRequestSerializer(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="Filters of the results page: date_from, date_to (YYYY-MM-DD), language, "
        "channel, nps_group (promoter, passive, detractor), hidden (key=value).",
    )


def parsed_filters(data: dict[str, str]) -> ResponseFilters:
    """The request's filters, checked by the results page's filter form; 400 if wrong."""
    form = ResponseFilterForm(data)
    unknown = sorted(set(data) - set(form.fields))
    if unknown:
        known = ", ".join(form.fields)
        raise ValidationFailed(
            _("Unknown filter %(names)s; the filters are %(known)s.")
            % {"names": ", ".join(unknown), "known": known},
            fields={f"filters.{name}": [_("Unknown filter.")] for name in unknown},
        )
    if not form.is_valid():
        raise ValidationFailed(
            _("The filters are not valid; see `errors` for each one."),
            fields={f"filters.{name}": errors for name, errors in form.errors.items()},
        )
    return form.filters()


class _SurveyExportsMixin(OrganizationScopedAPIMixin):
    model = ResponseExport
    required_capability = Capability.EXPORT_DATA
    kwargs: dict[str, Any]

    def _survey(self) -> Survey:
        return selectors.survey_detail(request_organization(self.request), self.kwargs["survey_pk"])

    def organization_queryset(self, organization: Organization) -> QuerySet[ResponseExport]:
        return export_jobs.response_exports_of(survey=self._survey())

    def get_object(self) -> ResponseExport:
        return export_jobs.response_export_detail(survey=self._survey(), pk=self.kwargs["pk"])


@extend_schema(tags=["exports"])
class ResponseExportListView(_SurveyExportsMixin, mixins.ListModelMixin, generics.GenericAPIView):
    """A survey's raw-response exports; POST queues a new one (needs `EXPORT_DATA`)."""

    serializer_class = ResponseExportSerializer
    parser_classes = [JSONParser]

    @extend_schema(summary="List the survey's response exports, newest first")
    def get(self, request: Request, survey_pk: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Request an export of the raw responses (CSV or XLSX), built in the background",
        request=ResponseExportRequestSerializer,
        responses={202: ResponseExportSerializer},
    )
    def post(self, request: Request, survey_pk: str) -> Response:
        serializer = ResponseExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        export = export_jobs.response_export_request(
            survey=self._survey(),
            format=serializer.validated_data["format"],
            filters=parsed_filters(serializer.validated_data["filters"]),
            by=acting_membership(request),
        )
        export = export_jobs.response_export_detail(survey=export.survey, pk=export.pk)
        body = ResponseExportSerializer(export, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["exports"])
class ResponseExportDetailView(_SurveyExportsMixin, generics.RetrieveAPIView):
    """Poll this until `status` is done (then follow `download_url`) or failed (`error`)."""

    serializer_class = ResponseExportSerializer

    @extend_schema(summary="An export's status and progress, with its download URL when done")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)


class _AnyAccept(BaseContentNegotiation):
    """The file goes out with its own type whatever the client accepts; errors as JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


@extend_schema(tags=["exports"])
class ResponseExportDownloadView(_SurveyExportsMixin, generics.GenericAPIView):
    """The file as an attachment, with its own content type."""

    serializer_class = ResponseExportSerializer
    content_negotiation_class = _AnyAccept

    @extend_schema(
        summary="Download the export's file (409 until it is done)",
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, export_jobs.CONTENT_TYPES[ExportFormat.XLSX]): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="The export is not done yet (or failed)."),
        },
    )
    def get(self, request: Request, survey_pk: str, pk: str) -> Any:
        export = self.get_object()
        if export.status != ExportStatus.DONE:
            raise Conflict(_not_ready_message(export))
        return export_file_response(export, export_jobs.response_export_file(export=export))


def _not_ready_message(export: ResponseExport) -> str:
    if export.status == ExportStatus.FAILED:
        return _("This export failed: %(error)s Request a new one.") % {"error": export.error}
    return _("This export is %(status)s (%(progress)d%% done); download it once it is done.") % {
        "status": export.get_status_display(),
        "progress": export.progress,
    }
