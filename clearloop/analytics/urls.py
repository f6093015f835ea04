"""The Analytics pages, under /analytics/ in the `web` URL namespace."""

from django.urls import path

from clearloop.analytics import persona_views, views

urlpatterns = [
    path("", views.analytics, name="analytics"),
    path("responses/", views.analytics_responses, name="analytics_responses"),
    path("settings/", views.analytics_settings, name="analytics_settings"),
    path("personas/", persona_views.personas, name="personas"),
    path("personas/<int:number>/", persona_views.persona_customers, name="persona_customers"),
]
