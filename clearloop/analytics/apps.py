from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "clearloop.analytics"
    label = "analytics"
