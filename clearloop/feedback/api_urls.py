"""API routes of the feedback inbox, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.feedback import api

items = api.FeedbackViewSet.as_view({"get": "list", "post": "create"})
item = api.FeedbackViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
tags = api.TagViewSet.as_view({"get": "list", "post": "create"})
views = api.SavedViewViewSet.as_view({"get": "list", "post": "create"})
view = api.SavedViewViewSet.as_view({"delete": "destroy"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("feedback/", items, name="feedback-list"),
    path("feedback/tags/", tags, name="feedback-tag-list"),
    path("feedback/views/", views, name="feedback-view-list"),
    path("feedback/views/<int:pk>/", view, name="feedback-view-detail"),
    path("feedback/<int:pk>/", item, name="feedback-detail"),
]
