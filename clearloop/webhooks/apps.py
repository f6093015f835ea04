from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "clearloop.webhooks"
    label = "webhooks"
