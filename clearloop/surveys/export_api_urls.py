"""API routes of response exports, under /api/v1/ in the `api` namespace."""

from django.urls import path

from clearloop.surveys import export_api

urlpatterns = [
    path(
        "surveys/<int:survey_pk>/exports/",
        export_api.ResponseExportListView.as_view(),
        name="survey-export-list",
    ),
    path(
        "surveys/<int:survey_pk>/exports/<int:pk>/",
        export_api.ResponseExportDetailView.as_view(),
        name="survey-export-detail",
    ),
    path(
        "surveys/<int:survey_pk>/exports/<int:pk>/download",
        export_api.ResponseExportDownloadView.as_view(),
        name="survey-export-download",
    ),
]
