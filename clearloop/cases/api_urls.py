"""API routes of cases, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.cases import api

cases = api.CaseViewSet.as_view({"get": "list"})
case = api.CaseViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
events = api.CaseViewSet.as_view({"get": "events"})
rules = api.CaseRuleViewSet.as_view({"get": "list", "post": "create"})
rule = api.CaseRuleViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", cases, name="case-list"),
    path("cases/<int:pk>/", case, name="case-detail"),
    path("cases/<int:pk>/events/", events, name="case-events"),
    path("cases/rules/", rules, name="case-rule-list"),
    path("cases/rules/<int:pk>/", rule, name="case-rule-detail"),
]
