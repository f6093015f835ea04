from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from clearloop.core.middleware import relaxed_styles

api_v1: list[URLPattern | URLResolver] = [
    path("", include("clearloop.accounts.api_urls")),
    path("", include("clearloop.surveys.api_urls")),
    path("", include("clearloop.customers.api_urls")),
    path("", include("clearloop.feedback.api_urls")),
    path("", include("clearloop.imports.api_urls")),
    path("", include("clearloop.intake.api_urls")),
    path("", include("clearloop.textanalysis.api_urls")),
    path("", include("clearloop.analytics.api_urls")),
    path("", include("clearloop.boards.api_urls")),
    path("", include("clearloop.reports.api_urls")),
    path("", include("clearloop.cases.api_urls")),
    path("", include("clearloop.webhooks.api_urls")),
    path("", include("clearloop.goals.api_urls")),
    path("", include("clearloop.alerts.api_urls")),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path(
        "docs/",
        relaxed_styles(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", authentication_classes=[], permission_classes=[]
            )
        ),
        name="docs",
    ),
]

urlpatterns = [
    path("s/", include("clearloop.surveys.public.urls")),
    path("i/", include("clearloop.surveys.public.invitation_urls")),
    path("w/", include("clearloop.surveys.public.widget")),
    path("c/", include("clearloop.cases.public_urls")),
    path("", include("clearloop.web.urls")),
    path("accounts/", include("clearloop.accounts.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
]

handler400 = "clearloop.web.errors.bad_request"
handler403 = "clearloop.web.errors.permission_denied"
handler404 = "clearloop.web.errors.page_not_found"
handler500 = "clearloop.web.errors.server_error"
