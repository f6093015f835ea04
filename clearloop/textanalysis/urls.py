"""The staff pages of text analysis, under /text/ in the `web` URL namespace."""

from django.urls import path

from clearloop.textanalysis import views

urlpatterns = [
    path("", views.overview, name="text"),
    path("backfill", views.backfill_start, name="text_backfill"),
    path("run", views.run_progress, name="text_run"),
    path("topics/", views.topics, name="text_topics"),
    path("topics/discover", views.topics_discover, name="text_topics_discover"),
    path("topics/new", views.topic_create, name="text_topic_create"),
    path("topics/<int:pk>/", views.topic, name="text_topic"),
    path("topics/<int:pk>/rename", views.topic_rename, name="text_topic_rename"),
    path("topics/<int:pk>/keywords", views.topic_keywords, name="text_topic_keywords"),
    path("topics/<int:pk>/merge", views.topic_merge, name="text_topic_merge"),
    path("items/<int:pk>/correct", views.item_correct, name="text_item_correct"),
]
