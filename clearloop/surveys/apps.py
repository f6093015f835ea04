from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "clearloop.surveys"
    label = "surveys"
