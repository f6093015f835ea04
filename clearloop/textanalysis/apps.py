from django.apps import AppConfig


class TextAnalysisConfig(AppConfig):
    name = "clearloop.textanalysis"
    label = "textanalysis"
