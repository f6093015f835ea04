"""The staff pages of the feedback inbox, under /feedback/ in the `web` URL namespace."""

from django.urls import path

from clearloop.feedback import views

urlpatterns = [
    path("", views.feedback, name="feedback"),
    path("<int:pk>/", views.feedback_item, name="feedback_item"),
    path("<int:pk>/tags/add", views.feedback_item_tag_add, name="feedback_item_tag_add"),
    path(
        "<int:pk>/tags/<int:tag_pk>/remove",
        views.feedback_item_tag_remove,
        name="feedback_item_tag_remove",
    ),
    path("bulk-tag", views.feedback_bulk_tag, name="feedback_bulk_tag"),
    path("views/", views.saved_view_create, name="feedback_view_create"),
    path("views/<int:pk>/delete", views.saved_view_delete, name="feedback_view_delete"),
    path("tags/", views.tags, name="feedback_tags"),
    path("tags/new", views.tag_create, name="feedback_tag_create"),
    path("tags/<int:pk>/delete", views.tag_delete, name="feedback_tag_delete"),
    path("tags/rules/new", views.tagging_rule_create, name="feedback_tagging_rule_create"),
    path(
        "tags/rules/<int:pk>/delete",
        views.tagging_rule_delete,
        name="feedback_tagging_rule_delete",
    ),
    path("listening/", views.listening, name="feedback_listening"),
    path("listening/new", views.listening_rule_create, name="feedback_listening_create"),
    path(
        "listening/<int:pk>/toggle",
        views.listening_rule_toggle,
        name="feedback_listening_toggle",
    ),
    path(
        "listening/<int:pk>/delete",
        views.listening_rule_delete,
        name="feedback_listening_delete",
    ),
]
