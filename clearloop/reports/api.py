"""REST endpoints of reports: any dashboard table as CSV, XLSX or JSON records, the
dashboard as a PDF, and the scheduled reports. Exports need a role that may export data;
another organization's survey, segment or schedule is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.analytics.api import FILTER_PARAMETERS
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.reports import downloads, exporting, pdf, selectors, services
from clearloop.reports.models import ScheduledReport
from clearloop.reports.serializers import ReportDeliverySerializer, ScheduledReportSerializer

QUERY_PARAMETERS = [
    OpenApiParameter("metric", OpenApiTypes.STR, description="As on the Analytics page."),
    OpenApiParameter("period", OpenApiTypes.STR, description="Trend by day, week, month, quarter."),
    OpenApiParameter("by", OpenApiTypes.STR, description="Breakdown dimension."),
    *FILTER_PARAMETERS,
]


class FileNegotiation(BaseContentNegotiation):
    """Files answer in their own type, whatever the client accepts (Accept: text/csv or
    application/pdf must not be a 406); JSON bodies and errors use the JSON renderer."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class ExportView(APIView):
    required_capability = Capability.EXPORT_DATA
    content_negotiation_class = FileNegotiation

    @extend_schema(
        summary="A dashboard table as CSV, XLSX (attachments) or JSON records",
        parameters=[
            OpenApiParameter(
                "table", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(selectors.TABLES)
            ),
            OpenApiParameter(
                "file_format", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["csv", "xlsx", "json"]
            ),
            *QUERY_PARAMETERS,
        ],
        responses={200: OpenApiTypes.BINARY},
    )
    def get(self, request: Request, table: str, file_format: str) -> HttpResponse:
        if file_format not in (*exporting.FORMATS, "json"):
            raise NotFound(f"No format {file_format!r}; use csv, xlsx or json.")
        organization = request_organization(request)
        query = selectors.report_query(organization=organization, params=request.query_params)
        built = selectors.report_table(
            organization=organization,
            query=query,
            table=table,
            language=translation.get_language() or "",
        )
        if file_format == "json":
            body = {
                "table": built.key,
                "title": built.title,
                "query": query.params(),
                "columns": [{"key": key, "label": label} for key, label in built.columns],
                "rows": built.records(),
            }
            return Response(body)
        return downloads.attachment(
            exporting.table_file(built, file_format),
            filename=downloads.file_name(table, query, file_format),
            file_format=file_format,
        )


class ReportView(APIView):
    required_capability = Capability.EXPORT_DATA
    content_negotiation_class = FileNegotiation

    @extend_schema(
        summary="The dashboard as a PDF report (attachment), in the language asked for",
        parameters=[
            OpenApiParameter(
                "language", OpenApiTypes.STR,
                description="en, zh-hans or ja. Default: the Accept-Language header, else "
                "the organization's default language.",
            ),
            *QUERY_PARAMETERS,
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )  # fmt: skip
    def get(self, request: Request) -> HttpResponse:
        organization = request_organization(request)
        language = report_language(request, organization.default_language)
        query = selectors.report_query(organization=organization, params=request.query_params)
        content = pdf.dashboard_pdf(organization=organization, query=query, language=language)
        return downloads.attachment(
            content, filename=downloads.file_name("report", query, "pdf"), file_format="pdf"
        )


def report_language(request: Request, default: str) -> str:
    from django.conf import settings

    languages = [code for code, _name in settings.LANGUAGES]
    asked = request.query_params.get("language") or ""
    if asked and asked not in languages:
        raise ValidationFailed(
            f"Unknown language {asked!r}; use one of {', '.join(languages)}.",
            fields={"language": ["Unknown language."]},
        )
    header = request.headers.get("Accept-Language")
    return asked or (translation.get_language() if header else "") or default


@extend_schema_view(
    list=extend_schema(summary="List scheduled reports"),
    retrieve=extend_schema(summary="A scheduled report"),
    create=extend_schema(summary="Schedule a report (weekly or monthly, PDF or XLSX)"),
    update=extend_schema(summary="Change a scheduled report"),
    partial_update=extend_schema(summary="Change some fields of a scheduled report"),
    destroy=extend_schema(summary="Delete a scheduled report"),
)
class ScheduledReportViewSet(OrganizationScopedAPIMixin, viewsets.ModelViewSet[ScheduledReport]):
    model = ScheduledReport
    serializer_class = ScheduledReportSerializer
    required_capability = Capability.EXPORT_DATA

    def organization_queryset(self, organization: Organization) -> QuerySet[ScheduledReport]:
        return selectors.scheduled_reports_list(organization=organization)

    @staticmethod
    def _arguments(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": data["name"],
            "frequency": data["frequency"],
            "weekday": data["weekday"],
            "day_of_month": data["day_of_month"],
            "hour": data["hour"],
            "members": data["recipient_members"],
            "emails": data["recipient_emails"],
            "language": data["language"],
            "filters": data["filters"],
            "file_format": data["format"],
            "active": data["active"],
        }

    def _validated(self, request: Request, instance: ScheduledReport | None) -> dict[str, Any]:
        current = ScheduledReportSerializer(instance).data if instance else {}
        defaults = {
            "frequency": "weekly", "weekday": 0, "day_of_month": 1, "hour": 7,
            "language": "", "format": "pdf", "active": True,
        }  # fmt: skip
        serializer = ScheduledReportSerializer(data={**defaults, **current, **request.data})
        serializer.is_valid(raise_exception=True)
        return self._arguments(dict(serializer.validated_data))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = services.scheduled_report_create(
            organization=request_organization(request),
            by=acting_membership(request),
            **self._validated(request, None),
        )
        return Response(ScheduledReportSerializer(report).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = services.scheduled_report_update(
            report=self.get_object(),
            by=acting_membership(request),
            **self._validated(request, self.get_object()),
        )
        return Response(ScheduledReportSerializer(report).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.scheduled_report_delete(report=self.get_object(), by=acting_membership(request))
        return Response(status=204)

    @extend_schema(summary="The deliveries of a scheduled report, newest first")
    @action(detail=True, methods=["get"], serializer_class=ReportDeliverySerializer)
    def deliveries(self, request: Request, pk: str) -> Response:
        deliveries = self.get_object().deliveries.order_by("-period_start")[:100]
        return Response(ReportDeliverySerializer(deliveries, many=True).data)
