from django.urls import path

from clearloop.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<int:pk>/", views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/responses/", views.survey_responses, name="survey_responses"),
    path(
        "surveys/<int:pk>/responses/<int:response_pk>/",
        views.survey_response,
        name="survey_response",
    ),
    path("surveys/<int:pk>/export.csv", views.survey_export_csv, name="survey_export_csv"),
    path("surveys/<int:pk>/export.xlsx", views.survey_export_xlsx, name="survey_export_xlsx"),
    path(
        "surveys/<int:pk>/distributions/",
        views.survey_distributions,
        name="survey_distributions",
    ),
    path(
        "surveys/<int:pk>/distributions/new",
        views.survey_distribution_create,
        name="survey_distribution_create",
    ),
    path(
        "surveys/<int:pk>/distributions/<int:distribution_pk>/active",
        views.survey_distribution_set_active,
        name="survey_distribution_set_active",
    ),
    path(
        "surveys/<int:pk>/distributions/<int:distribution_pk>/qr.png",
        views.survey_distribution_qr_png,
        name="survey_distribution_qr_png",
    ),
    path(
        "surveys/<int:pk>/distributions/<int:distribution_pk>/qr.svg",
        views.survey_distribution_qr_svg,
        name="survey_distribution_qr_svg",
    ),
    path(
        "surveys/<int:pk>/distributions/<int:distribution_pk>/qr-preview.svg",
        views.survey_distribution_qr_preview,
        name="survey_distribution_qr_preview",
    ),
    path("feedback/", views.feedback, name="feedback"),
    path("customers/", views.customers, name="customers"),
    path("cases/", views.cases, name="cases"),
    path("analytics/", views.analytics, name="analytics"),
    path("goals/", views.goals, name="goals"),
    path("settings/", views.settings_index, name="settings"),
    path("healthz/", views.healthz, name="healthz"),
]
