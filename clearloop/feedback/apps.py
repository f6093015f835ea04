from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "clearloop.feedback"
    label = "feedback"
