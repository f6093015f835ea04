from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "clearloop.reports"
    label = "reports"

    def ready(self) -> None:
        from clearloop.reports import tasks  # noqa: F401 -- registers the hourly sending
