from django.urls import path
from rest_framework.routers import SimpleRouter

from clearloop.accounts import api

router = SimpleRouter()
router.register("members", api.MemberViewSet, basename="member")
router.register("teams", api.TeamViewSet, basename="team")
router.register("tokens", api.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("me/", api.WhoAmIView.as_view(), name="me"),
    path("organization/", api.OrganizationView.as_view(), name="organization"),
    *router.urls,
]
