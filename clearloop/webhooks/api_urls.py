"""API routes of outbound webhooks, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.webhooks import api

endpoints = api.EndpointViewSet.as_view({"get": "list", "post": "create"})
endpoint = api.EndpointViewSet.as_view({"delete": "destroy"})
deliveries = api.DeliveryViewSet.as_view({"get": "list"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("webhooks/endpoints/", endpoints, name="webhook-endpoint-list"),
    path("webhooks/endpoints/<int:pk>/", endpoint, name="webhook-endpoint-detail"),
    path("webhooks/deliveries/", deliveries, name="webhook-delivery-list"),
]
