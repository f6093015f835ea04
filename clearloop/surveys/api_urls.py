from django.urls import include, path
from rest_framework.routers import SimpleRouter

from clearloop.surveys import api

router = SimpleRouter()
router.register("surveys", api.SurveyViewSet, basename="survey")

distributions = api.DistributionViewSet.as_view({"get": "list", "post": "create"})
distribution = api.DistributionViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

urlpatterns = [
    *router.urls,
    path(
        "surveys/<int:survey_pk>/distributions/",
        distributions,
        name="survey-distribution-list",
    ),
    path(
        "surveys/<int:survey_pk>/distributions/<int:pk>/",
        distribution,
        name="survey-distribution-detail",
    ),
    path("", include("clearloop.surveys.export_api_urls")),
]
