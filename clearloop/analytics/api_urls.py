"""API routes of analytics (all read-only), under /api/v1/analytics/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.analytics import api, persona_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/metrics/<str:metric>/", api.MetricView.as_view(), name="analytics-metric"),
    path("analytics/metrics/<str:metric>/trend/", api.TrendView.as_view(), name="analytics-trend"),
    path(
        "analytics/metrics/<str:metric>/breakdown/",
        api.BreakdownView.as_view(),
        name="analytics-breakdown",
    ),
    path("analytics/funnel/", api.FunnelView.as_view(), name="analytics-funnel"),
    path("analytics/fcr/", api.FirstContactResolutionView.as_view(), name="analytics-fcr"),
    path("analytics/drivers/", api.DriversView.as_view(), name="analytics-drivers"),
    path("analytics/personas/", persona_api.PersonasView.as_view(), name="analytics-personas"),
    path(
        "analytics/personas/<int:number>/customers/",
        persona_api.PersonaCustomersView.as_view(),
        name="analytics-persona-customers",
    ),
]
