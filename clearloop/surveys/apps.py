from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "clearloop.surveys"
    label = "surveys"

    def ready(self) -> None:
        from clearloop.surveys import export_tasks  # noqa: F401 (registers the daily cleanup)
