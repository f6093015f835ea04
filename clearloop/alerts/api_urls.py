"""API routes of alerts."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from clearloop.alerts import api

router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="alert")

rules = api.AlertRuleViewSet.as_view({"get": "list", "post": "create"})
rule = api.AlertRuleViewSet.as_view({"get": "retrieve", "delete": "destroy"})

# Before the router's "alerts/<pk>/", which would otherwise take "rules" for an alert id.
urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/rules/", rules, name="alert-rule-list"),
    path("alerts/rules/<int:pk>/", rule, name="alert-rule-detail"),
    *router.urls,
]
