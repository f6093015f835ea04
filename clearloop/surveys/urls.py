"""The staff pages of surveys, under /surveys/ in the `web` URL namespace.

Included by `clearloop.web.urls`, so names read `web:survey_results` and so on.
"""

from django.urls import include, path

from clearloop.surveys import distribution_views, views

urlpatterns = [
    path("", views.surveys, name="surveys"),
    path("new/", views.survey_new, name="survey_new"),
    path("import/", views.survey_import, name="survey_import"),
    path("<int:pk>/", views.survey_results, name="survey_results"),
    # The builder: settings and questions of the draft, preview, lifecycle.
    path("<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("<int:pk>/edit/questions/add", views.survey_question_add, name="survey_question_add"),
    path(
        "<int:pk>/edit/questions/<slug:key>/",
        views.survey_question_edit,
        name="survey_question_edit",
    ),
    path(
        "<int:pk>/edit/questions/<slug:key>/move",
        views.survey_question_move,
        name="survey_question_move",
    ),
    path(
        "<int:pk>/edit/questions/<slug:key>/delete",
        views.survey_question_delete,
        name="survey_question_delete",
    ),
    path("<int:pk>/preview/", views.survey_preview, name="survey_preview"),
    path("<int:pk>/publish", views.survey_publish, name="survey_publish"),
    path("<int:pk>/close", views.survey_close, name="survey_close"),
    path("<int:pk>/reopen", views.survey_reopen, name="survey_reopen"),
    path("<int:pk>/duplicate", views.survey_duplicate, name="survey_duplicate"),
    path("<int:pk>/delete/", views.survey_delete, name="survey_delete"),
    path(
        "<int:pk>/definition.json",
        views.survey_definition_export,
        name="survey_definition_export",
    ),
    # Results, responses and exports.
    path("<int:pk>/responses/", views.survey_responses, name="survey_responses"),
    path(
        "<int:pk>/responses/<int:response_pk>/",
        views.survey_response,
        name="survey_response",
    ),
    path("<int:pk>/export.csv", views.survey_export_csv, name="survey_export_csv"),
    path("<int:pk>/export.xlsx", views.survey_export_xlsx, name="survey_export_xlsx"),
    # Distributions.
    path(
        "<int:pk>/distributions/",
        distribution_views.survey_distributions,
        name="survey_distributions",
    ),
    path(
        "<int:pk>/distributions/new",
        distribution_views.survey_distribution_create,
        name="survey_distribution_create",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/settings",
        distribution_views.survey_distribution_settings,
        name="survey_distribution_settings",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/active",
        distribution_views.survey_distribution_set_active,
        name="survey_distribution_set_active",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/qr.png",
        distribution_views.survey_distribution_qr_png,
        name="survey_distribution_qr_png",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/qr.svg",
        distribution_views.survey_distribution_qr_svg,
        name="survey_distribution_qr_svg",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/qr-preview.svg",
        distribution_views.survey_distribution_qr_preview,
        name="survey_distribution_qr_preview",
    ),
    path("", include("clearloop.surveys.invitation_urls")),
    path("", include("clearloop.surveys.export_urls")),
]
