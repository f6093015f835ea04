from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "clearloop.web"
    label = "web"
