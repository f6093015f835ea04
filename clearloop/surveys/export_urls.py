"""The Exports pages of a survey, under /surveys/ in the `web` URL namespace."""

from django.urls import path

from clearloop.surveys import export_views

urlpatterns = [
    path("<int:pk>/exports/", export_views.survey_exports, name="survey_exports"),
    path(
        "<int:pk>/exports/new",
        export_views.survey_export_request,
        name="survey_export_request",
    ),
    path(
        "<int:pk>/exports/<int:export_pk>/status",
        export_views.survey_export_status,
        name="survey_export_status",
    ),
    path(
        "<int:pk>/exports/<int:export_pk>/download",
        export_views.survey_export_download,
        name="survey_export_download",
    ),
]
