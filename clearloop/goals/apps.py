from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "clearloop.goals"
    label = "goals"

    def ready(self) -> None:
        from clearloop.goals import tasks  # noqa: F401  (registers the periodic schedules)
