from django.urls import URLPattern, URLResolver, path

from clearloop.intake.api import EmailIntakeView, FeedViewSet, WebhookIntakeView

feeds = FeedViewSet.as_view({"get": "list", "post": "create"})
feed = FeedViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("intake/feeds/", feeds, name="intake-feed-list"),
    path("intake/feeds/<int:pk>/", feed, name="intake-feed-detail"),
    path("intake/email/<str:token>/", EmailIntakeView.as_view(), name="intake_email"),
    path("intake/webhook/<str:token>/", WebhookIntakeView.as_view(), name="intake_webhook"),
]
