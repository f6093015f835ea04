from django.urls import include, path
from rest_framework.routers import SimpleRouter

from clearloop.surveys import api

router = SimpleRouter()
router.register("surveys", api.SurveyViewSet, basename="survey")

distributions = api.DistributionViewSet.as_view({"get": "list", "post": "create"})
distribution = api.DistributionViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
invitations = api.InvitationViewSet.as_view({"get": "list", "post": "create"})
invitation = api.InvitationViewSet.as_view({"get": "retrieve"})
invitation_resend = api.InvitationViewSet.as_view({"post": "resend"})
responses = api.ResponseViewSet.as_view({"get": "list"})
response = api.ResponseViewSet.as_view({"get": "retrieve"})

INVITATIONS = "surveys/<int:survey_pk>/distributions/<int:distribution_pk>/invitations/"

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
    path(INVITATIONS, invitations, name="survey-invitation-list"),
    path(f"{INVITATIONS}<int:pk>/", invitation, name="survey-invitation-detail"),
    path(f"{INVITATIONS}<int:pk>/resend/", invitation_resend, name="survey-invitation-resend"),
    path("surveys/<int:survey_pk>/responses/", responses, name="survey-response-list"),
    path("surveys/<int:survey_pk>/responses/<int:pk>/", response, name="survey-response-detail"),
    path(
        "interactions/closed/",
        api.InteractionClosedView.as_view(),
        name="interaction-closed",
    ),
    path("", include("clearloop.surveys.export_api_urls")),
]
