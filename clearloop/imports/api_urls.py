"""Bulk upsert endpoints, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.imports import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/bulk/", api.CustomerBulkView.as_view(), name="customer-bulk"),
    path("orders/bulk/", api.OrderBulkView.as_view(), name="order-bulk"),
    path("interactions/bulk/", api.InteractionBulkView.as_view(), name="interaction-bulk"),
    path("feedback/bulk/", api.FeedbackBulkView.as_view(), name="feedback-bulk"),
]
