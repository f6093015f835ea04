from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "clearloop.intake"
    label = "intake"

    def ready(self) -> None:
        from clearloop.intake import tasks  # noqa: F401 -- registers the periodic feed poll
