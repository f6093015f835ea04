"""The Analytics pages, under /analytics/ in the `web` URL namespace."""

from django.urls import path

from clearloop.analytics import views

urlpatterns = [
    path("", views.analytics, name="analytics"),
    path("responses/", views.analytics_responses, name="analytics_responses"),
    path("settings/", views.analytics_settings, name="analytics_settings"),
]
