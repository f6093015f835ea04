"""API routes of goals."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from clearloop.goals import api

router = SimpleRouter()
router.register("goals", api.GoalViewSet, basename="goal")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
