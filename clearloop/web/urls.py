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
    path("feedback/", views.feedback, name="feedback"),
    path("customers/", views.customers, name="customers"),
    path("cases/", views.cases, name="cases"),
    path("analytics/", views.analytics, name="analytics"),
    path("goals/", views.goals, name="goals"),
    path("settings/", views.settings_index, name="settings"),
    path("healthz/", views.healthz, name="healthz"),
]
