from django.urls import URLPattern, URLResolver, path

from clearloop.intake.api import EmailIntakeView, WebhookIntakeView

urlpatterns: list[URLPattern | URLResolver] = [
    path("intake/email/<str:token>/", EmailIntakeView.as_view(), name="intake_email"),
    path("intake/webhook/<str:token>/", WebhookIntakeView.as_view(), name="intake_webhook"),
]
