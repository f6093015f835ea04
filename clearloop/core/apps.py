from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clearloop.core"
    label = "core"
