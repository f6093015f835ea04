"""The alert pages under /alerts/ in the `web` namespace."""

from django.urls import path

from clearloop.alerts import views

urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("rules/new/", views.rule_new, name="alert_rule_new"),
    path("digest", views.digest_subscribe, name="alert_digest"),
    path("<int:pk>/acknowledge", views.alert_acknowledge, name="alert_acknowledge"),
    path("<int:pk>/resolve", views.alert_resolve, name="alert_resolve"),
]
