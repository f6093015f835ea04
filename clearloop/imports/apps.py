from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "clearloop.imports"
    label = "imports"
