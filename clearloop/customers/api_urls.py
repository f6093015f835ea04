"""API routes of customers and segments. Detail routes take integer ids only: the bulk
upsert endpoints live at `customers/bulk/` and must never be read as a customer id."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from clearloop.customers import api

router = SimpleRouter()
router.register("customers", api.CustomerViewSet, basename="customer")
router.register("segments", api.SegmentViewSet, basename="segment")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
