"""The staff pages of surveys, under /surveys/ in the `web` URL namespace.

Included by `clearloop.web.urls`, so names read `web:survey_results` and so on.
"""

from django.urls import include, path

from clearloop.web import views

urlpatterns = [
    path("", views.surveys, name="surveys"),
    path("<int:pk>/", views.survey_results, name="survey_results"),
    path("<int:pk>/responses/", views.survey_responses, name="survey_responses"),
    path(
        "<int:pk>/responses/<int:response_pk>/",
        views.survey_response,
        name="survey_response",
    ),
    path("<int:pk>/export.csv", views.survey_export_csv, name="survey_export_csv"),
    path("<int:pk>/export.xlsx", views.survey_export_xlsx, name="survey_export_xlsx"),
    path(
        "<int:pk>/distributions/",
        views.survey_distributions,
        name="survey_distributions",
    ),
    path(
        "<int:pk>/distributions/new",
        views.survey_distribution_create,
        name="survey_distribution_create",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/active",
        views.survey_distribution_set_active,
        name="survey_distribution_set_active",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/qr.png",
        views.survey_distribution_qr_png,
        name="survey_distribution_qr_png",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/qr.svg",
        views.survey_distribution_qr_svg,
        name="survey_distribution_qr_svg",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/qr-preview.svg",
        views.survey_distribution_qr_preview,
        name="survey_distribution_qr_preview",
    ),
    path("", include("clearloop.surveys.invitation_urls")),
    path("", include("clearloop.surveys.export_urls")),
]
