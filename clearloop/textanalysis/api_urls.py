"""API routes of text analysis, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from clearloop.textanalysis import api

topics = api.TopicViewSet.as_view({"get": "list"})
topic = api.TopicViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
corrections = api.CorrectionViewSet.as_view({"get": "list", "post": "create"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("feedback/<int:pk>/analysis/", api.ItemAnalysisView.as_view(), name="feedback-analysis"),
    path("text/topics/", topics, name="text-topic-list"),
    path("text/topics/<int:pk>/", topic, name="text-topic-detail"),
    path("text/corrections/", corrections, name="text-correction-list"),
    path("text/accuracy/", api.AccuracyView.as_view(), name="text-accuracy"),
]
