"""API routes of alerts."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from clearloop.alerts import api

router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="alert")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
