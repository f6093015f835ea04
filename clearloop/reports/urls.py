"""Report pages, under /analytics/ in the `web` URL namespace (next to the Analytics page)."""

from django.urls import path

from clearloop.reports import views

urlpatterns = [
    path("report.pdf", views.dashboard_report, name="analytics_report_pdf"),
    path(
        "export/<slug:table>.<slug:file_format>",
        views.table_export,
        name="analytics_export",
    ),
]
