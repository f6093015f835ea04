from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "clearloop.cases"
    label = "cases"

    def ready(self) -> None:
        from clearloop.cases import tasks  # noqa: F401 -- registers the periodic SLA sweep
