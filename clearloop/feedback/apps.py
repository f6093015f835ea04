from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "clearloop.feedback"
    label = "feedback"

    def ready(self) -> None:
        from clearloop.feedback import tasks  # noqa: F401 -- registers the periodic indexer
