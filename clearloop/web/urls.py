from django.urls import include, path

from clearloop.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/", include("clearloop.surveys.urls")),
    path("feedback/", include("clearloop.feedback.urls")),
    path("customers/", include("clearloop.customers.urls")),
    path("imports/", include("clearloop.imports.urls")),
    path("intake/", include("clearloop.intake.urls")),
    path("text/", include("clearloop.textanalysis.urls")),
    path("cases/", include("clearloop.cases.urls")),
    path("analytics/dashboards/", include("clearloop.boards.urls")),
    path("analytics/", include("clearloop.analytics.urls")),
    path("analytics/", include("clearloop.reports.urls")),
    path("goals/", include("clearloop.goals.urls")),
    path("alerts/", include("clearloop.alerts.urls")),
    path("settings/", views.settings_index, name="settings"),
    path("healthz/", views.healthz, name="healthz"),
]
