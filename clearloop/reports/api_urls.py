"""API routes of reports, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from clearloop.reports import api

router = SimpleRouter()
router.register("reports/schedules", api.ScheduledReportViewSet, basename="scheduled-report")

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/report.pdf", api.ReportView.as_view(), name="analytics-report"),
    path(
        "analytics/exports/<slug:table>.<slug:file_format>",
        api.ExportView.as_view(),
        name="analytics-export",
    ),
    *router.urls,
]
