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
    path("schedules/", views.schedules, name="analytics_schedules"),
    path("schedules/new/", views.schedule_new, name="analytics_schedule_new"),
    path("schedules/<int:pk>/", views.schedule_edit, name="analytics_schedule_edit"),
    path("schedules/<int:pk>/delete", views.schedule_delete, name="analytics_schedule_delete"),
]
