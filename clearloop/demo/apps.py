from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "clearloop.demo"
    label = "demo"
