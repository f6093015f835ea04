from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "clearloop.alerts"
    label = "alerts"

    def ready(self) -> None:
        from clearloop.alerts import tasks  # noqa: F401 -- registers the periodic evaluation
