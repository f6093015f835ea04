"""API routes of dashboards."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from clearloop.boards import api

router = SimpleRouter()
router.register("dashboards", api.DashboardViewSet, basename="dashboard")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
