from django.urls import include, path

from clearloop.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/", include("clearloop.surveys.urls")),
    path("feedback/", views.feedback, name="feedback"),
    path("customers/", views.customers, name="customers"),
    path("cases/", views.cases, name="cases"),
    path("analytics/", views.analytics, name="analytics"),
    path("goals/", views.goals, name="goals"),
    path("settings/", views.settings_index, name="settings"),
    path("healthz/", views.healthz, name="healthz"),
]
