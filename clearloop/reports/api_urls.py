"""API routes of reports, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.reports import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/report.pdf", api.ReportView.as_view(), name="analytics-report"),
    path(
        "analytics/exports/<slug:table>.<slug:file_format>",
        api.ExportView.as_view(),
        name="analytics-export",
    ),
]
