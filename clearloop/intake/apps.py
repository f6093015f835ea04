from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "clearloop.intake"
    label = "intake"
