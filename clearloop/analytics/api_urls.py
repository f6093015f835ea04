"""API routes of analytics under /api/v1/analytics/: figures (GET) and the settings (PATCH)."""

from django.urls import URLPattern, URLResolver, path

from clearloop.analytics import api, persona_api

urlpatterns: list[URLPattern | URLResolver] = [
    # The CSI weighs a matrix question's rows, so it has a view of its own; it answers
    # under the metric endpoint too, like every other metric.
    path("analytics/csi/", api.CsiView.as_view(), name="analytics-csi"),
    path("analytics/metrics/csi/", api.CsiView.as_view(), name="analytics-metric-csi"),
    path("analytics/metrics/<str:metric>/", api.MetricView.as_view(), name="analytics-metric"),
    path("analytics/metrics/<str:metric>/trend/", api.TrendView.as_view(), name="analytics-trend"),
    path(
        "analytics/metrics/<str:metric>/breakdown/",
        api.BreakdownView.as_view(),
        name="analytics-breakdown",
    ),
    path("analytics/funnel/", api.FunnelView.as_view(), name="analytics-funnel"),
    path("analytics/fcr/", api.FirstContactResolutionView.as_view(), name="analytics-fcr"),
    path("analytics/sla-compliance/", api.SlaComplianceView.as_view(), name="analytics-sla"),
    path("analytics/settings/", api.SettingsView.as_view(), name="analytics-settings"),
    path("analytics/drivers/", api.DriversView.as_view(), name="analytics-drivers"),
    path("analytics/personas/", persona_api.PersonasView.as_view(), name="analytics-personas"),
    path(
        "analytics/personas/<int:number>/customers/",
        persona_api.PersonaCustomersView.as_view(),
        name="analytics-persona-customers",
    ),
]
