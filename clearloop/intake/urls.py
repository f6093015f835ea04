from django.urls import URLPattern, URLResolver, path

from clearloop.intake import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.intake_overview, name="intake"),
    path("email/rotate/", views.intake_email_rotate, name="intake_email_rotate"),
    path("webhook/rotate/", views.intake_webhook_rotate, name="intake_webhook_rotate"),
    path("feeds/", views.intake_feeds, name="intake_feeds"),
    path("feeds/new/", views.intake_feed_new, name="intake_feed_new"),
    path("feeds/<int:pk>/edit/", views.intake_feed_edit, name="intake_feed_edit"),
    path("feeds/<int:pk>/toggle/", views.intake_feed_toggle, name="intake_feed_toggle"),
    path("feeds/<int:pk>/poll/", views.intake_feed_poll, name="intake_feed_poll"),
    path("feeds/<int:pk>/delete/", views.intake_feed_delete, name="intake_feed_delete"),
]
